#!/usr/bin/env node
'use strict';
// Executes the golden transactions of tests/solana/vectors/tx_vectors.json
// in litesvm, with the accounts they need (mints, token accounts, funded
// signers) put in place first, and checks what they did: lamports and
// token amounts moved, the associated token account created at the address
// spl-token derives (owned by the right token program, for the right mint
// and owner), wrapped-SOL accounts synced and closed. sniperd's C++ tests
// require its builders to produce these vectors byte for byte; this proves
// the vectors themselves are transactions a real runtime accepts and that
// do what their names say. Signatures are verified; the blockhash check is
// off (the vectors use fixed blockhashes). Exits 1 on any mismatch.
//
// Usage: node vectors_litesvm.js [VECTORS_DIR]

const fs = require('fs');
const path = require('path');
const { web3, keypairFor, loadSplToken } = require('./lib');
const { LiteSVM, FailedTransactionMetadata, TransactionMetadata } = require('litesvm');
const { address } = require('@solana/kit');

const spl = loadSplToken();
const { PublicKey } = web3;
const TOKEN = spl.TOKEN_PROGRAM_ID;
const TOKEN22 = spl.TOKEN_2022_PROGRAM_ID;
const WSOL = spl.NATIVE_MINT;
const JITO_TIP = new PublicKey('ADaUMid9yfUytqMBgopwjb2DTLSokTSzL1zt6iGPaS49');
const SOL = 1000000000n;

const failures = [];
let checks = 0;
function check(cond, what) {
  checks++;
  if (!cond) {
    failures.push(what);
    process.stderr.write(`FAIL: ${what}\n`);
  }
  return cond;
}

// The keys gen_vectors.js uses (same labels).
const K = {
  payer: keypairFor('payer-1').publicKey,
  payer2: keypairFor('payer-2').publicKey,
  alice: keypairFor('alice').publicKey,
  bob: keypairFor('bob').publicKey,
  recipient: keypairFor('recipient').publicKey,
  mint: keypairFor('mint-a').publicKey,
  mint22: keypairFor('mint-2022').publicKey,
};
const ata = (owner, mint, prog) => spl.getAssociatedTokenAddressSync(mint, owner, true, prog);

class World {
  constructor() {
    this.svm = new LiteSVM().withBlockhashCheck(false);
    this.rent165 = this.svm.minimumBalanceForRentExemption(165n);
    for (const k of [K.payer, K.payer2, K.alice, K.bob]) {
      this.svm.airdrop(address(k.toBase58()), 100n * SOL);
    }
    // Existing system accounts, so small transfers to them are not refused for rent.
    this.svm.airdrop(address(K.recipient.toBase58()), SOL);
    this.svm.airdrop(address(JITO_TIP.toBase58()), SOL);
    this.mint(K.mint, TOKEN, 6);
    this.mint(K.mint22, TOKEN22, 6);
    this.mint(WSOL, TOKEN, 9);
  }

  set(pk, owner, data, lamports) {
    this.svm.setAccount({
      address: address(pk.toBase58()), lamports, programAddress: address(owner.toBase58()),
      executable: false, data: new Uint8Array(data), space: BigInt(data.length),
    });
  }

  mint(pk, prog, decimals) {
    const data = Buffer.alloc(spl.MINT_SIZE);
    spl.MintLayout.encode({
      mintAuthorityOption: 1, mintAuthority: K.payer, supply: 10n ** 15n, decimals,
      isInitialized: true, freezeAuthorityOption: 0, freezeAuthority: PublicKey.default,
    }, data);
    this.set(pk, prog, data, this.svm.minimumBalanceForRentExemption(BigInt(data.length)));
  }

  // An initialized token account; native (wrapped SOL) when `native` lamports are given.
  tokenAccount(pk, mint, owner, prog, amount, native) {
    const data = Buffer.alloc(spl.ACCOUNT_SIZE);
    spl.AccountLayout.encode({
      mint, owner, amount, delegateOption: 0, delegate: PublicKey.default, state: spl.AccountState.Initialized,
      isNativeOption: native === undefined ? 0 : 1, isNative: native === undefined ? 0n : this.rent165,
      delegatedAmount: 0n, closeAuthorityOption: 0, closeAuthority: PublicKey.default,
    }, data);
    this.set(pk, prog, data, this.rent165 + (native === undefined ? 0n : native));
  }

