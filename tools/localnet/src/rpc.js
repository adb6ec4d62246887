'use strict';
// The Solana JSON-RPC methods, served by an endpoint that sees the chain
// `lag()` slots late (0 for the main endpoint; see --lag-port). Methods are
// synchronous: litesvm runs on this thread and nothing interleaves.
//
// Account state is always the latest (processed) state whatever the
// commitment: the chain keeps no history of accounts. Commitment moves what
// depends on time: context slots, block height, blockhashes and which
// transactions a reader sees.

const bs58 = require('bs58');
const { Chain, STATUS_CACHE_SLOTS, MAX_PROCESSING_AGE } = require('./chain');
const { RpcError, ErrorCode, invalidParams, parseU64 } = require('./json');
const { decodeTransaction, parseMessage, WireError } = require('./wire');
const { verifySignatures } = require('./sender');
const { accountJson, transactionJson, metaJson, ownerOf } = require('./records');
const programs = require('./programs');
const P = require('./rpc_params');

const API_VERSION = '2.2.0';
const SLOTS_PER_EPOCH = 432000;
const UNHEALTHY_BEHIND_SLOTS = 128;

function decodeTx(text, encoding) {
  try {
    return decodeTransaction(text, encoding);
  } catch (e) {
    if (e instanceof WireError) {
      throw invalidParams(e.message.startsWith('invalid transaction') ? e.message : `invalid transaction: ${e.message}`);
    }
    throw e;
  }
}

