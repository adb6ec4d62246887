'use strict';
// A standard client, unchanged: @solana/web3.js Connection against the
// localnet (blockhash, airdrop, transfer confirmed both ways, balances,
// blockhash expiry), plus JSON-RPC framing errors and WebSocket slots.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const web3 = require('@solana/web3.js');
const WebSocket = require('ws');
const H = require('../harness');

let net;
let conn;

before(async () => {
  net = await H.startLocalnet({ slotMs: 20 });
  conn = new web3.Connection(net.url, 'confirmed');
});

after(async () => {
  await H.closeConnection(conn);
  await net.stop();
});

test('prints the RPC URL first and the WebSocket URL (port + 1) next', () => {
  assert.match(net.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const port = Number(new URL(net.url).port);
  assert.equal(net.lines.ws, `ws://127.0.0.1:${port + 1}`);
});

test('getLatestBlockhash, block height and slot', async () => {
  // The clock ticks every 20 ms between these calls: bounds leave room for it.
  const finalized = await conn.getBlockHeight('finalized');
  const { blockhash, lastValidBlockHeight } = await conn.getLatestBlockhash('processed');
  const height = await conn.getBlockHeight('processed');
  assert.ok(lastValidBlockHeight - height <= 150 && lastValidBlockHeight - height >= 130, `${lastValidBlockHeight} vs ${height}`);
  const slot = await conn.getSlot('processed');
  assert.ok(slot - height >= 1000 && slot - height <= 1020, 'slot and block height differ');
  assert.ok(height - finalized >= 32, 'finalized lags processed by 32 blocks');
  // Asked at the commitment it was fetched at: a `confirmed` view can be a
  // block or two behind a `processed` blockhash and not know it yet.
  assert.equal(await conn.isBlockhashValid(blockhash, { commitment: 'processed' }).then((r) => r.value), true);
  const epoch = await conn.getEpochInfo();
  assert.equal(epoch.slotsInEpoch, 432000);
  assert.equal(await H.rpc(net.url, 'getHealth', []), 'ok');
  assert.ok((await conn.getVersion())['solana-core']);
  assert.equal(await conn.getMinimumBalanceForRentExemption(0), 890880);
});

test('airdrop, transfer confirmed with the blockhash strategy, balances', async () => {
  const payer = web3.Keypair.generate();
  const to = web3.Keypair.generate();
  const airdrop = await conn.requestAirdrop(payer.publicKey, 2 * web3.LAMPORTS_PER_SOL);
  const bh = await conn.getLatestBlockhash('confirmed');
  const res = await conn.confirmTransaction({ signature: airdrop, ...bh }, 'confirmed');
  assert.equal(res.value.err, null);
  assert.equal(await conn.getBalance(payer.publicKey, 'confirmed'), 2 * web3.LAMPORTS_PER_SOL);

  const latest = await conn.getLatestBlockhash('confirmed');
  const tx = new web3.Transaction({ feePayer: payer.publicKey, ...latest })
    .add(web3.SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to.publicKey, lamports: 1_000_000 }));
  tx.sign(payer);
  const fee = (await conn.getFeeForMessage(tx.compileMessage(), 'confirmed')).value;
  assert.equal(fee, 5000);
  const sig = await conn.sendRawTransaction(tx.serialize());
  const conf = await conn.confirmTransaction({ signature: sig, ...latest }, 'confirmed');
  assert.equal(conf.value.err, null);
  assert.equal(await conn.getBalance(to.publicKey), 1_000_000);
  assert.equal(await conn.getBalance(payer.publicKey), 2 * web3.LAMPORTS_PER_SOL - 1_000_000 - fee);
  const status = (await conn.getSignatureStatuses([sig])).value[0];
  assert.ok(['confirmed', 'finalized'].includes(status.confirmationStatus));

  // sendAndConfirmTransaction, the most common client path, also works.
  const tx2 = new web3.Transaction().add(web3.SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to.publicKey, lamports: 2_000_000 }));
  await web3.sendAndConfirmTransaction(conn, tx2, [payer], { commitment: 'confirmed' });
  assert.equal(await conn.getBalance(to.publicKey), 3_000_000);
});

test('signatureSubscribe over WebSocket notifies the confirmation', async () => {
  const payer = await H.fundedKeypair(net.url, 1);
  const bh = await H.latestBlockhash(net.url);
  const tx = H.transferTx({ from: payer, to: web3.Keypair.generate().publicKey, lamports: 1_000_000, blockhash: bh.blockhash });
  const sig = require('bs58').encode(tx.signatures[0]);
  const notified = new Promise((resolve) => {
    conn.onSignature(sig, (result, context) => resolve({ result, context }), 'confirmed');
  });
  // Give the subscription time to reach the server before the transaction lands.
  await H.sleep(200);
  await conn.sendRawTransaction(tx.serialize(), { skipPreflight: true });
  const { result, context } = await notified;
  assert.equal(result.err, null);
  assert.ok(context.slot > 0);
});

