'use strict';
// Constant-product pools held by the server, and the swap transactions its
// Jupiter-compatible API returns.
//
// A pool is plain on-chain state, so that every swap really moves funds in
// the SVM: its SOL side is the lamports of a system account (the pool
// authority, minus the rent-exempt minimum it keeps), its token side is the
// authority's associated token account (the vault). Reserves are always read
// from those balances: they change when, and only when, a transaction moving
// them lands.
//
// There is no AMM program on this chain, so a swap transaction carries fixed
// amounts computed at /swap time (the exact constant-product output for the
// quote's input, never more than the quote promised) and the pool authority
// signs it in its own signature slot. The pool's program logic — "fail if
// the output at landing is below otherAmountThreshold" — is played by the
// server: a guard registered with the chain recomputes the output from the
// reserves at the moment the transaction executes and, when it is below the
// threshold, fails the transaction on chain with Jupiter's error
// SlippageToleranceExceeded (custom 6001 = 0x1771) and charges its fee. When
// it lands, the user gets exactly the amount the transaction carries.

const crypto = require('crypto');
const web3 = require('@solana/web3.js');
const spl = require('@solana/spl-token');
const programs = require('./programs');
const { TxError } = require('./tx_errors');

const SWAP_COMPUTE_UNIT_LIMIT = 100_000;
const SLIPPAGE_TOLERANCE_EXCEEDED = 6001;
const AUTO_PRIORITY_FEE_LAMPORTS = 10_000n;
const MAX_U64 = 0xffffffffffffffffn;

const DEFAULT_SEED = Object.freeze({
  label: 'sniper-localnet',
  pools: [
    { symbol: 'ALPHA', decimals: 6, sol_reserve_lamports: '500000000000', token_reserve_atoms: '1000000000000000', fee_bps: 25 },
    { symbol: 'BETA', decimals: 6, sol_reserve_lamports: '100000000000', token_reserve_atoms: '50000000000000', fee_bps: 30 },
    { symbol: 'GAMMA', decimals: 9, sol_reserve_lamports: '50000000000', token_reserve_atoms: '1000000000000000000', fee_bps: 100 },
  ],
  accounts: [],
});

class HttpError extends Error {
  constructor(status, message, errorCode = 'INVALID_REQUEST') {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }
}

function keypairFor(label, name) {
  const seed = crypto.createHash('sha256').update(`sniper-localnet:${label}:${name}`).digest();
  return web3.Keypair.fromSeed(seed);
}

function isU64String(v) {
  return typeof v === 'string' && /^[0-9]{1,20}$/.test(v) && BigInt(v) <= MAX_U64;
}

