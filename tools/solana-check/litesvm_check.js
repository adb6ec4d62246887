#!/usr/bin/env node
'use strict';
// Loads transactions signed by `sniperd tx transfer --sign-only` into
// litesvm (a real Solana runtime: signature verification, blockhash check,
// System and Compute Budget programs, fees) and checks that:
//   - each one executes and moves exactly `lamports` to the recipient and
//     `lamports + fee` out of the payer (fee = 5000 per signature plus
//     ceil(cu_limit * cu_price / 1e6));
//   - the same transaction with one byte flipped (in a signature, the
//     header, an account key, the blockhash or the instruction data) is
//     rejected and moves nothing;
//   - sending it twice lands once; an unknown blockhash is refused.
// Legacy and v0. Exits 1 on any mismatch, 2 on bad usage.
//
// Usage: node litesvm_check.js PATH/TO/sniperd
//        node litesvm_check.js --self-test         (web3.js signs instead: checks the harness)
//        node litesvm_check.js --self-test-mutant  (web3.js signs 1 lamport too many: must fail)

const fs = require('fs');
const { spawnSync } = require('child_process');
const {
  web3, keypairFor, buildTx, transferInstructions, writeKeypairFile, sha256,
} = require('./lib');
const { LiteSVM, FailedTransactionMetadata, TransactionMetadata } = require('litesvm');
const { address } = require('@solana/kit');

const LAMPORTS_PER_SIGNATURE = 5000n;
// Without SetComputeUnitLimit the runtime reserves 3000 CU per builtin
// instruction (System and Compute Budget are builtins); the priority fee is
// computed on that limit.
const DEFAULT_CU_PER_BUILTIN = 3000n;

const failures = [];
let checks = 0;
function check(cond, what) {
  checks++;
  if (!cond) {
    failures.push(what);
    process.stderr.write(`FAIL: ${what}\n`);
  }
}

// ------------------------------------------------------------ producers

function sniperdProducer(sniperd, keyFile) {
  return (c) => {
    const args = ['tx', 'transfer', '--keypair', keyFile, '--to', c.to.toBase58(),
      '--lamports', String(c.lamports), '--blockhash', c.blockhash];
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
    const r = spawnSync(sniperd, args, { encoding: 'utf8', timeout: 30000 });
    if (r.error || r.status !== 0) {
      throw new Error(`sniperd ${args.join(' ')} failed (status ${r.status}): ${r.error || r.stderr}`);
    }
    const out = r.stdout;
    if (!/^[A-Za-z0-9+/]+={0,2}\n?$/.test(out)) {
      throw new Error(`sniperd printed more than one base64 line: ${JSON.stringify(out.slice(0, 200))}`);
    }
    return Buffer.from(out.trim(), 'base64');
  };
}

// web3.js signs instead of sniperd. A mutant producer (one lamport more than
// asked) proves the harness notices a wrong transaction.
function web3Producer(payer, mutant) {
  return (c) => Buffer.from(buildTx({
    version: c.v0 ? 0 : 'legacy',
    payer: payer.publicKey,
    signers: [payer],
    instructions: transferInstructions({
      from: payer.publicKey, to: c.to, lamports: mutant ? c.lamports + 1n : c.lamports, cuLimit: c.cuLimit, cuPrice: c.cuPrice,
    }),
    blockhash: c.blockhash,
  }).serialize());
}

// -------------------------------------------------------------- runtime

// Hands the exact wire bytes to litesvm's native runtime (the public
// sendTransaction takes a decoded @solana/kit transaction and re-encodes it;
// the raw entry points guarantee the runtime sees our bytes, flipped ones
// included). Returns { ok, err }.
function sendRaw(svm, bytes, versioned) {
  try {
    const r = versioned ? svm.inner.sendVersionedTransaction(bytes) : svm.inner.sendLegacyTransaction(bytes);
    if (r instanceof TransactionMetadata) {
      return { ok: true, meta: r };
    }
    if (r instanceof FailedTransactionMetadata) {
      const m = /err: ([A-Za-z]+(\([^)]*\))?)/.exec(r.toString());
      return { ok: false, err: m ? m[1] : r.toString().slice(0, 120) };
    }
    return { ok: false, err: `unexpected result ${r}` };
  } catch (e) {
    return { ok: false, err: `threw: ${e.message.split('\n')[0]}` };
  }
}

