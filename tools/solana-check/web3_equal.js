#!/usr/bin/env node
'use strict';
// Byte-for-byte comparison of sniperd against @solana/web3.js:
//   1. `sniperd tx transfer ... --sign-only` must print exactly the
//      transaction web3.js builds and signs from the same seed, recipient,
//      lamports, blockhash and compute budget (legacy and v0);
//   2. `sniperd tx decode` must report, for every golden transaction in
//      tests/solana/vectors/tx_vectors.json, what web3.js decodes from the
//      same bytes (version, header, account keys and flags, blockhash,
//      lookups, instructions, signatures, all verified), flag a flipped
//      signature as unverified, and refuse truncated input with exit 2;
//   3. a keypair file `sniperd keygen` writes must load in web3.js
//      (Keypair.fromSecretKey checks that its public half is the seed's) to
//      the address sniperd printed and `sniperd pubkey` reads back.
// Exits 1 on any mismatch, 2 on bad usage.
//
// Usage: node web3_equal.js PATH/TO/sniperd [VECTORS_DIR]

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const {
  web3, Drbg, keypairFor, blockhashFor, buildTx, transferInstructions, writeKeypairFile, firstDiff,
} = require('./lib');
const bs58 = require('bs58');

const U64_MAX = (1n << 64n) - 1n;
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

function run(sniperd, args) {
  return spawnSync(sniperd, args, { encoding: 'utf8', timeout: 30000, maxBuffer: 1 << 24 });
}

function transferCases() {
  const rng = new Drbg('web3-equal');
  const cases = [];
  const fixed = [
    { lamports: 0n },
    { lamports: 1n, cuLimit: 0, cuPrice: 0n },
    { lamports: U64_MAX, cuLimit: 4294967295, cuPrice: U64_MAX },
    { lamports: 1000000000n, cuLimit: 200000 },
    { lamports: 5000n, cuPrice: 1n },
    { lamports: 123456789n, cuLimit: 1400000, cuPrice: 250000n },
  ];
  for (let i = 0; i < 24; i++) {
    const base = i < fixed.length ? fixed[i] : {
      lamports: BigInt(rng.u32()) * BigInt(rng.int(1, 1000)),
      cuLimit: rng.int(0, 1) ? rng.u32() : undefined,
      cuPrice: rng.int(0, 1) ? BigInt(rng.u32()) * BigInt(rng.u32()) : undefined,
    };
    for (const v0 of [false, true]) {
      cases.push({
        ...base,
        v0,
        payer: keypairFor(`web3-equal-payer-${i % 5}`),
        to: i === 2 ? keypairFor(`web3-equal-payer-${i % 5}`).publicKey : keypairFor(`web3-equal-to-${i}`).publicKey,
        blockhash: blockhashFor(`web3-equal-${i}`),
      });
    }
  }
  return cases;
}

function checkTransfers(sniperd, tmp) {
  let n = 0;
  const keyFiles = new Map();
  for (const c of transferCases()) {
    const label = `transfer lamports=${c.lamports} cu_limit=${c.cuLimit} cu_price=${c.cuPrice} ${c.v0 ? 'v0' : 'legacy'}`;
    let file = keyFiles.get(c.payer.publicKey.toBase58());
    if (!file) {
      const d = path.join(tmp, `k${keyFiles.size}`);
      fs.mkdirSync(d, { mode: 0o700 });
      file = writeKeypairFile(c.payer, d).file;
      keyFiles.set(c.payer.publicKey.toBase58(), file);
    }
    const args = ['tx', 'transfer', '--keypair', file, '--to', c.to.toBase58(), '--lamports', String(c.lamports),
      '--blockhash', c.blockhash];
    if (c.cuLimit !== undefined) {
      args.push('--cu-limit', String(c.cuLimit));
    }
    if (c.cuPrice !== undefined) {
      args.push('--cu-price', String(c.cuPrice));
    }
    if (c.v0) {
      args.push('--v0');
    }
    args.push('--sign-only');
    const r = run(sniperd, args);
    if (!check(r.status === 0, `${label}: sniperd exited ${r.status}: ${r.stderr}`)) {
      continue;
    }
    check(/^[A-Za-z0-9+/]+={0,2}\n?$/.test(r.stdout), `${label}: stdout is not one base64 line`);
    const ours = Buffer.from(r.stdout.trim(), 'base64');
    const theirs = Buffer.from(buildTx({
      version: c.v0 ? 0 : 'legacy',
      payer: c.payer.publicKey,
      signers: [c.payer],
      instructions: transferInstructions({ from: c.payer.publicKey, to: c.to, lamports: c.lamports, cuLimit: c.cuLimit, cuPrice: c.cuPrice }),
      blockhash: c.blockhash,
    }).serialize());
    const d = firstDiff(ours, theirs);
    check(d === -1, `${label}: differs from web3.js at byte ${d} (sniperd ${ours.length} bytes, web3.js ${theirs.length})\n` +
      `  sniperd: ${ours.toString('hex')}\n  web3.js: ${theirs.toString('hex')}`);
    n++;
  }
  return n;
}