// Checks a seed object (see README); returns every problem found.
function validateSeed(seed) {
  const errors = [];
  if (seed === null || typeof seed !== 'object' || Array.isArray(seed)) {
    return ['seed must be a JSON object'];
  }
  for (const key of Object.keys(seed)) {
    if (!['label', 'pools', 'accounts'].includes(key)) {
      errors.push(`${key}: unknown key (known: label, pools, accounts)`);
    }
  }
  if ('label' in seed && (typeof seed.label !== 'string' || seed.label.length === 0)) {
    errors.push('label: expected a non-empty string');
  }
  const pools = seed.pools === undefined ? [] : seed.pools;
  if (!Array.isArray(pools)) {
    errors.push('pools: expected an array');
  } else {
    const symbols = new Set();
    pools.forEach((p, i) => {
      const at = `pools[${i}]`;
      if (p === null || typeof p !== 'object') {
        errors.push(`${at}: expected an object`);
        return;
      }
      for (const key of Object.keys(p)) {
        if (!['symbol', 'decimals', 'sol_reserve_lamports', 'token_reserve_atoms', 'fee_bps'].includes(key)) {
          errors.push(`${at}.${key}: unknown key`);
        }
      }
      if (typeof p.symbol !== 'string' || !/^[A-Za-z0-9_-]{1,16}$/.test(p.symbol)) {
        errors.push(`${at}.symbol: expected 1-16 letters, digits, _ or -, found ${JSON.stringify(p.symbol)}`);
      } else if (symbols.has(p.symbol)) {
        errors.push(`${at}.symbol: ${p.symbol} appears twice`);
      } else {
        symbols.add(p.symbol);
      }
      if (!Number.isInteger(p.decimals) || p.decimals < 0 || p.decimals > 18) {
        errors.push(`${at}.decimals: expected an integer in [0, 18], found ${JSON.stringify(p.decimals)}`);
      }
      for (const key of ['sol_reserve_lamports', 'token_reserve_atoms']) {
        if (!isU64String(p[key]) || BigInt(p[key]) === 0n) {
          errors.push(`${at}.${key}: expected a positive u64 as a decimal string, found ${JSON.stringify(p[key])}`);
        }
      }
      if (!Number.isInteger(p.fee_bps) || p.fee_bps < 0 || p.fee_bps >= 10000) {
        errors.push(`${at}.fee_bps: expected an integer in [0, 9999], found ${JSON.stringify(p.fee_bps)}`);
      }
    });
  }
  const accounts = seed.accounts === undefined ? [] : seed.accounts;
  if (!Array.isArray(accounts)) {
    errors.push('accounts: expected an array');
  } else {
    accounts.forEach((a, i) => {
      let ok = false;
      try {
        ok = a && typeof a.pubkey === 'string' && new web3.PublicKey(a.pubkey).toBase58() === a.pubkey;
      } catch (e) {
        ok = false;
      }
      if (!ok) {
        errors.push(`accounts[${i}].pubkey: expected a base58 public key`);
      }
      if (!a || !isU64String(a.lamports)) {
        errors.push(`accounts[${i}].lamports: expected a u64 as a decimal string`);
      }
    });
  }
  return errors;
}

class Pools {
  constructor(chain, seed = DEFAULT_SEED) {
    this.chain = chain;
    this.label = seed.label || DEFAULT_SEED.label;
    this.mintAuthority = keypairFor(this.label, 'mint-authority');
    this.pools = [];
    this.swaps = new Map(); // sha256(message) hex -> swap terms, for the guard
    this.faults = null; // set by the server: stale blockhash, understated lastValidBlockHeight
    this.tipCounter = 0;
    const rent0 = chain.rentExemptMinimum(0);
    for (const p of seed.pools || []) {
      const mint = keypairFor(this.label, `mint:${p.symbol}`).publicKey;
      const authority = keypairFor(this.label, `pool:${p.symbol}`);
      const vault = spl.getAssociatedTokenAddressSync(mint, authority.publicKey, true);
      const tokenReserve = BigInt(p.token_reserve_atoms);
      chain.setAccount(mint.toBytes(), {
        lamports: chain.rentExemptMinimum(programs.MINT_SIZE),
        data: programs.encodeMint({ mintAuthority: this.mintAuthority.publicKey.toBytes(), supply: tokenReserve, decimals: p.decimals, freezeAuthority: null }),
        owner: programs.TOKEN_PROGRAM,
      });
      chain.setAccount(vault.toBytes(), {
        lamports: chain.rentExemptMinimum(programs.TOKEN_ACCOUNT_SIZE),
        data: programs.encodeTokenAccount({ mint: mint.toBytes(), owner: authority.publicKey.toBytes(), amount: tokenReserve }),
        owner: programs.TOKEN_PROGRAM,
      });
      chain.setAccount(authority.publicKey.toBytes(), { lamports: rent0 + BigInt(p.sol_reserve_lamports) });
      this.pools.push({ symbol: p.symbol, decimals: p.decimals, feeBps: p.fee_bps, mint, authority, vault, rent0 });
    }
    for (const a of seed.accounts || []) {
      chain.setAccount(new web3.PublicKey(a.pubkey).toBytes(), { lamports: BigInt(a.lamports) });
    }
    chain.guards.push((tx, keys) => this.guard(tx, keys));
    chain.on('slot', (slot) => this.pruneSwaps(slot));
  }

