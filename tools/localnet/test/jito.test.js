'use strict';
// The Jito-compatible block engine: bundles land atomically in one slot, a
// bundle without a tip is refused, a bundle with a failing transaction lands
// nothing.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const bs58 = require('bs58');
const web3 = require('@solana/web3.js');
const spl = require('@solana/spl-token');
const H = require('../harness');

const SOL = 'So11111111111111111111111111111111111111112';
let net;
let bundles;
let tipAccounts;

before(async () => {
  net = await H.startLocalnet({ slotMs: 20 });
  bundles = `${net.url}/api/v1/bundles`;
  tipAccounts = await H.rpc(bundles, 'getTipAccounts', []);
});

after(async () => {
  await net.stop();
});

function tipTx(from, lamports, blockhash, to = tipAccounts[0]) {
  return H.transferTx({ from, to: new web3.PublicKey(to), lamports, blockhash });
}

function sig58(tx) {
  return bs58.encode(tx.signatures[0]);
}

async function balance(pubkey) {
  return (await H.rpc(net.url, 'getBalance', [pubkey.toBase58(), { commitment: 'processed' }])).value;
}

test('getTipAccounts returns the eight tip accounts', () => {
  assert.equal(tipAccounts.length, 8);
  assert.ok(tipAccounts.includes('96gYZGLnJYVFmbjzopPSU6QiEV5fGqZNyN9nmNhvrZU5'));
});

test('a bundle of a swap and a tip lands atomically, in one slot', async () => {
  const pools = await H.admin(net.url, '/admin/pools');
  const user = await H.fundedKeypair(net.url, 5);
  const q = await (await fetch(`${net.url}/quote?inputMint=${SOL}&outputMint=${pools[0].mint}&amount=500000000&slippageBps=100`)).json();
  const s = await (await fetch(`${net.url}/swap`, {
    method: 'POST', body: JSON.stringify({ quoteResponse: q, userPublicKey: user.publicKey.toBase58(), wrapAndUnwrapSol: true }),
  })).json();
  const swapTx = web3.VersionedTransaction.deserialize(Buffer.from(s.swapTransaction, 'base64'));
  swapTx.sign([user]);
  const tip = tipTx(user, 10_000, swapTx.message.recentBlockhash, tipAccounts[3]);
  const tipBefore = await balance(new web3.PublicKey(tipAccounts[3]));

  const id = await H.rpc(bundles, 'sendBundle', [[H.b64(swapTx), H.b64(tip)], { encoding: 'base64' }]);
  const expectedId = crypto.createHash('sha256').update([sig58(swapTx), sig58(tip)].join(',')).digest('hex');
  assert.equal(id, expectedId, 'bundle id = sha256 of the signatures joined by commas');

  const st = await H.waitFor(async () => (await H.rpc(bundles, 'getBundleStatuses', [[id]])).value[0], { what: 'bundle status' });
  assert.deepEqual(st.transactions, [sig58(swapTx), sig58(tip)]);
  assert.deepEqual(st.err, { Ok: null });
  const s1 = await H.statusOf(net.url, sig58(swapTx));
  const s2 = await H.statusOf(net.url, sig58(tip));
  assert.equal(s1.slot, s2.slot);
  assert.equal(s1.slot, st.slot);
  assert.equal(s1.err, null);
  assert.equal(await balance(new web3.PublicKey(tipAccounts[3])), tipBefore + 10_000);
  const ata = spl.getAssociatedTokenAddressSync(new web3.PublicKey(pools[0].mint), user.publicKey);
  assert.equal((await H.rpc(net.url, 'getTokenAccountBalance', [ata.toBase58()])).value.amount, q.outAmount);
  const inflight = await H.rpc(bundles, 'getInflightBundleStatuses', [[id]]);
  assert.equal(inflight.value[0].status, 'Landed');
  assert.equal(inflight.value[0].landed_slot, st.slot);
  const landed = await H.admin(net.url, '/admin/landed?source=bundle');
  assert.equal(landed.filter((r) => r.bundle_id === id).length, 2);
});

