'use strict';
// The Jupiter-compatible API: quote, swap, sign slot 0, send, confirm; the
// balances move by exactly the quoted amounts; sell back; slippage.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const web3 = require('@solana/web3.js');
const spl = require('@solana/spl-token');
const H = require('../harness');

const SOL = 'So11111111111111111111111111111111111111112';
const ATA_RENT = 2039280;

let net;
let conn;
let pools;

before(async () => {
  net = await H.startLocalnet({ slotMs: 20 });
  conn = new web3.Connection(net.url, 'confirmed');
  pools = await H.admin(net.url, '/admin/pools');
});

after(async () => {
  await H.closeConnection(conn);
  await net.stop();
});

async function quote(inputMint, outputMint, amount, slippageBps = 50) {
  const res = await fetch(`${net.url}/quote?inputMint=${inputMint}&outputMint=${outputMint}&amount=${amount}&slippageBps=${slippageBps}`);
  return { status: res.status, json: await res.json() };
}

async function swap(quoteResponse, user, extra = {}) {
  const res = await fetch(`${net.url}/swap`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ quoteResponse, userPublicKey: user.publicKey.toBase58(), wrapAndUnwrapSol: true, ...extra }),
  });
  return { status: res.status, json: await res.json() };
}

function decodeSwap(swapResponse) {
  return web3.VersionedTransaction.deserialize(Buffer.from(swapResponse.swapTransaction, 'base64'));
}

async function tokenAmount(owner, mint) {
  const ata = spl.getAssociatedTokenAddressSync(new web3.PublicKey(mint), owner);
  const info = await conn.getAccountInfo(ata, 'processed');
  return info ? (await conn.getTokenAccountBalance(ata, 'processed')).value.amount : '0';
}

test('quote: amounts as decimal strings, route through the pool', async () => {
  const alpha = pools[0];
  const { status, json: q } = await quote(SOL, alpha.mint, 1_000_000_000, 50);
  assert.equal(status, 200);
  for (const k of ['inAmount', 'outAmount', 'otherAmountThreshold', 'priceImpactPct']) {
    assert.equal(typeof q[k], 'string', k);
  }
  assert.equal(q.inAmount, '1000000000');
  assert.equal(q.swapMode, 'ExactIn');
  assert.equal(q.slippageBps, 50);
  assert.equal(BigInt(q.otherAmountThreshold), (BigInt(q.outAmount) * 9950n) / 10000n);
  assert.equal(q.routePlan[0].swapInfo.ammKey, alpha.pool);
  assert.equal(q.routePlan[0].percent, 100);
  // x*y=k with the fee taken from the input.
  const inNet = (1_000_000_000n * BigInt(10000 - alpha.fee_bps)) / 10000n;
  const expected = (BigInt(alpha.token_reserve_atoms) * inNet) / (BigInt(alpha.sol_reserve_lamports) + inNet);
  assert.equal(q.outAmount, expected.toString());
  assert.ok(q.contextSlot > 0);

  for (const bad of [
    `inputMint=${SOL}&outputMint=${alpha.mint}&amount=abc`,
    `inputMint=${SOL}&outputMint=${alpha.mint}&amount=0`,
    `inputMint=${SOL}&outputMint=${alpha.mint}&amount=10&slippageBps=20000`,
    `inputMint=${SOL}&outputMint=${web3.Keypair.generate().publicKey.toBase58()}&amount=10`,
    `outputMint=${alpha.mint}&amount=10`,
  ]) {
    const res = await fetch(`${net.url}/quote?${bad}`);
    assert.equal(res.status, 400, bad);
    assert.equal(typeof (await res.json()).error, 'string');
  }
});

test('buy then sell back: balances move by exactly the quoted amounts', async () => {
  const alpha = pools[0];
  const user = await H.fundedKeypair(net.url, 10);
  const solBefore = await conn.getBalance(user.publicKey, 'processed');
  const poolBefore = (await H.admin(net.url, '/admin/pools'))[0];

  const { json: q } = await quote(SOL, alpha.mint, 1_000_000_000, 100);
  const { status, json: s } = await swap(q, user, { computeUnitPriceMicroLamports: 1000 });
  assert.equal(status, 200, JSON.stringify(s));
  assert.equal(typeof s.lastValidBlockHeight, 'number');
  const tx = decodeSwap(s);
  assert.equal(tx.version, 0);
  assert.ok(tx.signatures[0].every((b) => b === 0), 'slot 0 (the user) is left zeroed');
  assert.ok(tx.signatures[1].some((b) => b !== 0), 'the pool authority pre-signed its slot');
  assert.ok(tx.message.staticAccountKeys[0].equals(user.publicKey), 'the user pays the fee');
  tx.sign([user]);
  const sig = await conn.sendRawTransaction(tx.serialize());
  const conf = await conn.confirmTransaction({ signature: sig, blockhash: tx.message.recentBlockhash, lastValidBlockHeight: s.lastValidBlockHeight }, 'confirmed');
  assert.equal(conf.value.err, null);

  const meta = (await conn.getTransaction(sig, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 })).meta;
  assert.equal(meta.fee, 2 * 5000 + 100); // two signatures + 100,000 CU x 1,000 micro-lamports
  assert.equal(await tokenAmount(user.publicKey, alpha.mint), q.outAmount);
  const solAfterBuy = await conn.getBalance(user.publicKey, 'processed');
  assert.equal(solBefore - solAfterBuy, Number(q.inAmount) + meta.fee + ATA_RENT);
  const poolAfter = (await H.admin(net.url, '/admin/pools'))[0];
  assert.equal(BigInt(poolAfter.sol_reserve_lamports) - BigInt(poolBefore.sol_reserve_lamports), BigInt(q.inAmount));
  assert.equal(BigInt(poolBefore.token_reserve_atoms) - BigInt(poolAfter.token_reserve_atoms), BigInt(q.outAmount));

  // Sell everything back.
  const { json: q2 } = await quote(alpha.mint, SOL, q.outAmount, 100);
  assert.equal(q2.inputMint, alpha.mint);
  const { json: s2 } = await swap(q2, user, { prioritizationFeeLamports: 0 });
  const tx2 = decodeSwap(s2);
  tx2.sign([user]);
  const sig2 = await conn.sendRawTransaction(tx2.serialize());
  const conf2 = await conn.confirmTransaction({ signature: sig2, blockhash: tx2.message.recentBlockhash, lastValidBlockHeight: s2.lastValidBlockHeight }, 'confirmed');
  assert.equal(conf2.value.err, null);
  const fee2 = (await conn.getTransaction(sig2, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 })).meta.fee;
  assert.equal(fee2, 10000);
  assert.equal(await tokenAmount(user.publicKey, alpha.mint), '0');
  assert.equal(await conn.getBalance(user.publicKey, 'processed'), solAfterBuy + Number(q2.outAmount) - fee2);
  // Round trip through the fee: the user ends with less SOL than it started with.
  assert.ok(BigInt(q2.outAmount) < BigInt(q.inAmount));
});