  byMint(mint) {
    return this.pools.find((p) => p.mint.toBase58() === mint) || null;
  }

  reserves(pool) {
    const sol = this.chain.svm.getBalance(pool.authority.publicKey.toBytes()) || 0n;
    const vault = this.chain.getAccount(pool.vault.toBytes());
    const t = vault ? programs.decodeTokenAccount(Buffer.from(vault.data()), programs.TOKEN_PROGRAM) : null;
    return { sol: sol > pool.rent0 ? sol - pool.rent0 : 0n, token: t ? t.amount : 0n };
  }

  // Exact-in constant product with the fee taken from the input.
  quoteExactIn(pool, side, amountIn) {
    const r = this.reserves(pool);
    const [reserveIn, reserveOut] = side === 'buy' ? [r.sol, r.token] : [r.token, r.sol];
    const inNet = (amountIn * BigInt(10000 - pool.feeBps)) / 10000n;
    const out = reserveIn + inNet === 0n ? 0n : (reserveOut * inNet) / (reserveIn + inNet);
    return { out, fee: amountIn - inNet, inNet, reserveIn, reserveOut };
  }

  // Resolves a pair of mints to a pool and a side; one side must be SOL.
  route(inputMint, outputMint) {
    if (inputMint === programs.NATIVE_MINT) {
      const pool = this.byMint(outputMint);
      return pool ? { pool, side: 'buy' } : null;
    }
    if (outputMint === programs.NATIVE_MINT) {
      const pool = this.byMint(inputMint);
      return pool ? { pool, side: 'sell' } : null;
    }
    return null;
  }

  // GET /quote. query: URLSearchParams.
  quote(query) {
    const t0 = process.hrtime.bigint();
    const inputMint = query.get('inputMint');
    const outputMint = query.get('outputMint');
    const amount = query.get('amount');
    const slippageText = query.get('slippageBps') === null ? '50' : query.get('slippageBps');
    const swapMode = query.get('swapMode') || 'ExactIn';
    const problems = [];
    if (!inputMint) {
      problems.push('inputMint is required');
    }
    if (!outputMint) {
      problems.push('outputMint is required');
    }
    if (!isU64String(amount) || BigInt(amount) === 0n) {
      problems.push(`amount must be a positive integer (atoms), found ${JSON.stringify(amount)}`);
    }
    if (!/^[0-9]{1,5}$/.test(slippageText) || Number(slippageText) > 10000) {
      problems.push(`slippageBps must be an integer in [0, 10000], found ${JSON.stringify(slippageText)}`);
    }
    if (swapMode !== 'ExactIn') {
      problems.push(`swapMode ${swapMode} is not supported (localnet quotes ExactIn only)`);
    }
    if (problems.length) {
      throw new HttpError(400, problems.join('; '));
    }
    const r = this.route(inputMint, outputMint);
    if (!r) {
      throw new HttpError(400, `no pool for ${inputMint} -> ${outputMint} (localnet pools pair SOL with: ${this.pools.map((p) => `${p.symbol} ${p.mint.toBase58()}`).join(', ')})`, 'COULD_NOT_FIND_ANY_ROUTE');
    }
    const inAmount = BigInt(amount);
    const slippageBps = Number(slippageText);
    const q = this.quoteExactIn(r.pool, r.side, inAmount);
    if (q.out === 0n) {
      throw new HttpError(400, `amount ${amount} is too small: the pool would pay out 0`, 'COULD_NOT_FIND_ANY_ROUTE');
    }
    const threshold = (q.out * BigInt(10000 - slippageBps)) / 10000n;
    const impact = Number(q.inNet) / Number(q.reserveIn + q.inNet);
    return {
      inputMint, inAmount: inAmount.toString(), outputMint, outAmount: q.out.toString(),
      otherAmountThreshold: threshold.toString(), swapMode: 'ExactIn', slippageBps,
      platformFee: null, priceImpactPct: formatFraction(impact),
      routePlan: [{
        swapInfo: {
          ammKey: r.pool.authority.publicKey.toBase58(), label: 'localnet CPMM', inputMint, outputMint,
          inAmount: inAmount.toString(), outAmount: q.out.toString(), feeAmount: q.fee.toString(), feeMint: inputMint,
        },
        percent: 100,
        bps: 10000,
      }],
      contextSlot: this.chain.slot,
      timeTaken: Number(process.hrtime.bigint() - t0) / 1e9,
    };
  }