// What web3.js reads from the wire bytes, in the shape of `sniperd tx decode`.
function web3Decode(bytes) {
  const tx = web3.VersionedTransaction.deserialize(bytes);
  const m = tx.message;
  const keys = m.staticAccountKeys;
  return {
    size: bytes.length,
    version: m.version,
    header: {
      num_required_signatures: m.header.numRequiredSignatures,
      num_readonly_signed_accounts: m.header.numReadonlySignedAccounts,
      num_readonly_unsigned_accounts: m.header.numReadonlyUnsignedAccounts,
    },
    account_keys: keys.map((k, i) => ({ pubkey: k.toBase58(), signer: m.isAccountSigner(i), writable: m.isAccountWritable(i) })),
    recent_blockhash: m.recentBlockhash,
    address_table_lookups: m.addressTableLookups.map((l) => ({
      account_key: l.accountKey.toBase58(),
      writable_indexes: Array.from(l.writableIndexes),
      readonly_indexes: Array.from(l.readonlyIndexes),
    })),
    instructions: m.compiledInstructions.map((ix) => ({
      program_id: keys[ix.programIdIndex].toBase58(),
      program_id_index: ix.programIdIndex,
      accounts: Array.from(ix.accountKeyIndexes),
      data: Buffer.from(ix.data).toString('hex'),
    })),
    signatures: tx.signatures.map((s) => bs58.encode(Buffer.from(s))),
  };
}

function ourDecode(sniperd, b64) {
  const r = run(sniperd, ['tx', 'decode', b64]);
  if (r.status !== 0) {
    return { error: `exit ${r.status}: ${r.stderr}` };
  }
  try {
    return JSON.parse(r.stdout);
  } catch (e) {
    return { error: `not JSON: ${e.message}` };
  }
}