function makeRpcMethods({ chain, pools, faults, sender, faucet }, lag) {
  const context = (slot) => ({ apiVersion: API_VERSION, slot });
  const viewAt = (cfg) => {
    const v = chain.view(lag(), P.commitmentDepth(cfg));
    P.checkMinContextSlot(cfg, v.slot);
    return v;
  };
  const tipView = () => chain.view(lag(), 0);
  const accountAt = (keyBytes) => chain.getAccount(keyBytes);
  const encodingOf = (cfg, dflt) => P.oneOf(cfg, 'encoding', P.ACCOUNT_ENCODINGS, dflt);
  const visible = (record) => record && record.slot <= tipView().slot;

  function simulationFailure(sim) {
    return new RpcError(ErrorCode.SEND_TRANSACTION_PREFLIGHT_FAILURE, `Transaction simulation failed: ${sim.error.text}`, {
      accounts: null, err: sim.error.json, innerInstructions: null, logs: sim.logs,
      replacementBlockhash: null, returnData: null, unitsConsumed: sim.unitsConsumed,
    });
  }

  function tokenProgramAccounts() {
    const out = [];
    for (const program of [programs.TOKEN_PROGRAM, programs.TOKEN_2022_PROGRAM]) {
      for (const aa of chain.svm.getProgramAccounts(Buffer.from(bs58.decode(program)))) {
        const account = aa.account();
        const t = programs.decodeTokenAccount(Buffer.from(account.data()), program);
        if (t) {
          out.push({ address: bs58.encode(Buffer.from(aa.address)), account, token: t });
        }
      }
    }
    return out;
  }

  function mintOf(mintBytes) {
    const a = accountAt(mintBytes);
    const m = a ? programs.decodeMint(Buffer.from(a.data()), ownerOf(a)) : null;
    if (!m) {
      throw invalidParams('Invalid param: not a Token mint');
    }
    return m;
  }

  const methods = {
    getHealth() {
      const behind = lag();
      if (behind > UNHEALTHY_BEHIND_SLOTS) {
        throw new RpcError(ErrorCode.NODE_UNHEALTHY, `Node is behind by ${behind} slots`, { numSlotsBehind: behind });
      }
      return 'ok';
    },

    getVersion() {
      return { 'solana-core': API_VERSION, 'feature-set': 0, localnet: 'sniper-localnet (litesvm 1.4.1)' };
    },

    getGenesisHash() {
      return chain.genesisHash;
    },

    getIdentity() {
      return { identity: faucet.keypair.publicKey.toBase58() };
    },

    getSlot(params) {
      return viewAt(P.config(P.list(params), 0)).slot;
    },

    getBlockHeight(params) {
      return viewAt(P.config(P.list(params), 0)).height;
    },

    getEpochInfo(params) {
      const v = viewAt(P.config(P.list(params), 0));
      return {
        absoluteSlot: v.slot, blockHeight: v.height, epoch: Math.floor(v.slot / SLOTS_PER_EPOCH),
        slotIndex: v.slot % SLOTS_PER_EPOCH, slotsInEpoch: SLOTS_PER_EPOCH, transactionCount: chain.transactionCount,
      };
    },

    getLatestBlockhash(params) {
      const v = viewAt(P.config(P.list(params), 0));
      let height = v.height;
      if (faults.roll('stale_blockhash_share')) {
        height -= faults.get('stale_blockhash_age');
      }
      const b = chain.blockhashAt(height);
      return { context: context(v.slot), value: { blockhash: b.blockhash, lastValidBlockHeight: b.lastValidBlockHeight } };
    },

    isBlockhashValid(params) {
      const p = P.list(params);
      if (typeof p[0] !== 'string') {
        throw invalidParams('Invalid param: blockhash must be a base58 string');
      }
      const v = viewAt(P.config(p, 1));
      return { context: context(v.slot), value: chain.isBlockhashValid(p[0], v.height) };
    },

    getFeeForMessage(params) {
      const p = P.list(params);
      const v = viewAt(P.config(p, 1));
      if (typeof p[0] !== 'string' || p[0].length > 1644) {
        throw invalidParams('Invalid param: message must be a base64 string of at most 1232 bytes');
      }
      let message;
      try {
        const buf = Buffer.from(p[0], 'base64');
        const parsed = parseMessage(buf, 0);
        if (parsed.end !== buf.length) {
          throw new WireError('trailing bytes after the message');
        }
        message = parsed.message;
      } catch (e) {
        if (e instanceof WireError) {
          throw invalidParams(`Invalid param: ${e.message}`);
        }
        throw e;
      }
      if (!chain.isBlockhashValid(bs58.encode(message.recentBlockhash), v.height)) {
        return { context: context(v.slot), value: null };
      }
      const resolved = chain.resolveKeys(message);
      if (resolved.error) {
        return { context: context(v.slot), value: null };
      }
      const { fee } = chain.feeOf({ message, signatures: new Array(message.header.numRequiredSignatures) }, resolved.keys);
      return { context: context(v.slot), value: fee };
    },

    getMinimumBalanceForRentExemption(params) {
      const p = P.list(params);
      const len = P.safeInt(p[0], 'data length', { max: 10 * 1024 * 1024 });
      return chain.rentExemptMinimum(len);
    },

    getBalance(params) {
      const p = P.list(params);
      const key = P.pubkey(p[0], 'pubkey');
      const v = viewAt(P.config(p, 1));
      return { context: context(v.slot), value: chain.svm.getBalance(key) || 0n };
    },

    getAccountInfo(params) {
      const p = P.list(params);
      const key = P.pubkey(p[0], 'pubkey');
      const cfg = P.config(p, 1);
      const v = viewAt(cfg);
      const encoding = encodingOf(cfg, 'binary');
      const slice = P.dataSlice(cfg);
      const a = accountAt(key);
      return { context: context(v.slot), value: a ? accountJson(chain, a, encoding, slice) : null };
    },

    getMultipleAccounts(params) {
      const p = P.list(params);
      if (!Array.isArray(p[0]) || p[0].length > 100) {
        throw invalidParams('Invalid param: expected an array of at most 100 base58 public keys');
      }
      const keys = p[0].map((k, i) => P.pubkey(k, `pubkeys[${i}]`));
      const cfg = P.config(p, 1);
      const v = viewAt(cfg);
      const encoding = encodingOf(cfg, 'base64');
      const slice = P.dataSlice(cfg);
      return {
        context: context(v.slot),
        value: keys.map((k) => {
          const a = accountAt(k);
          return a ? accountJson(chain, a, encoding, slice) : null;
        }),
      };
    },

    getTokenAccountBalance(params) {
      const p = P.list(params);
      const key = P.pubkey(p[0], 'token account');
      const v = viewAt(P.config(p, 1));
      const a = accountAt(key);
      if (!a) {
        throw invalidParams('Invalid param: could not find account');
      }
      const t = programs.decodeTokenAccount(Buffer.from(a.data()), ownerOf(a));
      if (!t) {
        throw invalidParams('Invalid param: not a Token account');
      }
      const m = mintOf(Buffer.from(bs58.decode(t.mint)));
      return { context: context(v.slot), value: programs.uiTokenAmount(t.amount, m.decimals) };
    },

    getTokenSupply(params) {
      const p = P.list(params);
      const key = P.pubkey(p[0], 'mint');
      const v = viewAt(P.config(p, 1));
      const m = mintOf(key);
      return { context: context(v.slot), value: programs.uiTokenAmount(m.supply, m.decimals) };
    },

    getTokenAccountsByOwner(params) {
      const p = P.list(params);
      const owner = bs58.encode(P.pubkey(p[0], 'owner'));
      const filter = P.config(p, 1);
      const hasMint = filter.mint !== undefined;
      const hasProgram = filter.programId !== undefined;
      if (hasMint === hasProgram) {
        throw invalidParams('Invalid param: the filter must be exactly one of { mint } or { programId }');
      }
      const wanted = bs58.encode(P.pubkey(hasMint ? filter.mint : filter.programId, hasMint ? 'mint' : 'programId'));
      const cfg = P.config(p, 2);
      const v = viewAt(cfg);
      const encoding = encodingOf(cfg, 'base64');
      const value = tokenProgramAccounts()
        .filter((e) => e.token.owner === owner && (hasMint ? e.token.mint === wanted : ownerOf(e.account) === wanted))
        .map((e) => ({ pubkey: e.address, account: accountJson(chain, e.account, encoding) }));
      return { context: context(v.slot), value };
    },

    getTokenLargestAccounts(params) {
      const p = P.list(params);
      const mintBytes = P.pubkey(p[0], 'mint');
      const v = viewAt(P.config(p, 1));
      const m = mintOf(mintBytes);
      const mint = bs58.encode(mintBytes);
      const value = tokenProgramAccounts()
        .filter((e) => e.token.mint === mint)
        .sort((a, b) => (a.token.amount < b.token.amount ? 1 : a.token.amount > b.token.amount ? -1 : 0))
        .slice(0, 20)
        .map((e) => ({ address: e.address, ...programs.uiTokenAmount(e.token.amount, m.decimals) }));
      return { context: context(v.slot), value };
    },

    requestAirdrop(params) {
      const p = P.list(params);
      const key = P.pubkey(p[0], 'pubkey');
      const lamports = parseU64(p[1], 'lamports');
      P.config(p, 2);
      if (lamports === 0n || lamports > faucet.balance() / 2n) {
        throw invalidParams(`Invalid param: lamports must be in [1, ${faucet.balance() / 2n}], found ${lamports}`);
      }
      const out = faucet.airdrop(key, lamports);
      if (!out.landed) {
        throw new RpcError(ErrorCode.INTERNAL_ERROR, `airdrop refused: ${out.error.text}`);
      }
      return out.signature;
    },

    sendTransaction(params) {
      const p = P.list(params);
      const cfg = P.config(p, 1);
      const encoding = P.oneOf(cfg, 'encoding', ['base58', 'base64'], 'base58');
      const skipPreflight = P.bool(cfg, 'skipPreflight', false);
      P.commitmentDepth(cfg, 'preflightCommitment');
      const maxRetries = cfg.maxRetries === undefined || cfg.maxRetries === null ? undefined : P.safeInt(cfg.maxRetries, 'maxRetries');
      P.checkMinContextSlot(cfg, tipView().slot);
      const tx = decodeTx(p[0], encoding);
      if (!skipPreflight) {
        if (!verifySignatures(tx)) {
          throw new RpcError(ErrorCode.TRANSACTION_SIGNATURE_VERIFICATION_FAILURE, 'Transaction signature verification failure');
        }
        const sim = chain.simulate(tx, { sigVerify: true, checkStatus: true });
        if (sim.error) {
          throw simulationFailure(sim);
        }
      }
      return sender.submit(tx, { maxRetries });
    },

    simulateTransaction(params) {
      const p = P.list(params);
      const cfg = P.config(p, 1);
      const encoding = P.oneOf(cfg, 'encoding', ['base58', 'base64'], 'base58');
      const sigVerify = P.bool(cfg, 'sigVerify', false);
      const replace = P.bool(cfg, 'replaceRecentBlockhash', false);
      const wantInner = P.bool(cfg, 'innerInstructions', false);
      if (sigVerify && replace) {
        throw invalidParams('sigVerify may not be used with replaceRecentBlockhash');
      }
      const v = viewAt(cfg);
      let addresses = [];
      let accountsEncoding = 'base64';
      if (cfg.accounts !== undefined && cfg.accounts !== null) {
        if (typeof cfg.accounts !== 'object' || !Array.isArray(cfg.accounts.addresses)) {
          throw invalidParams('Invalid param: accounts must be { addresses: [...], encoding }');
        }
        addresses = cfg.accounts.addresses.map((a, i) => bs58.encode(P.pubkey(a, `accounts.addresses[${i}]`)));
        accountsEncoding = P.oneOf(cfg.accounts, 'encoding', ['base64', 'jsonParsed'], 'base64');
      }
      const tx = decodeTx(p[0], encoding);
      if (sigVerify && !verifySignatures(tx)) {
        throw new RpcError(ErrorCode.TRANSACTION_SIGNATURE_VERIFICATION_FAILURE, 'Transaction signature verification failure');
      }
      const sim = chain.simulate(tx, { sigVerify, replaceBlockhash: replace });
      const value = {
        err: sim.error ? sim.error.json : null,
        logs: sim.logs,
        accounts: cfg.accounts ? addresses.map((a) => {
          const acc = sim.postAccounts.get(a) || accountAt(Buffer.from(bs58.decode(a)));
          return acc ? accountJson(chain, acc, accountsEncoding) : null;
        }) : null,
        unitsConsumed: sim.unitsConsumed,
        returnData: sim.returnData,
        innerInstructions: wantInner ? sim.innerInstructions : null,
        replacementBlockhash: replace ? (() => {
          const b = chain.blockhashAt(chain.height);
          return { blockhash: b.blockhash, lastValidBlockHeight: b.lastValidBlockHeight };
        })() : null,
      };
      return { context: context(v.slot), value };
    },

    getSignatureStatuses(params) {
      const p = P.list(params);
      if (!Array.isArray(p[0]) || p[0].length > 256) {
        throw invalidParams('Invalid params: expected an array of at most 256 base58 signatures');
      }
      const sigs = p[0].map((s, i) => P.signature(s, `signatures[${i}]`));
      const cfg = P.config(p, 1);
      const search = P.bool(cfg, 'searchTransactionHistory', false);
      const tip = tipView().slot;
      const value = sigs.map((sig) => {
        const r = chain.landed.get(sig);
        if (!r || r.slot > tip || (!search && tip - r.slot > STATUS_CACHE_SLOTS)) {
          return null;
        }
        return { slot: r.slot, ...chain.statusOf(r, tip), err: r.err, status: r.err ? { Err: r.err } : { Ok: null } };
      });
      return { context: context(tip), value };
    },

    getTransaction(params) {
      const p = P.list(params);
      const sig = P.signature(p[0]);
      const cfg = typeof p[1] === 'string' ? { encoding: p[1] } : P.config(p, 1);
      if (cfg.commitment === 'processed' || cfg.commitment === 'recent') {
        throw invalidParams('Method does not support commitment below `confirmed`');
      }
      const depth = P.commitmentDepth(cfg);
      const encoding = P.oneOf(cfg, 'encoding', ['json', 'base64', 'base58', 'jsonParsed'], 'json');
      if (encoding === 'jsonParsed') {
        throw invalidParams('Invalid param: localnet does not serve jsonParsed transactions; use json or base64');
      }
      const max = cfg.maxSupportedTransactionVersion;
      if (max !== undefined && max !== null && max !== 0) {
        throw invalidParams(`Invalid param: maxSupportedTransactionVersion must be 0, found ${JSON.stringify(max)}`);
      }
      const r = chain.landed.get(sig);
      const tip = tipView().slot;
      if (!r || r.slot > tip || !Chain.reachedCommitment(r, tip, depth)) {
        return null;
      }
      if (r.tx.message.version === 0 && (max === undefined || max === null)) {
        throw new RpcError(ErrorCode.UNSUPPORTED_TRANSACTION_VERSION,
          'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0');
      }
      const out = { slot: r.slot, blockTime: r.blockTime, transaction: transactionJson(r, encoding), meta: metaJson(r) };
      if (max !== undefined && max !== null) {
        out.version = r.tx.message.version;
      }
      return out;
    },

    getSignaturesForAddress(params) {
      const p = P.list(params);
      const address = bs58.encode(P.pubkey(p[0], 'address'));
      const cfg = P.config(p, 1);
      const limit = cfg.limit === undefined ? 1000 : P.safeInt(cfg.limit, 'limit', { min: 1, max: 1000 });
      const before = cfg.before === undefined ? null : P.signature(cfg.before, 'before');
      const until = cfg.until === undefined ? null : P.signature(cfg.until, 'until');
      const depth = P.commitmentDepth(cfg);
      const tip = tipView().slot;
      const out = [];
      let started = before === null;
      for (let i = chain.landedOrder.length - 1; i >= 0 && out.length < limit; i--) {
        const r = chain.landedOrder[i];
        if (!started) {
          started = r.signature === before;
          continue;
        }
        if (r.signature === until) {
          break;
        }
        if (r.slot > tip || !Chain.reachedCommitment(r, tip, depth) || !r.keys.includes(address)) {
          continue;
        }
        out.push({
          signature: r.signature, slot: r.slot, err: r.err, memo: r.memo, blockTime: r.blockTime,
          confirmationStatus: chain.statusOf(r, tip).confirmationStatus,
        });
      }
      return out;
    },

    getRecentPrioritizationFees(params) {
      const p = P.list(params);
      const list = p[0] === undefined || p[0] === null ? [] : p[0];
      if (!Array.isArray(list) || list.length > 128) {
        throw invalidParams('Invalid param: expected an array of at most 128 base58 public keys');
      }
      const addresses = new Set(list.map((a, i) => bs58.encode(P.pubkey(a, `addresses[${i}]`))));
      const tip = tipView().slot;
      const out = [];
      for (let s = Math.max(0, tip - MAX_PROCESSING_AGE + 1); s <= tip; s++) {
        let min = null;
        for (const r of chain.bySlot.get(s) || []) {
          const touches = addresses.size === 0 || r.keys.some((k, i) => r.writable[i] && addresses.has(k));
          if (touches && (min === null || r.computeUnitPrice < min)) {
            min = r.computeUnitPrice;
          }
        }
        out.push({ slot: s, prioritizationFee: min === null ? 0n : min });
      }
      return out;
    },
  };
  return methods;
}

module.exports = { makeRpcMethods, API_VERSION };