  lamports(pk) {
    return this.svm.getBalance(address(pk.toBase58())) ?? 0n;
  }

  account(pk) {
    const a = this.svm.getAccount(address(pk.toBase58()));
    return a && a.exists !== false ? a : null;
  }

  token(pk) {
    const a = this.account(pk);
    if (!a) {
      return null;
    }
    const d = spl.AccountLayout.decode(Buffer.from(a.data).subarray(0, spl.ACCOUNT_SIZE));
    return { owner_program: a.programAddress, mint: d.mint.toBase58(), owner: d.owner.toBase58(), amount: d.amount, size: a.data.length };
  }

  send(v) {
    const bytes = Buffer.from(v.tx_base64, 'base64');
    try {
      const r = v.version === 'legacy' ? this.svm.inner.sendLegacyTransaction(bytes) : this.svm.inner.sendVersionedTransaction(bytes);
      if (r instanceof TransactionMetadata) {
        return { ok: true, logs: r.logs() };
      }
      if (r instanceof FailedTransactionMetadata) {
        return { ok: false, err: r.toString().slice(0, 400) };
      }
      return { ok: false, err: String(r) };
    } catch (e) {
      return { ok: false, err: e.message };
    }
  }
}

// Per case (the vector name without _legacy/_v0): state to set up before,
// and what must hold after. `w` is the world, `v` the vector.
const CASES = {
  transfer_only: { after: (w, b) => w.lamports(K.recipient) - b.recipient === 1000000n },
  transfer_compute_budget: { after: (w, b) => w.lamports(K.recipient) - b.recipient === 123456789n },
  transfer_zero_to_self: { after: (w, b) => b.payer - w.lamports(K.payer) === 5000n },
  no_instructions: { after: (w, b) => b.payer2 - w.lamports(K.payer2) === 5000n },
  jito_tip: {
    after: (w, b) => w.lamports(K.recipient) - b.recipient === 42n && w.lamports(JITO_TIP) - b.tip === 10000n
      && b.payer - w.lamports(K.payer) === 42n + 10000n + 5000n + (50000n * 250000n + 999999n) / 1000000n,
  },
  multi_signer: {
    before: (w) => {
      w.tokenAccount(ata(K.bob, K.mint, TOKEN), K.mint, K.bob, TOKEN, 5n);
      w.tokenAccount(ata(K.recipient, K.mint, TOKEN), K.mint, K.recipient, TOKEN, 0n);
    },
    after: (w, b) => w.lamports(K.recipient) - b.recipient === 777n
      && w.token(ata(K.recipient, K.mint, TOKEN)).amount === 1n && w.token(ata(K.bob, K.mint, TOKEN)).amount === 4n
      && b.payer - w.lamports(K.payer) === 15000n,
  },
  wrap_transfer_unwrap_tip: {
    before: (w) => {
      w.tokenAccount(ata(K.payer, K.mint22, TOKEN22), K.mint22, K.payer, TOKEN22, 1000000n);
      w.tokenAccount(ata(K.recipient, K.mint22, TOKEN22), K.mint22, K.recipient, TOKEN22, 0n);
    },
    after: (w, b) => w.account(ata(K.payer, WSOL, TOKEN)) === null
      && w.token(ata(K.recipient, K.mint22, TOKEN22)).amount === 123456n
      && w.token(ata(K.payer, K.mint22, TOKEN22)).amount === 1000000n - 123456n
      && w.lamports(JITO_TIP) - b.tip === 100000n,
  },
};
for (const [tag, prog, mint] of [['token', TOKEN, K.mint], ['token2022', TOKEN22, K.mint22]]) {
  CASES[`transfer_checked_${tag}`] = {
    before: (w) => {
      w.tokenAccount(ata(K.payer, mint, prog), mint, K.payer, prog, 7000000000n);
      w.tokenAccount(ata(K.recipient, mint, prog), mint, K.recipient, prog, 0n);
    },
    after: (w) => w.token(ata(K.recipient, mint, prog)).amount === 5000000000n
      && w.token(ata(K.payer, mint, prog)).amount === 2000000000n,
  };
  CASES[`close_account_${tag}`] = {
    before: (w) => w.tokenAccount(ata(K.payer, WSOL, prog), WSOL, K.payer, prog, 3000000n, 3000000n),
    after: (w, b) => w.account(ata(K.payer, WSOL, prog)) === null
      && w.lamports(K.payer) - b.payer === w.rent165 + 3000000n - 5000n,
  };
  CASES[`sync_native_${tag}`] = {
    // 4,000,000 lamports above rent but the amount still says 1,000,000.
    before: (w) => w.tokenAccount(ata(K.payer, WSOL, prog), WSOL, K.payer, prog, 1000000n, 4000000n),
    after: (w) => w.token(ata(K.payer, WSOL, prog)).amount === 4000000n,
  };
  CASES[`ata_create_idempotent_${tag}`] = {
    // Created where spl-token's getAssociatedTokenAddressSync says.
    after: (w) => {
      const t = w.token(ata(K.recipient, mint, prog));
      return t !== null && t.owner_program === prog.toBase58() && t.mint === mint.toBase58()
        && t.owner === K.recipient.toBase58() && t.amount === 0n;
    },
  };
}
const SKIPPED = {
  transfer_compute_budget_extremes: 'moves 2^64-1 lamports at a price of 2^64-1: not executable by design',
  custom_program_long_data_merged_flags: 'calls a program that does not exist',
  v0_lookup_table: 'needs an address lookup table account',
};