// litesvm 1.4.1 aborts the whole process (a Rust panic on unwrap) when the
// bytes do not deserialize as a transaction, as with an unknown message
// version. Such bytes are sent from a child process, whose runtime skips the
// blockhash check and funds the fee payer: the bytes are refused only if
// they do not deserialize or do not verify.
function sendInChild(bytes, versioned, payer) {
  const r = spawnSync(process.execPath, [__filename, '--child-send', bytes.toString('hex'), versioned ? '1' : '0', payer.toBase58()],
    { encoding: 'utf8', timeout: 60000 });
  if (r.status === 0) {
    return JSON.parse(r.stdout);
  }
  const panic = /panicked at [^\n]*\n([^\n]*)/.exec(r.stderr || '');
  return { ok: false, err: panic ? `not deserializable (runtime aborted: ${panic[1].slice(0, 80)})` : `child failed: ${r.stderr}` };
}

function childSend(hexBytes, versioned, payer) {
  const svm = new LiteSVM().withBlockhashCheck(false);
  svm.airdrop(address(payer), 1000000000000n);
  const r = sendRaw(svm, Buffer.from(hexBytes, 'hex'), versioned === '1');
  process.stdout.write(JSON.stringify({ ok: r.ok, err: r.err }));
  process.exit(0);
}

function expectedFee(c) {
  let priority = 0n;
  if (c.cuPrice !== undefined) {
    const nIx = 1n + (c.cuLimit !== undefined ? 1n : 0n) + 1n;
    const limit = c.cuLimit !== undefined ? BigInt(c.cuLimit) : DEFAULT_CU_PER_BUILTIN * nIx;
    priority = (limit * BigInt(c.cuPrice) + 999999n) / 1000000n;
  }
  return LAMPORTS_PER_SIGNATURE + priority;
}

// Byte offsets to flip, from the layout web3.js decodes.
function flipOffsets(bytes, to) {
  const tx = web3.VersionedTransaction.deserialize(bytes);
  const nSig = tx.signatures.length;
  const msgStart = 1 + 64 * nSig; // compact-u16 count is one byte here
  const v0 = tx.message.version === 0;
  const hdr = msgStart + (v0 ? 1 : 0);
  const keysStart = hdr + 3 + 1;
  const keys = tx.message.staticAccountKeys;
  const toIndex = keys.findIndex((k) => k.equals(to));
  const bhStart = keysStart + 32 * keys.length;
  // [what, offset, where to send, the refusal expected]
  const sig = 'SignatureFailure';
  const undeserializable = /^not deserializable/;
  return [
    ['signature first byte', 1, 'here', sig],
    ['signature last byte', 64, 'here', sig],
    ...(v0 ? [['version prefix', msgStart, 'child', undeserializable]] : []),
    ['header num_required_signatures', hdr, 'here', 'SanitizeFailure'],
    ['fee payer key', keysStart + 5, 'here', sig],
    ['recipient key', keysStart + 32 * toIndex + 31, 'here', sig],
    ['recent blockhash', bhStart + 17, 'here', sig],
    // v0 ends with the address-table-lookup count (0): lamports end one byte earlier.
    ['lamports high byte', bytes.length - (v0 ? 2 : 1), 'here', sig],
    ...(v0 ? [['lookup table count', bytes.length - 1, 'child', undeserializable]] : []),
  ];
}

