#!/usr/bin/env node
'use strict';
// Benchmark of @solana/web3.js building, signing and serializing the same
// 3-instruction transaction sniperd's benchmark builds (SetComputeUnitLimit,
// SetComputeUnitPrice, System transfer), legacy and v0, on one core.
// Every iteration builds the instructions, compiles the message, signs and
// serializes from scratch (the lamports change each time, so nothing can be
// reused). Prints one JSON line: tx/s of the best round and the median.
//
// Usage: node bench_web3.js [ITERATIONS_PER_ROUND] [ROUNDS]   (defaults 1000, 5)

const { web3, keypairFor, blockhashFor, buildTx, transferInstructions } = require('./lib');

function timeIt(n, fn) {
  const t0 = process.hrtime.bigint();
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    bytes += fn(i).length;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (bytes === 0) {
    throw new Error('nothing serialized');
  }
  return n / s;
}

function main() {
  const n = Number(process.argv[2] || 1000);
  const rounds = Number(process.argv[3] || 5);
  if (!Number.isInteger(n) || n <= 0 || !Number.isInteger(rounds) || rounds <= 0) {
    process.stderr.write('usage: node bench_web3.js [ITERATIONS_PER_ROUND] [ROUNDS]\n');
    process.exit(2);
  }
  const payer = keypairFor('bench-payer');
  const to = keypairFor('bench-to').publicKey;
  const blockhash = blockhashFor('bench');
  const ixs = (i) => transferInstructions({ from: payer.publicKey, to, lamports: 1000000n + BigInt(i), cuLimit: 200000, cuPrice: 10000n });
  const variants = {
    legacy: (i) => buildTx({ version: 'legacy', payer: payer.publicKey, signers: [payer], instructions: ixs(i), blockhash }).serialize(),
    v0: (i) => buildTx({ version: 0, payer: payer.publicKey, signers: [payer], instructions: ixs(i), blockhash }).serialize(),
    // The older Transaction class (still the most used web3.js path; its
    // serialize() also verifies the signature).
    legacy_transaction_class: (i) => {
      const tx = new web3.Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash });
      tx.add(...ixs(i));
      tx.sign(payer);
      return tx.serialize();
    },
  };
  for (const fn of Object.values(variants)) {
    timeIt(300, fn); // warm-up: JIT and noble's precomputed tables
  }
  // Rounds interleave the variants, so a burst of load from other processes
  // hits all of them; the best round is reported (and the median).
  const rates = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [k, fn] of Object.entries(variants)) {
      rates[k].push(timeIt(n, (i) => fn(r * n + i)));
    }
  }
  const best = (a) => Math.round(Math.max(...a));
  const median = (a) => Math.round([...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]);
  const version = require('@solana/web3.js/package.json').version;
  process.stdout.write(`${JSON.stringify({
    bench: 'web3js_build_sign_serialize_3ix',
    web3js: version,
    node: process.version,
    iterations_per_round: n,
    rounds,
    legacy_tx_per_s: best(rates.legacy),
    v0_tx_per_s: best(rates.v0),
    legacy_transaction_class_tx_per_s: best(rates.legacy_transaction_class),
    median_legacy_tx_per_s: median(rates.legacy),
    median_v0_tx_per_s: median(rates.v0),
    median_legacy_transaction_class_tx_per_s: median(rates.legacy_transaction_class),
  })}\n`);
}

main();