function main() {
  const dir = process.argv[2] || path.join(__dirname, '..', '..', 'tests', 'solana', 'vectors');
  const vectors = JSON.parse(fs.readFileSync(path.join(dir, 'tx_vectors.json'), 'utf8')).tx_vectors;
  check(vectors.find((v) => v.name === 'transfer_only_legacy').fee_payer === K.payer.toBase58(),
    'the vectors use other keys than this script (labels out of sync with gen_vectors.js)');
  let ran = 0;
  const skipped = [];
  for (const v of vectors) {
    const base = v.name.replace(/_(legacy|v0)$/, '');
    const c = CASES[base];
    if (!c) {
      check(SKIPPED[base] !== undefined, `${v.name}: no expectations written for this vector`);
      skipped.push(`${v.name} (${SKIPPED[base]})`);
      continue;
    }
    const w = new World();
    if (c.before) {
      c.before(w);
    }
    const b = {
      payer: w.lamports(K.payer), payer2: w.lamports(K.payer2), recipient: w.lamports(K.recipient), tip: w.lamports(JITO_TIP),
    };
    const r = w.send(v);
    if (check(r.ok, `${v.name}: refused by the runtime: ${r.err}`)) {
      check(c.after(w, b), `${v.name}: executed but the accounts are not as expected`);
      // The runtime accepted these signatures; a flipped one must be refused.
      const bad = JSON.parse(JSON.stringify(v));
      const bytes = Buffer.from(v.tx_base64, 'base64');
      bytes[1 + 64 * (v.signatures.length - 1) + 7] ^= 0x01;
      bad.tx_base64 = bytes.toString('base64');
      const w2 = new World();
      if (c.before) {
        c.before(w2);
      }
      check(!w2.send(bad).ok, `${v.name}: accepted with a flipped signature byte`);
    }
    ran++;
  }
  const verdict = failures.length === 0 ? 'OK' : 'FAILED';
  process.stdout.write(`skipped: ${skipped.join('; ')}\n`);
  process.stdout.write(`vectors_litesvm ${verdict}: ${ran} golden transactions executed in litesvm with their effects checked, ` +
    `${skipped.length} skipped; ${checks - failures.length} passed, ${failures.length} failed\n`);
  process.exit(failures.length === 0 ? 0 : 1);
}

main();
