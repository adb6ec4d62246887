'use strict';
// Every fault knob is observable: dropped sends (and the node's rebroadcast),
// HTTP 429, no answer after landing, late landing, a lagging endpoint, stale
// blockhashes, WebSocket closes; the seeded stream repeats; the landed list
// counts transactions by memo.

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const bs58 = require('bs58');
const web3 = require('@solana/web3.js');
const WebSocket = require('ws');
const H = require('../harness');

const MEMO = new web3.PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr');
let net;

before(async () => {
  // Faults given on the command line are in force from the start.
  net = await H.startLocalnet({ slotMs: 20, args: ['--lag-port', '0', '--faults', '{"seed":3,"lag_slots":25}'] });
});

after(async () => {
  await net.stop();
});

beforeEach(async () => {
  await H.admin(net.url, '/admin/faults', { reset: true, lag_slots: 25 });
});

async function signedTransfer(payer, lamports = 1_000_000, memo = null) {
  const bh = (await H.latestBlockhash(net.url)).blockhash;
  const extra = memo ? [new web3.TransactionInstruction({ programId: MEMO, keys: [], data: Buffer.from(memo) })] : [];
  return H.transferTx({ from: payer, to: web3.Keypair.generate().publicKey, lamports, blockhash: bh, extra });
}

function send(tx, config = {}) {
  return H.rpc(net.url, 'sendTransaction', [H.b64(tx), { encoding: 'base64', ...config }]);
}

async function slot() {
  return H.rpc(net.url, 'getSlot', [{ commitment: 'processed' }]);
}

test('the command line set the faults and printed the lagging endpoint', async () => {
  assert.match(net.lines.lag_http, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(net.lines.lag_ws, /^ws:\/\/127\.0\.0\.1:\d+$/);
  const state = await H.admin(net.url, '/admin/state');
  assert.equal(state.faults.lag_slots, 25);
  const bad = await fetch(`${net.url}/admin/faults`, { method: 'POST', body: JSON.stringify({ drop_send_share: 3, nonsense: 1 }) });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /drop_send_share.*nonsense/);
});

test('drop_send_share: the signature comes back, the transaction never lands; a re-send can land it', async () => {
  const payer = await H.fundedKeypair(net.url, 1);
  const tx = await signedTransfer(payer);
  await H.admin(net.url, '/admin/faults', { drop_send_share: 1 });
  const sig = await send(tx, { maxRetries: 0 });
  assert.equal(sig, bs58.encode(tx.signatures[0]));
  await H.admin(net.url, '/admin/advance', { slots: 10 });
  assert.equal(await H.statusOf(net.url, sig), null);
  assert.ok((await H.admin(net.url, '/admin/dropped')).some((d) => d.signature === sig && d.reason === 'fault drop_send_share'));
  await H.admin(net.url, '/admin/faults', { drop_send_share: 0 });
  await send(tx, { maxRetries: 0 });
  assert.equal((await H.statusOf(net.url, sig)).err, null);
});

test('drop_send_share with the default maxRetries: the node rebroadcasts until it lands', async () => {
  const payer = await H.fundedKeypair(net.url, 1);
  const tx = await signedTransfer(payer);
  await H.admin(net.url, '/admin/faults', { drop_send_share: 1 });
  const sig = await send(tx);
  await H.admin(net.url, '/admin/advance', { slots: 12 });
  assert.equal(await H.statusOf(net.url, sig), null);
  await H.admin(net.url, '/admin/faults', { drop_send_share: 0 });
  await H.waitFor(() => H.statusOf(net.url, sig), { what: 'the rebroadcast to land' });
});

test('http_429_share: HTTP 429 with Retry-After', async () => {
  await H.admin(net.url, '/admin/faults', { http_429_share: 1, retry_after_s: 2 });
  const res = await H.post(net.url, { jsonrpc: '2.0', id: 1, method: 'getSlot' });
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '2');
  const jup = await fetch(`${net.url}/quote?inputMint=x&outputMint=y&amount=1`);
  assert.equal(jup.status, 429);
  // Admin endpoints are never rate limited.
  assert.equal((await H.admin(net.url, '/admin/faults')).http_429_share, 1);
});

test('timeout_after_land_share: the transaction lands, the request gets no answer', async () => {
  const payer = await H.fundedKeypair(net.url, 1);
  const tx = await signedTransfer(payer);
  await H.admin(net.url, '/admin/faults', { timeout_after_land_share: 1, timeout_after_land_ms: 100 });
  await assert.rejects(send(tx), (e) => {
    assert.ok(!e.rpc, 'no JSON-RPC answer at all');
    return true;
  });
  assert.equal((await H.statusOf(net.url, bs58.encode(tx.signatures[0]))).err, null);
});

test('land_late_share: lands land_late_slots slots later', async () => {
  const payer = await H.fundedKeypair(net.url, 1);
  const tx = await signedTransfer(payer);
  await H.admin(net.url, '/admin/faults', { land_late_share: 1, land_late_slots: 15 });
  const sent = await slot();
  const sig = await send(tx);
  assert.equal(await H.statusOf(net.url, sig), null);
  const st = await H.waitFor(() => H.statusOf(net.url, sig), { what: 'late landing' });
  assert.ok(st.slot >= sent + 15, `landed at ${st.slot}, sent at ${sent}`);
});