function main() {
  const arg = process.argv[2];
  if (arg === '--child-send') {
    childSend(process.argv[3], process.argv[4], process.argv[5]);
    return;
  }
  if (!arg) {
    process.stderr.write('usage: node litesvm_check.js PATH/TO/sniperd | --self-test | --self-test-mutant\n');
    process.exit(2);
  }
  const mutant = arg === '--self-test-mutant';
  const selfTest = arg === '--self-test' || mutant;
  if (!selfTest && !fs.existsSync(arg)) {
    process.stderr.write(`litesvm_check: ${arg} does not exist (build target sniperd first)\n`);
    process.exit(2);
  }
  const payer = keypairFor('litesvm-payer');
  const key = writeKeypairFile(payer);
  const produce = selfTest ? web3Producer(payer, mutant) : sniperdProducer(arg, key.file);
  const producerName = selfTest ? `web3.js (${arg.slice(2)})` : arg;

  const svm = new LiteSVM();
  const addr = (pk) => address(pk.toBase58());
  const balance = (pk) => svm.getBalance(addr(pk)) ?? 0n;
  svm.airdrop(addr(payer.publicKey), 1000n * 1000000000n);
  const blockhash = svm.latestBlockhash();

  // An existing account, so a 1-lamport transfer is not refused for rent.
  const funded = keypairFor('litesvm-funded').publicKey;
  svm.airdrop(addr(funded), 5000000n);

  const cases = [
    { name: 'legacy transfer', lamports: 1000000n },
    { name: 'legacy limit+price', lamports: 2500000n, cuLimit: 200000, cuPrice: 10000 },
    { name: 'legacy price only', lamports: 1234567n, cuPrice: 777777 },
    { name: 'legacy limit only', lamports: 1000001n, cuLimit: 1400000 },
    { name: 'legacy 1 lamport to funded account', lamports: 1n, to: funded },
    { name: 'v0 transfer', lamports: 3000000n, v0: true },
    { name: 'v0 limit+price', lamports: 4000000n, cuLimit: 150000, cuPrice: 1000000, v0: true },
    { name: 'v0 price only', lamports: 999999999n, cuPrice: 1, v0: true },
    { name: 'v0 1 lamport to funded account', lamports: 1n, to: funded, v0: true },
  ];
  const summary = [];
  let flipCount = 0;
  cases.forEach((c, i) => {
    c.to = c.to || keypairFor(`litesvm-to-${i}`).publicKey;
    c.blockhash = blockhash;
    const bytes = produce(c);
    const versioned = (bytes[65] & 0x80) !== 0;
    check(versioned === Boolean(c.v0), `${c.name}: version prefix ${versioned ? 'v0' : 'legacy'}`);
    const decoded = web3.VersionedTransaction.deserialize(bytes);
    check(decoded.message.staticAccountKeys[0].equals(payer.publicKey), `${c.name}: fee payer is the keypair's address`);

    const payer0 = balance(payer.publicKey);
    const to0 = balance(c.to);
    const rejected = [];
    flipCount += flipOffsets(bytes, c.to).length;
    for (const [what, off, where, want] of flipOffsets(bytes, c.to)) {
      const bad = Buffer.from(bytes);
      bad[off] ^= 0x01;
      if (process.env.LSVM_DEBUG) { process.stderr.write(`${c.name} ${what} ${off}\n`); }
      const r = where === 'child' ? sendInChild(bad, versioned, payer.publicKey) : sendRaw(svm, bad, versioned);
      check(!r.ok, `${c.name}: flipped ${what} (byte ${off}) was accepted`);
      check(typeof want === 'string' ? r.err === want : want.test(String(r.err)),
        `${c.name}: flipped ${what} (byte ${off}) refused with ${r.err}, expected ${want}`);
      rejected.push(`${what}: ${r.err}`);
    }
    check(balance(payer.publicKey) === payer0 && balance(c.to) === to0,
      `${c.name}: a rejected transaction moved lamports`);

    const r = sendRaw(svm, bytes, versioned);
    check(r.ok, `${c.name}: valid transaction rejected: ${r.err}`);
    if (r.ok) {
      check(Buffer.from(r.meta.signature()).equals(Buffer.from(decoded.signatures[0])),
        `${c.name}: runtime signature differs from the transaction's`);
    }
    const fee = expectedFee(c);
    const payerDelta = payer0 - balance(payer.publicKey);
    const toDelta = balance(c.to) - to0;
    check(toDelta === c.lamports, `${c.name}: recipient got ${toDelta}, expected ${c.lamports}`);
    check(payerDelta === c.lamports + fee, `${c.name}: payer paid ${payerDelta}, expected ${c.lamports} + fee ${fee}`);

    const payer1 = balance(payer.publicKey);
    const to1 = balance(c.to);
    const again = sendRaw(svm, bytes, versioned);
    check(!again.ok && again.err === 'AlreadyProcessed', `${c.name}: the same transaction sent twice: ${again.ok ? 'landed twice' : again.err}`);
    check(balance(c.to) === to1 && balance(payer.publicKey) === payer1, `${c.name}: the replay moved lamports`);
    summary.push({ case: c.name, size: bytes.length, fee: Number(fee), landed: r.ok, rejected, replay: again.err });
  });

  // A blockhash the runtime never produced.
  for (const v0 of [false, true]) {
    const c = { lamports: 1000000n, to: keypairFor('litesvm-unknown-bh').publicKey, v0, blockhash: new web3.PublicKey(sha256('not-a-recent-blockhash')).toBase58() };
    const p0 = balance(payer.publicKey);
    const r = sendRaw(svm, produce(c), v0);
    check(!r.ok && r.err === 'BlockhashNotFound', `unknown blockhash (${v0 ? 'v0' : 'legacy'}): ${r.ok ? 'accepted' : r.err}`);
    check(balance(payer.publicKey) === p0, 'unknown blockhash transaction charged the payer');
    summary.push({ case: `unknown blockhash ${v0 ? 'v0' : 'legacy'}`, rejected: r.err });
  }

  fs.rmSync(key.dir, { recursive: true, force: true });
  for (const s of summary) {
    process.stdout.write(`${JSON.stringify(s)}\n`);
  }
  const verdict = failures.length === 0 ? 'OK' : 'FAILED';
  process.stdout.write(`litesvm_check ${verdict}: producer ${producerName}; ${cases.length} transfers landed and balanced, ` +
    `${flipCount} flipped-byte variants and ${cases.length} replays rejected; ${checks - failures.length} passed, ${failures.length} failed\n`);
  process.exit(failures.length === 0 ? 0 : 1);
}

main();