function checkDecode(sniperd, vectorsDir) {
  const file = path.join(vectorsDir, 'tx_vectors.json');
  const vectors = JSON.parse(fs.readFileSync(file, 'utf8')).tx_vectors;
  for (const v of vectors) {
    const bytes = Buffer.from(v.tx_base64, 'base64');
    const want = web3Decode(bytes);
    const got = ourDecode(sniperd, v.tx_base64);
    if (!check(!got.error, `decode ${v.name}: ${got.error}`)) {
      continue;
    }
    const same = (what, a, b) => check(JSON.stringify(a) === JSON.stringify(b),
      `decode ${v.name}: ${what} differs\n  sniperd: ${JSON.stringify(a)}\n  web3.js: ${JSON.stringify(b)}`);
    same('size', got.size, want.size);
    same('version', got.version, want.version);
    same('header', got.header, want.header);
    same('account_keys', got.account_keys, want.account_keys);
    same('recent_blockhash', got.recent_blockhash, want.recent_blockhash);
    same('address_table_lookups', got.address_table_lookups, want.address_table_lookups);
    same('instructions', (got.instructions || []).map((ix) => ({
      program_id: ix.program_id,
      program_id_index: ix.program_id_index,
      accounts: (ix.accounts || []).map((a) => a.index),
      data: ix.data,
    })), want.instructions);
    same('signatures', (got.signatures || []).map((s) => s.signature), want.signatures);
    check((got.signatures || []).every((s) => s.verified === true), `decode ${v.name}: a valid signature reported unverified`);

    // One flipped byte in the last signature: that one must not verify.
    const bad = Buffer.from(bytes);
    const lastSig = 1 + 64 * (v.signatures.length - 1);
    bad[lastSig + 10] ^= 0x40;
    const flipped = ourDecode(sniperd, bad.toString('base64'));
    if (check(!flipped.error, `decode ${v.name} (flipped signature): ${flipped.error}`)) {
      const ver = flipped.signatures.map((s) => s.verified);
      check(ver[ver.length - 1] === false && ver.slice(0, -1).every((x) => x === true),
        `decode ${v.name}: flipped signature byte, verified flags ${JSON.stringify(ver)}`);
    }
    // Truncated: exit 2 and a message naming the byte offset.
    const cut = run(sniperd, ['tx', 'decode', bytes.subarray(0, bytes.length - 3).toString('base64')]);
    check(cut.status === 2 && /offset|byte/i.test(cut.stderr),
      `decode ${v.name} truncated by 3 bytes: exit ${cut.status}, stderr ${JSON.stringify(cut.stderr)}`);
  }
  return vectors.length;
}

function checkKeygen(sniperd, tmp) {
  let n = 0;
  for (let i = 0; i < 5; i++) {
    const file = path.join(tmp, `keygen-${i}.json`);
    const made = run(sniperd, ['keygen', '--out', file]);
    if (!check(made.status === 0, `keygen ${i}: exit ${made.status}: ${made.stderr}`)) {
      continue;
    }
    const printed = made.stdout.trim().split(/\s+/).pop();
    let kp = null;
    try {
      const bytes = JSON.parse(fs.readFileSync(file, 'utf8'));
      check(Array.isArray(bytes) && bytes.length === 64, `keygen ${i}: a JSON array of 64 numbers`);
      kp = web3.Keypair.fromSecretKey(Uint8Array.from(bytes));
    } catch (e) {
      check(false, `keygen ${i}: web3.js cannot load the file: ${e.message}`);
      continue;
    }
    check(kp.publicKey.toBase58() === printed, `keygen ${i}: web3.js reads ${kp.publicKey.toBase58()}, sniperd printed ${printed}`);
    const pk = run(sniperd, ['pubkey', '--keypair', file]);
    check(pk.status === 0 && pk.stdout.trim() === kp.publicKey.toBase58(),
      `pubkey ${i}: ${pk.stdout.trim()} vs web3.js ${kp.publicKey.toBase58()}`);
    check((fs.statSync(file).mode & 0o777) === 0o600, `keygen ${i}: file mode ${(fs.statSync(file).mode & 0o777).toString(8)}, expected 600`);
    n++;
  }
  return n;
}

function main() {
  const sniperd = process.argv[2];
  const vectorsDir = process.argv[3] || path.join(__dirname, '..', '..', 'tests', 'solana', 'vectors');
  if (!sniperd || !fs.existsSync(sniperd)) {
    process.stderr.write('usage: node web3_equal.js PATH/TO/sniperd [VECTORS_DIR] (build target sniperd first)\n');
    process.exit(2);
  }
  const tmp = fs.mkdtempSync(path.join(require('os').tmpdir(), 'web3-equal-'));
  let transfers = 0;
  let decoded = 0;
  let keys = 0;
  try {
    transfers = checkTransfers(sniperd, tmp);
    decoded = checkDecode(sniperd, vectorsDir);
    keys = checkKeygen(sniperd, tmp);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const verdict = failures.length === 0 ? 'OK' : 'FAILED';
  process.stdout.write(`web3_equal ${verdict}: ${transfers} sniperd transfers compared byte for byte with web3.js, ` +
    `${decoded} golden transactions decoded and compared, ${keys} keygen files loaded by web3.js; ${checks - failures.length} passed, ${failures.length} failed\n`);
  process.exit(failures.length === 0 ? 0 : 1);
}

main();