test('accountSubscribe and logsSubscribe through web3.js', async () => {
  const payer = await H.fundedKeypair(net.url, 1);
  const to = web3.Keypair.generate().publicKey;
  const account = new Promise((resolve) => {
    const id = conn.onAccountChange(to, (info, ctx) => {
      conn.removeAccountChangeListener(id);
      resolve({ info, ctx });
    }, { commitment: 'confirmed', encoding: 'base64' });
  });
  const logs = new Promise((resolve) => {
    const id = conn.onLogs(to, (l) => {
      conn.removeOnLogsListener(id);
      resolve(l);
    }, 'confirmed');
  });
  await H.sleep(200);
  const bh = await H.latestBlockhash(net.url);
  const sig = await conn.sendRawTransaction(H.transferTx({ from: payer, to, lamports: 3_000_000, blockhash: bh.blockhash }).serialize());
  const { info } = await account;
  assert.equal(info.lamports, 3_000_000);
  assert.ok(info.owner.equals(web3.SystemProgram.programId));
  const l = await logs;
  assert.equal(l.signature, sig);
  assert.equal(l.err, null);
  assert.ok(l.logs.some((line) => line.includes('11111111111111111111111111111111')));
});

test('slotSubscribe and slotUnsubscribe on a raw WebSocket (same port and port + 1), framing errors', async () => {
  for (const wsUrl of [net.url.replace('http', 'ws'), net.lines.ws]) {
    const ws = new WebSocket(wsUrl);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const messages = [];
    ws.on('message', (d) => messages.push(JSON.parse(d)));
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'slotSubscribe' }));
    const sub = await H.waitFor(() => messages.find((m) => m.id === 1), { what: 'subscription id' });
    assert.equal(typeof sub.result, 'number');
    const n = await H.waitFor(() => messages.filter((m) => m.method === 'slotNotification').length >= 2 && messages, { what: 'slot notifications' });
    const slots = n.filter((m) => m.method === 'slotNotification').map((m) => m.params.result.slot);
    assert.ok(slots[1] > slots[0]);
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'slotUnsubscribe', params: [sub.result] }));
    assert.equal((await H.waitFor(() => messages.find((m) => m.id === 2))).result, true);
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'slotUnsubscribe', params: [sub.result] }));
    assert.equal((await H.waitFor(() => messages.find((m) => m.id === 3))).error.code, -32602);
    ws.send('{not json');
    assert.equal((await H.waitFor(() => messages.find((m) => m.error && m.error.code === -32700))).id, null);
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'nope' }));
    assert.equal((await H.waitFor(() => messages.find((m) => m.id === 4))).error.code, -32601);
    ws.close();
  }
});

test('failed transactions: preflight answers -32002 with logs; skipPreflight lands it failed and charges the fee', async () => {
  const payer = await H.fundedKeypair(net.url, 1);
  const to = web3.Keypair.generate().publicKey;
  const bh = await H.latestBlockhash(net.url);
  const tooMuch = H.transferTx({ from: payer, to, lamports: 5 * web3.LAMPORTS_PER_SOL, blockhash: bh.blockhash });
  await assert.rejects(conn.sendRawTransaction(tooMuch.serialize()), (e) => {
    assert.ok(e instanceof web3.SendTransactionError, e.constructor.name);
    assert.match(e.message, /Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1/);
    assert.ok(e.logs.some((l) => l.includes('insufficient lamports')));
    return true;
  });
  const raw = await H.post(net.url, { jsonrpc: '2.0', id: 7, method: 'sendTransaction', params: [H.b64(tooMuch), { encoding: 'base64' }] });
  assert.equal(raw.json.error.code, -32002);
  assert.deepEqual(raw.json.error.data.err, { InstructionError: [0, { Custom: 1 }] });

  const before = await conn.getBalance(payer.publicKey, 'processed');
  const sig = await conn.sendRawTransaction(tooMuch.serialize(), { skipPreflight: true });
  const status = await H.waitFor(() => H.statusOf(net.url, sig), { what: 'failed transaction status' });
  assert.deepEqual(status.err, { InstructionError: [0, { Custom: 1 }] });
  assert.equal(await conn.getBalance(payer.publicKey, 'processed'), before - 5000);
  assert.equal(await conn.getBalance(to, 'processed'), 0);

  // A bad signature: -32003 with preflight; silently never lands without.
  const bytes = Buffer.from(H.transferTx({ from: payer, to, lamports: 1_000_000, blockhash: bh.blockhash }).serialize());
  bytes[10] ^= 1;
  const bad = await H.post(net.url, { jsonrpc: '2.0', id: 1, method: 'sendTransaction', params: [bytes.toString('base64'), { encoding: 'base64' }] });
  assert.equal(bad.json.error.code, -32003);
  // A re-send of a landed transaction: AlreadyProcessed in preflight.
  const again = await H.post(net.url, { jsonrpc: '2.0', id: 1, method: 'sendTransaction', params: [H.b64(tooMuch), { encoding: 'base64' }] });
  assert.equal(again.json.error.data.err, 'AlreadyProcessed');
});