test('a swap that carries its own Jito tip (prioritizationFeeLamports.jitoTipLamports) lands alone as a bundle', async () => {
  const pools = await H.admin(net.url, '/admin/pools');
  const user = await H.fundedKeypair(net.url, 5);
  const q = await (await fetch(`${net.url}/quote?inputMint=${SOL}&outputMint=${pools[1].mint}&amount=100000000`)).json();
  const s = await (await fetch(`${net.url}/swap`, {
    method: 'POST',
    body: JSON.stringify({ quoteResponse: q, userPublicKey: user.publicKey.toBase58(), prioritizationFeeLamports: { jitoTipLamports: 5000 } }),
  })).json();
  const tx = web3.VersionedTransaction.deserialize(Buffer.from(s.swapTransaction, 'base64'));
  tx.sign([user]);
  const id = await H.rpc(bundles, 'sendBundle', [[bs58.encode(tx.serialize())]]); // base58, the default
  const st = await H.waitFor(async () => (await H.rpc(bundles, 'getBundleStatuses', [[id]])).value[0], { what: 'bundle status' });
  assert.deepEqual(st.transactions, [sig58(tx)]);
});

test('a bundle without a tip is refused', async () => {
  const user = await H.fundedKeypair(net.url, 1);
  const bh = (await H.latestBlockhash(net.url)).blockhash;
  const plain = H.transferTx({ from: user, to: web3.Keypair.generate().publicKey, lamports: 1_000_000, blockhash: bh });
  const res = await H.post(bundles, { jsonrpc: '2.0', id: 1, method: 'sendBundle', params: [[H.b64(plain)], { encoding: 'base64' }] });
  assert.equal(res.json.error.code, -32602);
  assert.match(res.json.error.message, /tip/);
  const small = tipTx(user, 999, bh);
  const res2 = await H.post(bundles, { jsonrpc: '2.0', id: 1, method: 'sendBundle', params: [[H.b64(small)], { encoding: 'base64' }] });
  assert.equal(res2.json.error.code, -32602, 'a tip under 1000 lamports is no tip');
  assert.equal(await H.statusOf(net.url, sig58(plain)), null);
  for (const params of [[[]], [['AAAA'], { encoding: 'base64' }], [new Array(6).fill(H.b64(plain)), { encoding: 'base64' }], [[H.b64(small), H.b64(small)], { encoding: 'base64' }]]) {
    const r = await H.post(bundles, { jsonrpc: '2.0', id: 1, method: 'sendBundle', params });
    assert.equal(r.json.error.code, -32602);
  }
});

test('a bundle whose second transaction fails lands nothing, not even fees', async () => {
  const user = await H.fundedKeypair(net.url, 1);
  const other = web3.Keypair.generate().publicKey;
  const bh = (await H.latestBlockhash(net.url)).blockhash;
  const first = H.transferTx({ from: user, to: other, lamports: 100_000_000, blockhash: bh });
  const failing = H.transferTx({ from: user, to: other, lamports: 50 * web3.LAMPORTS_PER_SOL, blockhash: bh });
  const tip = tipTx(user, 10_000, bh);
  const before = await balance(user.publicKey);
  const id = await H.rpc(bundles, 'sendBundle', [[H.b64(first), H.b64(failing), H.b64(tip)], { encoding: 'base64' }]);
  const inflight = await H.waitFor(async () => {
    const v = (await H.rpc(bundles, 'getInflightBundleStatuses', [[id]])).value[0];
    return v.status !== 'Pending' && v;
  }, { what: 'bundle outcome' });
  assert.equal(inflight.status, 'Failed');
  assert.equal(inflight.landed_slot, null);
  assert.equal((await H.rpc(bundles, 'getBundleStatuses', [[id]])).value[0], null);
  assert.equal(await balance(user.publicKey), before);
  assert.equal(await balance(other), 0);
  for (const tx of [first, failing, tip]) {
    assert.equal(await H.statusOf(net.url, sig58(tx)), null);
  }
  const detail = (await H.admin(net.url, '/admin/bundles')).find((b) => b.bundle_id === id);
  assert.match(detail.error, /^transaction 1 /);
  // Rolled back means never processed: the first transaction can still land alone.
  await H.rpc(net.url, 'sendTransaction', [H.b64(first), { encoding: 'base64' }]);
  assert.equal(await balance(other), 100_000_000);
});
