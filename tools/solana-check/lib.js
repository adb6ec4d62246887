'use strict';
// Shared helpers for the solana-check scripts: a deterministic byte source,
// fixed keypairs and blockhashes, and transaction building with
// @solana/web3.js (the independent encoder sniperd is checked against).

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

// Every script requires this file first: say plainly what is missing.
if (!fs.existsSync(path.join(__dirname, 'node_modules', '@solana', 'web3.js'))) {
  process.stderr.write(`solana-check: npm dependencies are not installed in ${__dirname}: ` +
    'run `npm ci --prefix tools/solana-check` (scripts/test.sh does it)\n');
  process.exit(1);
}
const web3 = require('@solana/web3.js');

function sha256(...parts) {
  const h = crypto.createHash('sha256');
  for (const p of parts) {
    h.update(typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p));
  }
  return h.digest();
}

// Deterministic bytes: SHA-256 in counter mode over a label. Same label,
// same stream, on every machine and Node version.
class Drbg {
  constructor(label) {
    this.key = sha256('sniper-drbg:', label);
    this.counter = 0;
    this.pool = Buffer.alloc(0);
  }

  bytes(n) {
    while (this.pool.length < n) {
      const c = Buffer.alloc(8);
      c.writeBigUInt64LE(BigInt(this.counter++));
      this.pool = Buffer.concat([this.pool, sha256(this.key, c)]);
    }
    const out = this.pool.subarray(0, n);
    this.pool = this.pool.subarray(n);
    return Buffer.from(out);
  }

  u32() {
    return this.bytes(4).readUInt32LE(0);
  }

  // Integer in [lo, hi], both inclusive (rejection sampling, no bias).
  int(lo, hi) {
    const span = hi - lo + 1;
    const limit = Math.floor(0x100000000 / span) * span;
    for (;;) {
      const v = this.u32();
      if (v < limit) {
        return lo + (v % span);
      }
    }
  }
}

// A fixed 32-byte Ed25519 seed for a name, and its keypair.
function seedFor(label) {
  return sha256('sniper-vector-seed:', label);
}

function keypairFor(label) {
  return web3.Keypair.fromSeed(seedFor(label));
}

// A fixed base58 blockhash for a name.
function blockhashFor(label) {
  return new web3.PublicKey(sha256('sniper-vector-blockhash:', label)).toBase58();
}

// Compiles, signs and serializes with web3.js. version is 'legacy' or 0.
// Legacy goes through TransactionMessage.compileToLegacyMessage so that legacy
// and v0 order account keys by the same rule (see tests/solana/vectors/README.md).
function buildTx({ version, payer, signers, instructions, blockhash, lookupTables }) {
  const msgArgs = { payerKey: payer, recentBlockhash: blockhash, instructions };
  const tm = new web3.TransactionMessage(msgArgs);
  const message = version === 'legacy'
    ? tm.compileToLegacyMessage()
    : tm.compileToV0Message(lookupTables || []);
  const tx = new web3.VersionedTransaction(message);
  tx.sign(signers);
  return tx;
}

// The instructions of `sniperd tx transfer`: optional SetComputeUnitLimit,
// optional SetComputeUnitPrice, then the System transfer, in that order.
function transferInstructions({ from, to, lamports, cuLimit, cuPrice }) {
  const ixs = [];
  if (cuLimit !== undefined && cuLimit !== null) {
    ixs.push(web3.ComputeBudgetProgram.setComputeUnitLimit({ units: Number(cuLimit) }));
  }
  if (cuPrice !== undefined && cuPrice !== null) {
    ixs.push(web3.ComputeBudgetProgram.setComputeUnitPrice({ microLamports: BigInt(cuPrice) }));
  }
  ixs.push(web3.SystemProgram.transfer({ fromPubkey: from, toPubkey: to, lamports: BigInt(lamports) }));
  return ixs;
}

// Writes a Solana CLI keypair file (JSON array of the 64 secret-key bytes:
// seed then public key), mode 0600, in a new private temp dir.
function writeKeypairFile(keypair, dir) {
  const d = dir || fs.mkdtempSync(path.join(os.tmpdir(), 'solana-check-'));
  const file = path.join(d, 'id.json');
  fs.writeFileSync(file, JSON.stringify(Array.from(keypair.secretKey)), { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return { dir: d, file };
}

// @solana/spl-token. It loads bigint-buffer, which warns on stderr when its
// optional native binding is absent (its install script is denied on
// purpose; the pure-JS fallback is used): that one line is silenced.
function loadSplToken() {
  const warn = console.warn;
  console.warn = (...a) => {
    if (!String(a[0]).startsWith('bigint: Failed to load bindings')) {
      warn(...a);
    }
  };
  try {
    return require('@solana/spl-token');
  } finally {
    console.warn = warn;
  }
}

// First differing byte offset of two buffers, or -1.
function firstDiff(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) {
      return i;
    }
  }
  return a.length === b.length ? -1 : n;
}

module.exports = {
  web3, sha256, Drbg, seedFor, keypairFor, blockhashFor, buildTx,
  transferInstructions, writeKeypairFile, firstDiff, loadSplToken,
};