test('slippage: a swap whose pool moved past the threshold fails on chain and moves only its fee', async () => {
  const beta = pools[1];
  const alice = await H.fundedKeypair(net.url, 10);
  const bob = await H.fundedKeypair(net.url, 100);
  const { json: qa } = await quote(SOL, beta.mint, 1_000_000_000, 10); // 0.1 % tolerance
  const { json: sa } = await swap(qa, alice);
  const txa = decodeSwap(sa);
  txa.sign([alice]);

  // Bob's big buy lands first and moves the price well past 0.1 %.
  const { json: qb } = await quote(SOL, beta.mint, 20_000_000_000, 5000);
  const { json: sb } = await swap(qb, bob);
  const txb = decodeSwap(sb);
  txb.sign([bob]);
  const sigb = await conn.sendRawTransaction(txb.serialize());
  await conn.confirmTransaction({ signature: sigb, blockhash: txb.message.recentBlockhash, lastValidBlockHeight: sb.lastValidBlockHeight }, 'processed');

  // Preflight sees the failure: Jupiter's SlippageToleranceExceeded (0x1771).
  await assert.rejects(conn.sendRawTransaction(txa.serialize()), (e) => {
    assert.match(e.message, /custom program error: 0x1771/);
    return true;
  });
  // Without preflight it lands failed: fee charged, no SOL or token moved.
  const solBefore = await conn.getBalance(alice.publicKey, 'processed');
  const poolBefore = (await H.admin(net.url, '/admin/pools'))[1];
  const siga = await conn.sendRawTransaction(txa.serialize(), { skipPreflight: true });
  const status = await H.waitFor(() => H.statusOf(net.url, siga), { what: 'failed swap' });
  assert.deepEqual(status.err, { InstructionError: [4, { Custom: 6001 }] });
  assert.equal(await conn.getBalance(alice.publicKey, 'processed'), solBefore - 10000);
  assert.equal(await tokenAmount(alice.publicKey, beta.mint), '0');
  assert.deepEqual((await H.admin(net.url, '/admin/pools'))[1], poolBefore);
  const t = await H.waitFor(() => conn.getTransaction(siga, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 }), { what: 'getTransaction' });
  assert.ok(t.meta.logMessages.some((l) => l.includes('SlippageToleranceExceeded')));
  assert.equal(t.meta.fee, 10000);
});

test('swap: bad requests are refused with 400, a quote cannot promise more than the pool pays', async () => {
  const gamma = pools[2];
  const user = await H.fundedKeypair(net.url, 5);
  const { json: q } = await quote(SOL, gamma.mint, 100_000_000, 50);
  for (const body of [
    { userPublicKey: user.publicKey.toBase58() },
    { quoteResponse: q, userPublicKey: 'nope' },
    { quoteResponse: { ...q, inAmount: '-1' }, userPublicKey: user.publicKey.toBase58() },
    { quoteResponse: q, userPublicKey: user.publicKey.toBase58(), wrapAndUnwrapSol: false },
    { quoteResponse: q, userPublicKey: user.publicKey.toBase58(), computeUnitPriceMicroLamports: 1, prioritizationFeeLamports: 1 },
  ]) {
    const res = await fetch(`${net.url}/swap`, { method: 'POST', body: JSON.stringify(body) });
    assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
  }
  const garbage = await fetch(`${net.url}/swap`, { method: 'POST', body: '{' });
  assert.equal(garbage.status, 400);

  // A forged quote asking for 10x the output: the transaction carries what the pool pays.
  const forged = { ...q, outAmount: (BigInt(q.outAmount) * 10n).toString() };
  const { json: s } = await swap(forged, user);
  const tx = decodeSwap(s);
  tx.sign([user]);
  const sig = await conn.sendRawTransaction(tx.serialize());
  await conn.confirmTransaction({ signature: sig, blockhash: tx.message.recentBlockhash, lastValidBlockHeight: s.lastValidBlockHeight }, 'processed');
  assert.equal(await tokenAmount(user.publicKey, gamma.mint), q.outAmount);
});