test('lagging endpoint: slot, block height, blockhash and statuses lag_slots behind', async () => {
  const lag = net.lines.lag_http;
  const [mainSlot, lagSlot] = await Promise.all([slot(), H.rpc(lag, 'getSlot', [{ commitment: 'processed' }])]);
  assert.ok(mainSlot - lagSlot >= 20 && mainSlot - lagSlot <= 30, `${mainSlot} vs ${lagSlot}`);
  const [mainHeight, lagHeight] = await Promise.all([
    H.rpc(net.url, 'getBlockHeight', [{ commitment: 'processed' }]), H.rpc(lag, 'getBlockHeight', [{ commitment: 'processed' }])]);
  assert.ok(mainHeight - lagHeight >= 20 && mainHeight - lagHeight <= 30, `${mainHeight} vs ${lagHeight}`);
  const lagHash = (await H.rpc(lag, 'getLatestBlockhash', [{ commitment: 'processed' }])).value;
  assert.ok(lagHash.lastValidBlockHeight - mainHeight <= 126, 'its blockhash is older');

  const payer = await H.fundedKeypair(net.url, 1);
  const sig = await send(await signedTransfer(payer));
  assert.ok(await H.statusOf(net.url, sig));
  assert.equal(await H.statusOf(lag, sig), null, 'not seen yet by the lagging node');
  await H.waitFor(() => H.statusOf(lag, sig), { what: 'the lagging node to catch up' });
  // web3.js against the lagging endpoint works too (same state, older view).
  const c = new web3.Connection(lag, 'processed');
  assert.equal(await c.getBalance(payer.publicKey), (await H.rpc(net.url, 'getBalance', [payer.publicKey.toBase58()])).value);
});

test('stale_blockhash_share: getLatestBlockhash answers a blockhash 140 blocks old', async () => {
  await H.admin(net.url, '/admin/faults', { stale_blockhash_share: 1, stale_blockhash_age: 140 });
  const stale = (await H.rpc(net.url, 'getLatestBlockhash', [{ commitment: 'processed' }])).value;
  await H.admin(net.url, '/admin/faults', { stale_blockhash_share: 0 });
  const fresh = (await H.rpc(net.url, 'getLatestBlockhash', [{ commitment: 'processed' }])).value;
  const age = fresh.lastValidBlockHeight - stale.lastValidBlockHeight;
  assert.ok(age >= 140 && age <= 160, `${age} blocks apart`);
  // Honest about it: the hash expires at the lastValidBlockHeight it came with.
  assert.equal((await H.rpc(net.url, 'isBlockhashValid', [stale.blockhash, { commitment: 'processed' }])).value, true);
  await H.admin(net.url, '/admin/advance', { slots: 12 });
  assert.equal((await H.rpc(net.url, 'isBlockhashValid', [stale.blockhash, { commitment: 'processed' }])).value, false);
});

async function openWs(url) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.closed = new Promise((resolve) => ws.once('close', resolve));
  return ws;
}

test('ws_close_share and /admin/close-websockets close WebSockets', async () => {
  const ws = await openWs(net.lines.ws);
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'slotSubscribe' }));
  await H.admin(net.url, '/admin/faults', { ws_close_share: 1 });
  await ws.closed;
  await H.admin(net.url, '/admin/faults', { ws_close_share: 0 });
  const ws2 = await openWs(net.lines.ws);
  const closed = await H.admin(net.url, '/admin/close-websockets', {});
  assert.ok(closed.closed >= 1);
  await ws2.closed;
});

test('the seeded stream repeats: the same seed drops the same sends', async () => {
  const payer = await H.fundedKeypair(net.url, 1);
  const pattern = async () => {
    await H.admin(net.url, '/admin/faults', { seed: 42, drop_send_share: 0.5 });
    const out = [];
    for (let i = 0; i < 12; i++) {
      const sig = await send(await signedTransfer(payer, 1_000_000 + i), { maxRetries: 0 });
      out.push((await H.statusOf(net.url, sig)) === null ? 'dropped' : 'landed');
    }
    return out.join(',');
  };
  const first = await pattern();
  assert.ok(first.includes('dropped') && first.includes('landed'), first);
  assert.equal(await pattern(), first);
});

test('/admin/landed counts landed transactions per memo tag', async () => {
  const payer = await H.fundedKeypair(net.url, 1);
  const since = await slot();
  for (const tag of ['intent:7', 'intent:7', 'intent:8']) {
    await send(await signedTransfer(payer, 1_000_000 + Math.floor(Math.random() * 1000), tag));
  }
  const landed = await H.admin(net.url, `/admin/landed?since_slot=${since}&fee_payer=${payer.publicKey.toBase58()}`);
  assert.equal(landed.filter((r) => r.memo === 'intent:7').length, 2);
  assert.equal(landed.filter((r) => r.memo === 'intent:8').length, 1);
  assert.ok(landed.every((r) => r.fee_payer === payer.publicKey.toBase58() && r.source === 'rpc' && r.slot >= since));
});