  // POST /swap. body: parsed JSON.
  swap(body) {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new HttpError(400, 'the body must be a JSON object');
    }
    const { quoteResponse: q, userPublicKey } = body;
    if (q === null || typeof q !== 'object') {
      throw new HttpError(400, 'quoteResponse is required (the object GET /quote returned)');
    }
    let user;
    try {
      user = new web3.PublicKey(userPublicKey);
    } catch (e) {
      throw new HttpError(400, `userPublicKey must be a base58 public key, found ${JSON.stringify(userPublicKey)}`);
    }
    if (body.wrapAndUnwrapSol === false) {
      throw new HttpError(400, 'wrapAndUnwrapSol=false (trading from a wrapped SOL account) is not supported by localnet: swaps move native SOL');
    }
    if (body.asLegacyTransaction === true) {
      throw new HttpError(400, 'asLegacyTransaction is not supported by localnet: swaps are v0 transactions');
    }
    for (const key of ['inAmount', 'outAmount', 'otherAmountThreshold']) {
      if (!isU64String(q[key])) {
        throw new HttpError(400, `quoteResponse.${key} must be a u64 decimal string, found ${JSON.stringify(q[key])}`);
      }
    }
    if (q.swapMode !== undefined && q.swapMode !== 'ExactIn') {
      throw new HttpError(400, `quoteResponse.swapMode ${q.swapMode} is not supported (ExactIn only)`);
    }
    const r = this.route(q.inputMint, q.outputMint);
    if (!r) {
      throw new HttpError(400, `quoteResponse names no localnet pool (${q.inputMint} -> ${q.outputMint})`, 'COULD_NOT_FIND_ANY_ROUTE');
    }
    const inAmount = BigInt(q.inAmount);
    const threshold = BigInt(q.otherAmountThreshold);
    const outNow = this.quoteExactIn(r.pool, r.side, inAmount).out;
    const out = BigInt(q.outAmount) < outNow ? BigInt(q.outAmount) : outNow;
    if (inAmount === 0n || out === 0n) {
      throw new HttpError(400, 'the swap would move nothing (inAmount or output is 0)');
    }
    const fees = this.priorityOf(body);
    const ixs = [
      web3.ComputeBudgetProgram.setComputeUnitLimit({ units: SWAP_COMPUTE_UNIT_LIMIT }),
      web3.ComputeBudgetProgram.setComputeUnitPrice({ microLamports: fees.microLamports }),
    ];
    const { pool } = r;
    const userAta = spl.getAssociatedTokenAddressSync(pool.mint, user, true);
    let poolIxIndex;
    if (r.side === 'buy') {
      ixs.push(spl.createAssociatedTokenAccountIdempotentInstruction(user, userAta, user, pool.mint));
      ixs.push(web3.SystemProgram.transfer({ fromPubkey: user, toPubkey: pool.authority.publicKey, lamports: inAmount }));
      poolIxIndex = ixs.length;
      ixs.push(spl.createTransferCheckedInstruction(pool.vault, pool.mint, userAta, pool.authority.publicKey, out, pool.decimals));
    } else {
      ixs.push(spl.createTransferCheckedInstruction(userAta, pool.mint, pool.vault, user, inAmount, pool.decimals));
      poolIxIndex = ixs.length;
      ixs.push(web3.SystemProgram.transfer({ fromPubkey: pool.authority.publicKey, toPubkey: user, lamports: out }));
    }
    if (fees.jitoTipLamports > 0n) {
      const tipAccount = programs.JITO_TIP_ACCOUNTS[this.tipCounter++ % programs.JITO_TIP_ACCOUNTS.length];
      ixs.push(web3.SystemProgram.transfer({ fromPubkey: user, toPubkey: new web3.PublicKey(tipAccount), lamports: fees.jitoTipLamports }));
    }
    let height = this.chain.height;
    if (this.faults && this.faults.roll('stale_blockhash_share')) {
      height -= this.faults.get('stale_blockhash_age');
    }
    const { blockhash, lastValidBlockHeight } = this.chain.blockhashAt(height);
    const reportedLastValid = lastValidBlockHeight - (this.faults ? this.faults.get('swap_lvbh_understate') : 0);
    const message = new web3.TransactionMessage({ payerKey: user, recentBlockhash: blockhash, instructions: ixs }).compileToV0Message();
    const tx = new web3.VersionedTransaction(message);
    tx.sign([pool.authority]); // slot 0 (the user, fee payer) stays zeroed
    const messageBytes = Buffer.from(message.serialize());
    this.swaps.set(sha256Hex(messageBytes), {
      symbol: pool.symbol, side: r.side, inAmount, outAmount: out, threshold, poolIxIndex, lastValidBlockHeight,
    });
    const priorityLamports = (BigInt(SWAP_COMPUTE_UNIT_LIMIT) * fees.microLamports + 999_999n) / 1_000_000n;
    return {
      swapTransaction: Buffer.from(tx.serialize()).toString('base64'),
      lastValidBlockHeight: reportedLastValid,
      prioritizationFeeLamports: Number(priorityLamports),
      computeUnitLimit: SWAP_COMPUTE_UNIT_LIMIT,
      prioritizationType: { computeBudget: { microLamports: Number(fees.microLamports), estimatedMicroLamports: Number(fees.microLamports) } },
      dynamicSlippageReport: null,
      simulationError: null,
    };
  }

  // computeUnitPriceMicroLamports (a number), or prioritizationFeeLamports: a
  // number of lamports, "auto", { priorityLevelWithMaxLamports: { maxLamports } }
  // or { jitoTipLamports } (a tip transfer instead of a priority fee).
  priorityOf(body) {
    const price = body.computeUnitPriceMicroLamports;
    const fee = body.prioritizationFeeLamports;
    if (price !== undefined && price !== null && fee !== undefined && fee !== null) {
      throw new HttpError(400, 'give either computeUnitPriceMicroLamports or prioritizationFeeLamports, not both');
    }
    const safeInt = (v, name) => {
      if (!Number.isSafeInteger(v) || v < 0) {
        throw new HttpError(400, `${name} must be a non-negative integer, found ${JSON.stringify(v)}`);
      }
      return BigInt(v);
    };
    if (price !== undefined && price !== null) {
      return { microLamports: safeInt(price, 'computeUnitPriceMicroLamports'), jitoTipLamports: 0n };
    }
    let lamports = 0n;
    let tip = 0n;
    if (fee === 'auto') {
      lamports = AUTO_PRIORITY_FEE_LAMPORTS;
    } else if (typeof fee === 'number') {
      lamports = safeInt(fee, 'prioritizationFeeLamports');
    } else if (fee && typeof fee === 'object' && fee.jitoTipLamports !== undefined) {
      tip = safeInt(fee.jitoTipLamports, 'prioritizationFeeLamports.jitoTipLamports');
    } else if (fee && typeof fee === 'object' && fee.priorityLevelWithMaxLamports) {
      lamports = safeInt(fee.priorityLevelWithMaxLamports.maxLamports, 'priorityLevelWithMaxLamports.maxLamports');
    } else if (fee !== undefined && fee !== null) {
      throw new HttpError(400, `prioritizationFeeLamports: unsupported value ${JSON.stringify(fee)}`);
    }
    return { microLamports: (lamports * 1_000_000n) / BigInt(SWAP_COMPUTE_UNIT_LIMIT), jitoTipLamports: tip };
  }

  // The chain calls this before executing any transaction.
  guard(tx) {
    if (this.swaps.size === 0) {
      return null;
    }
    const terms = this.swaps.get(sha256Hex(tx.message.bytes));
    if (!terms) {
      return null;
    }
    const pool = this.pools.find((p) => p.symbol === terms.symbol);
    const now = this.quoteExactIn(pool, terms.side, terms.inAmount).out;
    if (now >= terms.threshold) {
      return null;
    }
    const poolKey = pool.authority.publicKey.toBase58();
    return {
      error: TxError.instruction(terms.poolIxIndex, { Custom: SLIPPAGE_TOLERANCE_EXCEEDED }, 'custom program error: 0x1771'),
      logs: [
        `Program log: localnet pool ${terms.symbol} (${poolKey}): ${terms.side} of ${terms.inAmount} would pay ${now} now, below the minimum ${terms.threshold}`,
        'Program log: AnchorError occurred. Error Code: SlippageToleranceExceeded. Error Number: 6001. Error Message: Slippage tolerance exceeded.',
      ],
    };
  }

  pruneSwaps() {
    for (const [key, terms] of this.swaps) {
      if (terms.lastValidBlockHeight < this.chain.height - 1) {
        this.swaps.delete(key);
      }
    }
  }

  // Admin: give `owner` tokens of a pool mint (state written directly).
  mintTo(owner, mint, amount) {
    const pool = this.byMint(mint);
    if (!pool) {
      throw new HttpError(400, `unknown mint ${mint} (localnet mints: ${this.pools.map((p) => p.mint.toBase58()).join(', ')})`);
    }
    const ata = spl.getAssociatedTokenAddressSync(pool.mint, owner, true);
    const existing = this.chain.getAccount(ata.toBytes());
    const current = existing ? programs.decodeTokenAccount(Buffer.from(existing.data()), programs.TOKEN_PROGRAM) : null;
    const total = (current ? current.amount : 0n) + amount;
    if (total > MAX_U64) {
      throw new HttpError(400, 'the token balance would overflow u64');
    }
    this.chain.setAccount(ata.toBytes(), {
      lamports: this.chain.rentExemptMinimum(programs.TOKEN_ACCOUNT_SIZE),
      data: programs.encodeTokenAccount({ mint: pool.mint.toBytes(), owner: owner.toBytes(), amount: total }),
      owner: programs.TOKEN_PROGRAM,
    });
    const mintAccount = this.chain.getAccount(pool.mint.toBytes());
    const m = programs.decodeMint(Buffer.from(mintAccount.data()), programs.TOKEN_PROGRAM);
    this.chain.setAccount(pool.mint.toBytes(), {
      lamports: mintAccount.lamports(),
      data: programs.encodeMint({ mintAuthority: this.mintAuthority.publicKey.toBytes(), supply: m.supply + amount, decimals: m.decimals, freezeAuthority: null }),
      owner: programs.TOKEN_PROGRAM,
    });
    return { ata: ata.toBase58(), amount: total.toString() };
  }

  describe() {
    return this.pools.map((p) => {
      const r = this.reserves(p);
      return {
        symbol: p.symbol, mint: p.mint.toBase58(), decimals: p.decimals, fee_bps: p.feeBps,
        pool: p.authority.publicKey.toBase58(), sol_account: p.authority.publicKey.toBase58(), token_vault: p.vault.toBase58(),
        sol_reserve_lamports: r.sol.toString(), token_reserve_atoms: r.token.toString(),
      };
    });
  }
}

function sha256Hex(bytes) {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

function formatFraction(x) {
  if (!Number.isFinite(x) || x <= 0) {
    return '0';
  }
  return x.toFixed(12).replace(/0+$/, '').replace(/\.$/, '');
}

module.exports = { Pools, HttpError, DEFAULT_SEED, validateSeed, keypairFor };
