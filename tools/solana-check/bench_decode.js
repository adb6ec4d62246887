#!/usr/bin/env node
'use strict';
// The Node side of scripts/bench_decode.sh: the same messages as
// bench/decode_bench.cpp (bench/data/decode_messages.ndjson), the same work
// done the usual JavaScript way — JSON.parse, the envelope fields, the
// signature's bs58 decode (64 bytes), the invoke stack over the log lines,
// `Program data:` base64 decoded and the pump.fun CreateEvent / TradeEvent
// fields read (u64 as BigInt, keys as 32-byte slices), the bonding-curve
// PDA of a trade's mint from a Map cache (as the C++ side caches it).
// Prints one JSON line per message kind: messages/s and p50/p99 ns.
//
// Usage: node bench_decode.js [MESSAGES_FILE] [SECONDS]

const fs = require('fs');
const path = require('path');
const bs58 = require('bs58');
const { PublicKey } = require('@solana/web3.js');

const PUMP = '6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P';
const PUMP_KEY = new PublicKey(PUMP);
const CREATE_DISC = Buffer.from('1b72a94ddeeb6376', 'hex');
const TRADE_DISC = Buffer.from('bddb7fd34ee661ee', 'hex');
const curveCache = new Map();

function curveOf(mint) {
  const k = mint.toString('hex');
  let c = curveCache.get(k);
  if (!c) {
    c = PublicKey.findProgramAddressSync([Buffer.from('bonding-curve'), mint], PUMP_KEY)[0].toBuffer();
    curveCache.set(k, c);
  }
  return c;
}

function readString(b, o) {
  const n = b.readUInt32LE(o);
  if (o + 4 + n > b.length) throw new Error('string length');
  return [b.toString('utf8', o + 4, o + 4 + n), o + 4 + n];
}

function decodePump(b, events) {
  if (b.length < 8) return;
  if (b.subarray(0, 8).equals(CREATE_DISC)) {
    let o = 8;
    let name, symbol, uri;
    [name, o] = readString(b, o);
    [symbol, o] = readString(b, o);
    [uri, o] = readString(b, o);
    const rest = b.length - o;
    if (![96, 136, 168, 201, 202, 242].includes(rest)) throw new Error('create length');
    events.push({ type: 'new_pool', name, symbol, uri, mint: b.subarray(o, o + 32), pool: b.subarray(o + 32, o + 64),
      creator: b.subarray(o + 64, o + 96) });
  } else if (b.subarray(0, 8).equals(TRADE_DISC)) {
    if (b.length !== 129 && b.length !== 113) throw new Error('trade length');
    const mint = b.subarray(8, 40);
    const isBuy = b[56];
    if (isBuy > 1) throw new Error('bool');
    const t = { type: 'trade', pool: curveOf(mint), mint, sol: b.readBigUInt64LE(40), tokens: b.readBigUInt64LE(48),
      buy: isBuy === 1, user: b.subarray(57, 89) };
    if (t.sol === 0n || t.tokens === 0n) throw new Error('zero');
    events.push(t);
    events.push({ type: 'pool_update', pool: t.pool, mint, base: b.readBigUInt64LE(105), quote: b.readBigUInt64LE(97) });
  }
}

function decode(line) {
  const msg = JSON.parse(line);
  if (msg.method !== 'logsNotification') throw new Error('method');
  const res = msg.params.result;
  const slot = res.context.slot;
  if (!Number.isSafeInteger(slot) || slot < 0) throw new Error('slot');
  const v = res.value;
  const sig = bs58.decode(v.signature);
  if (sig.length !== 64) throw new Error('signature');
  const events = [];
  if (v.err !== null || v.logs === null) return events;
  const stack = [];
  for (const l of v.logs) {
    if (l.length > 10000) throw new Error('line');
    if (!l.startsWith('Program ')) continue;
    if (l.startsWith('Program log: ')) continue;
    if (l.startsWith('Program data: ')) {
      const top = stack[stack.length - 1];
      if (top === PUMP) {
        const data = l.slice(14);
        if (data.includes(' ')) throw new Error('slices');
        decodePump(Buffer.from(data, 'base64'), events);
      }
      continue;
    }
    const parts = l.split(' ');
    if (parts[2] === 'invoke') {
      const n = Number(parts[3].slice(1, -1));
      if (n !== stack.length + 1 || n > 5) throw new Error('stack');
      stack.push(parts[1]);
    } else if (parts[2] === 'success' || parts[2] === 'failed:') {
      if (stack.pop() !== parts[1]) throw new Error('stack');
    }
  }
  if (stack.length !== 0) throw new Error('unclosed');
  return events;
}

function pct(a, p) {
  a.sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.floor(p * a.length))];
}

function main() {
  const file = process.argv[2] || path.join(__dirname, '..', '..', 'bench', 'data', 'decode_messages.ndjson');
  const seconds = Number(process.argv[3] || 2);
  const msgs = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
  const names = ['pump_create_buy', 'pump_buy', 'failed_route', 'docs_example'];
  for (const m of msgs) decode(m); // warm-up + every message must decode
  // Mix throughput.
  let n = 0;
  let t0 = process.hrtime.bigint();
  const endMix = t0 + BigInt(Math.floor(seconds / 2 * 1e9));
  while (process.hrtime.bigint() < endMix) {
    for (let r = 0; r < 64; r++) for (const m of msgs) { decode(m); n++; }
  }
  let s = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(JSON.stringify({ bench: 'decode_node', message: 'mix_throughput', messages: n, per_wall_sec: Math.round(n / s) }) + '\n');
  msgs.forEach((m, k) => {
    const ns = [];
    t0 = process.hrtime.bigint();
    const end = t0 + BigInt(Math.floor(seconds / 2 / msgs.length * 1e9));
    let c = 0;
    while (process.hrtime.bigint() < end) {
      for (let r = 0; r < 64; r++) {
        const a = process.hrtime.bigint();
        decode(m);
        ns.push(Number(process.hrtime.bigint() - a));
        c++;
      }
    }
    s = Number(process.hrtime.bigint() - t0) / 1e9;
    process.stdout.write(JSON.stringify({ bench: 'decode_node', message: names[k] || `message_${k}`, bytes: m.length,
      messages: c, per_wall_sec: Math.round(c / s), p50_ns: pct(ns, 0.5), p99_ns: pct(ns, 0.99) }) + '\n');
  });
}

main();