test('an expired blockhash is refused; one 150 blocks old still lands', async () => {
  // A clock that does not tick by itself: the test moves it block by block.
  const frozen = await H.startLocalnet({ slotMs: 60000 });
  const c = new web3.Connection(frozen.url, 'processed');
  try {
    const payer = await H.fundedKeypair(frozen.url, 1);
    const to = web3.Keypair.generate().publicKey;
    const old = await c.getLatestBlockhash('processed');
    const h0 = await c.getBlockHeight('processed');
    assert.equal(old.lastValidBlockHeight, h0 + 150);
    const a = H.transferTx({ from: payer, to, lamports: 1_000_000, blockhash: old.blockhash });
    const b = H.transferTx({ from: payer, to, lamports: 2_000_000, blockhash: old.blockhash });
    await H.admin(frozen.url, '/admin/advance', { slots: 150 });
    assert.equal(await c.getBlockHeight('processed'), old.lastValidBlockHeight);
    const sigA = await c.sendRawTransaction(a.serialize());
    assert.equal((await H.statusOf(frozen.url, sigA)).err, null);
    await H.admin(frozen.url, '/admin/advance', { slots: 1 });
    assert.equal((await c.isBlockhashValid(old.blockhash, { commitment: 'processed' })).value, false);
    await assert.rejects(c.sendRawTransaction(b.serialize()), /Blockhash not found/);
    const sigB = await c.sendRawTransaction(b.serialize(), { skipPreflight: true });
    await H.admin(frozen.url, '/admin/advance', { slots: 2 });
    assert.equal(await H.statusOf(frozen.url, sigB), null);
    const dropped = await H.admin(frozen.url, '/admin/dropped');
    assert.ok(dropped.some((d) => d.signature === sigB && d.reason === 'Blockhash not found'));
    assert.equal(await c.getBalance(to), 1_000_000);
    // web3.js gives up once the block height passed lastValidBlockHeight.
    await assert.rejects(
      c.confirmTransaction({ signature: sigB, blockhash: old.blockhash, lastValidBlockHeight: old.lastValidBlockHeight }, 'processed'),
      (e) => e instanceof web3.TransactionExpiredBlockheightExceededError,
    );
  } finally {
    await H.closeConnection(c);
    await frozen.stop();
  }
});

test('JSON-RPC framing: parse error, invalid request, unknown method, bad params, batch', async () => {
  const parse = await H.post(net.url, '{"jsonrpc":"2.0",', { raw: true });
  assert.equal(parse.json.error.code, -32700);
  const invalid = await H.post(net.url, { jsonrpc: '1.0', id: 3, method: 'getSlot' });
  assert.equal(invalid.json.error.code, -32600);
  assert.equal(invalid.json.id, 3);
  const unknown = await H.post(net.url, { jsonrpc: '2.0', id: 'x', method: 'getNothing' });
  assert.equal(unknown.json.error.code, -32601);
  for (const [method, params] of [
    ['getBalance', ['not-a-key']], ['getBalance', { pubkey: 1 }], ['getSignatureStatuses', ['x']],
    ['sendTransaction', ['AAAA', { encoding: 'base64' }]], ['sendTransaction', ['!!!', { encoding: 'base58' }]],
    ['sendTransaction', [123]], ['getLatestBlockhash', [{ commitment: 'soon' }]], ['getAccountInfo', [null]],
    ['requestAirdrop', [web3.Keypair.generate().publicKey.toBase58(), -1]], ['getTransaction', ['abc']],
    ['simulateTransaction', ['AQ==', { encoding: 'base64' }]], ['getFeeForMessage', ['gAAA']],
  ]) {
    const r = await H.post(net.url, { jsonrpc: '2.0', id: 1, method, params });
    assert.equal(r.status, 200);
    assert.equal(r.json.error.code, -32602, `${method} ${JSON.stringify(params)}: ${JSON.stringify(r.json)}`);
  }
  const batch = await H.post(net.url, [
    { jsonrpc: '2.0', id: 1, method: 'getSlot' },
    { jsonrpc: '2.0', id: 2, method: 'nope' },
    { jsonrpc: '2.0', method: 'getSlot' },
    5,
  ]);
  assert.equal(batch.json.length, 3);
  assert.equal(typeof batch.json[0].result, 'number');
  assert.equal(batch.json[1].error.code, -32601);
  assert.equal(batch.json[2].error.code, -32600);
  const empty = await H.post(net.url, []);
  assert.equal(empty.json.error.code, -32600);
  const notFound = await fetch(`${net.url}/nowhere`);
  assert.equal(notFound.status, 404);
  assert.equal(await H.rpc(net.url, 'getSlot', []) > 0, true, 'the server is still up');
});
