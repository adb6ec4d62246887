'use strict';
// Bad input never takes the server down: mutated transactions (litesvm
// aborts the process on bytes it cannot deserialize, so the server's own
// parser must stop them), malformed parameters of every method, bodies that
// are not JSON, oversized bodies. Every answer is a well-formed JSON-RPC
// response; the server still serves afterwards.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const web3 = require('@solana/web3.js');
const H = require('../harness');

let net;

before(async () => {
  net = await H.startLocalnet({ slotMs: 20 });
});

after(async () => {
  await net.stop();
});

// Deterministic bytes for the mutations.
function stream(label) {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return (n) => {
    while (pool.length < n) {
      pool = Buffer.concat([pool, crypto.createHash('sha256').update(`${label}:${counter++}`).digest()]);
    }
    const out = pool.subarray(0, n);
    pool = pool.subarray(n);
    return out;
  };
}

function mutate(bytes, rand) {
  const b = Buffer.from(bytes);
  const r = rand(4);
  const at = r.readUInt16LE(0) % b.length;
  switch (r[2] % 5) {
    case 0: b[at] ^= 1 << (r[3] % 8); return b;
    case 1: b[at] = r[3]; return b;
    case 2: return b.subarray(0, at);
    case 3: return Buffer.concat([b.subarray(0, at), rand(1 + (r[3] % 40)), b.subarray(at)]);
    default: return Buffer.concat([b, rand(1 + (r[3] % 8))]);
  }
}

function wellFormed(res) {
  assert.equal(res.status, 200);
  assert.equal(res.json.jsonrpc, '2.0');
  assert.ok(('result' in res.json) !== ('error' in res.json), JSON.stringify(res.json));
  if (res.json.error) {
    assert.equal(typeof res.json.error.code, 'number');
    assert.equal(typeof res.json.error.message, 'string');
  }
}

test('mutated transactions are answered, never crash the server', async () => {
  const payer = await H.fundedKeypair(net.url, 5);
  const bh = (await H.latestBlockhash(net.url)).blockhash;
  const v0 = H.transferTx({ from: payer, to: web3.Keypair.generate().publicKey, lamports: 1_000_000, blockhash: bh });
  const legacy = new web3.Transaction({ feePayer: payer.publicKey, recentBlockhash: bh })
    .add(web3.SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: web3.Keypair.generate().publicKey, lamports: 1_000_000 }));
  legacy.sign(payer);
  const tip = H.transferTx({ from: payer, to: new web3.PublicKey('96gYZGLnJYVFmbjzopPSU6QiEV5fGqZNyN9nmNhvrZU5'), lamports: 5000, blockhash: bh });
  const rand = stream('localnet-robustness');
  const seeds = [Buffer.from(v0.serialize()), Buffer.from(legacy.serialize())];
  for (let i = 0; i < 240; i++) {
    const bytes = mutate(seeds[i % 2], rand);
    const text = bytes.toString('base64');
    const calls = [
      ['sendTransaction', [text, { encoding: 'base64', skipPreflight: i % 3 === 0 }]],
      ['simulateTransaction', [text, { encoding: 'base64', sigVerify: i % 2 === 0 }]],
    ];
    for (const [method, params] of calls) {
      wellFormed(await H.post(net.url, { jsonrpc: '2.0', id: i, method, params }));
    }
    if (i % 4 === 0) {
      const res = await H.post(`${net.url}/api/v1/bundles`, {
        jsonrpc: '2.0', id: i, method: 'sendBundle', params: [[text, H.b64(tip)], { encoding: 'base64' }],
      });
      wellFormed(res);
    }
  }
  assert.ok(await H.rpc(net.url, 'getSlot', []) > 0);
});

test('malformed parameters of every method are -32602, never a crash', async () => {
  const methods = [
    'getLatestBlockhash', 'sendTransaction', 'simulateTransaction', 'getSignatureStatuses', 'getBlockHeight', 'getSlot',
    'getBalance', 'getAccountInfo', 'getMultipleAccounts', 'getTokenAccountBalance', 'getTokenSupply', 'getTokenAccountsByOwner',
    'getTokenLargestAccounts', 'getTransaction', 'getSignaturesForAddress', 'requestAirdrop', 'getRecentPrioritizationFees',
    'getEpochInfo', 'getMinimumBalanceForRentExemption', 'getFeeForMessage', 'isBlockhashValid',
  ];
  const junk = [
    [null], [{}], [[]], ['x'], [1e300], [-1], [true, true, true], [{ commitment: 1 }], ['11111111111111111111111111111111', 'nope'],
    ['11111111111111111111111111111111', { encoding: 'zstd' }], [['a'.repeat(100)]], [{ minContextSlot: 1e18 }], { not: 'an array' },
  ];
  for (const method of methods) {
    for (const params of junk) {
      const res = await H.post(net.url, { jsonrpc: '2.0', id: 1, method, params });
      wellFormed(res);
      if (res.json.error) {
        assert.notEqual(res.json.error.code, -32603, `${method} ${JSON.stringify(params)}: ${res.json.error.message}`);
      }
    }
  }
  for (const params of junk) {
    for (const method of ['sendBundle', 'getBundleStatuses', 'getInflightBundleStatuses']) {
      wellFormed(await H.post(`${net.url}/api/v1/bundles`, { jsonrpc: '2.0', id: 1, method, params }));
    }
  }
  assert.ok(await H.rpc(net.url, 'getSlot', []) > 0);
});

test('bodies that are not JSON-RPC, oversized bodies, admin garbage', async () => {
  for (const body of ['', 'null', '[1,2]', '{"jsonrpc":"2.0","id":{},"method":"getSlot"}', '\u0000\u0001', '{"jsonrpc":"2.0","id":1,"method":"__proto__"}',
    '{"jsonrpc":"2.0","id":1,"method":"constructor"}', '{"jsonrpc":"2.0","id":1,"method":"toString"}']) {
    const res = await fetch(net.url, { method: 'POST', body });
    assert.ok([200].includes(res.status), body);
    const json = await res.json();
    assert.ok(Array.isArray(json) || json.error, body);
  }
  const big = await fetch(net.url, { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) }).catch((e) => e);
  assert.ok(big instanceof Error || big.status === 413);
  for (const [route, body] of [['/admin/faults', '[]'], ['/admin/airdrop', '{"pubkey":"x"}'], ['/admin/advance', '{"slots":-1}'], ['/admin/faults', '{']]) {
    const res = await fetch(`${net.url}${route}`, { method: 'POST', body });
    assert.equal(res.status, 400, route);
  }
  assert.equal((await fetch(`${net.url}/admin/nothing`)).status, 404);
  assert.equal((await fetch(net.url)).status, 405);
  assert.ok(await H.rpc(net.url, 'getSlot', []) > 0);
});
