'use strict';
// getTransaction's meta agrees with the balances a client reads, token
// balances carry decimal strings; accounts read back jsonParsed; the other
// reads a trading host uses (simulateTransaction, prioritization fees,
// signatures for an address, token accounts by owner).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const bs58 = require('bs58');
const web3 = require('@solana/web3.js');
const spl = require('@solana/spl-token');
const H = require('../harness');

const SOL = 'So11111111111111111111111111111111111111112';
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

async function buy(user, pool, lamports, extra = {}) {
  const q = await (await fetch(`${net.url}/quote?inputMint=${SOL}&outputMint=${pool.mint}&amount=${lamports}&slippageBps=100`)).json();
  const s = await (await fetch(`${net.url}/swap`, {
    method: 'POST', body: JSON.stringify({ quoteResponse: q, userPublicKey: user.publicKey.toBase58(), ...extra }),
  })).json();
  const tx = web3.VersionedTransaction.deserialize(Buffer.from(s.swapTransaction, 'base64'));
  tx.sign([user]);
  const sig = await conn.sendRawTransaction(tx.serialize());
  await conn.confirmTransaction({ signature: sig, blockhash: tx.message.recentBlockhash, lastValidBlockHeight: s.lastValidBlockHeight }, 'confirmed');
  return { q, tx, sig };
}

test('getTransaction of a swap: balances, token balances, fee, logs match what clients read', async () => {
  const gamma = pools[2]; // 9 decimals
  const user = await H.fundedKeypair(net.url, 3);
  const before = await conn.getBalance(user.publicKey);
  const { q, tx, sig } = await buy(user, gamma, 250_000_000, { computeUnitPriceMicroLamports: 5000 });
  const t = await conn.getTransaction(sig, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
  assert.equal(t.version, 0);
  assert.equal(t.meta.err, null);
  assert.equal(t.meta.fee, 10000 + 500);
  const keys = t.transaction.message.staticAccountKeys.map((k) => k.toBase58());
  assert.equal(keys[0], user.publicKey.toBase58());
  const after = await conn.getBalance(user.publicKey);
  assert.equal(t.meta.preBalances[0], before);
  assert.equal(t.meta.postBalances[0], after);
  assert.equal(t.meta.preBalances.length, keys.length);
  const poolIdx = keys.indexOf(gamma.pool);
  assert.equal(t.meta.postBalances[poolIdx] - t.meta.preBalances[poolIdx], Number(q.inAmount));
  const ata = spl.getAssociatedTokenAddressSync(new web3.PublicKey(gamma.mint), user.publicKey).toBase58();
  const post = t.meta.postTokenBalances.find((b) => keys[b.accountIndex] === ata);
  assert.equal(post.mint, gamma.mint);
  assert.equal(post.owner, user.publicKey.toBase58());
  assert.equal(post.programId, spl.TOKEN_PROGRAM_ID.toBase58());
  assert.equal(post.uiTokenAmount.amount, q.outAmount);
  assert.equal(typeof post.uiTokenAmount.amount, 'string');
  assert.equal(post.uiTokenAmount.decimals, 9);
  const padded = q.outAmount.padStart(10, '0');
  const frac = padded.slice(-9).replace(/0+$/, '');
  assert.equal(post.uiTokenAmount.uiAmountString, frac ? `${padded.slice(0, -9)}.${frac}` : padded.slice(0, -9));
  assert.equal(post.uiTokenAmount.uiAmount, Number(post.uiTokenAmount.uiAmountString));
  assert.ok(!t.meta.preTokenBalances.some((b) => keys[b.accountIndex] === ata), 'the ATA did not exist before');
  const vault = t.meta.preTokenBalances.find((b) => keys[b.accountIndex] === gamma.token_vault);
  const vaultPost = t.meta.postTokenBalances.find((b) => keys[b.accountIndex] === gamma.token_vault);
  assert.equal(BigInt(vault.uiTokenAmount.amount) - BigInt(vaultPost.uiTokenAmount.amount), BigInt(q.outAmount));
  assert.ok(t.meta.logMessages.some((l) => l.includes('Program ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL')));
  assert.ok(t.meta.innerInstructions.length > 0, 'the ATA program made inner instructions');
  assert.ok(t.meta.computeUnitsConsumed > 0);
  assert.equal((await conn.getTokenAccountBalance(new web3.PublicKey(ata))).value.amount, post.uiTokenAmount.amount);

  // Raw JSON: base64 encoding gives back the exact bytes; v0 needs maxSupportedTransactionVersion.
  const raw = await H.rpc(net.url, 'getTransaction', [sig, { encoding: 'base64', commitment: 'confirmed', maxSupportedTransactionVersion: 0 }]);
  assert.equal(raw.transaction[0], Buffer.from(tx.serialize()).toString('base64'));
  assert.equal(raw.meta.status.Ok, null);
  const noVersion = await H.post(net.url, { jsonrpc: '2.0', id: 1, method: 'getTransaction', params: [sig, { commitment: 'confirmed' }] });
  assert.equal(noVersion.json.error.code, -32015);
  const processed = await H.post(net.url, { jsonrpc: '2.0', id: 1, method: 'getTransaction', params: [sig, { commitment: 'processed' }] });
  assert.equal(processed.json.error.code, -32602);
  assert.equal(await H.rpc(net.url, 'getTransaction', [bs58.encode(Buffer.alloc(64, 7)), { commitment: 'confirmed' }]), null);
});

test('getTransaction of a failed legacy transfer: err set, only the fee moved', async () => {
  const payer = await H.fundedKeypair(net.url, 1);
  const to = web3.Keypair.generate().publicKey;
  const bh = await conn.getLatestBlockhash('processed');
  const tx = new web3.Transaction({ feePayer: payer.publicKey, ...bh })
    .add(web3.SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 2 * web3.LAMPORTS_PER_SOL }));
  tx.sign(payer);
  const sig = await conn.sendRawTransaction(tx.serialize(), { skipPreflight: true });
  const t = await H.waitFor(() => conn.getTransaction(sig, { commitment: 'confirmed' }), { what: 'getTransaction' });
  assert.equal(t.version, undefined, 'no version field without maxSupportedTransactionVersion');
  assert.deepEqual(t.meta.err, { InstructionError: [0, { Custom: 1 }] });
  assert.equal(t.meta.preBalances[0] - t.meta.postBalances[0], t.meta.fee);
  assert.equal(t.meta.postBalances[1], 0);
  assert.deepEqual(t.meta.preTokenBalances, []);
  assert.equal(await conn.getBalance(payer.publicKey), t.meta.postBalances[0]);
});

test('getAccountInfo jsonParsed for token accounts and mints; token accounts by owner; largest accounts', async () => {
  const alpha = pools[0];
  const user = web3.Keypair.generate();
  const given = await H.admin(net.url, '/admin/airdrop', { pubkey: user.publicKey.toBase58(), mint: alpha.mint, amount: '1234500000' });
  const acc = await conn.getParsedAccountInfo(new web3.PublicKey(given.ata));
  const info = acc.value.data.parsed.info;
  assert.equal(acc.value.data.program, 'spl-token');
  assert.equal(acc.value.data.parsed.type, 'account');
  assert.equal(info.owner, user.publicKey.toBase58());
  assert.equal(info.tokenAmount.amount, '1234500000');
  assert.equal(info.tokenAmount.uiAmountString, '1234.5');
  const mint = await conn.getParsedAccountInfo(new web3.PublicKey(alpha.mint));
  assert.equal(mint.value.data.parsed.type, 'mint');
  assert.equal(mint.value.data.parsed.info.decimals, 6);
  assert.equal(typeof mint.value.data.parsed.info.supply, 'string');
  const byOwner = await conn.getTokenAccountsByOwner(user.publicKey, { mint: new web3.PublicKey(alpha.mint) });
  assert.equal(byOwner.value.length, 1);
  assert.equal(byOwner.value[0].pubkey.toBase58(), given.ata);
  const largest = await conn.getTokenLargestAccounts(new web3.PublicKey(alpha.mint));
  assert.equal(largest.value[0].address.toBase58(), alpha.token_vault);
  const mintInfo = await spl.getMint(conn, new web3.PublicKey(alpha.mint));
  assert.equal(mintInfo.decimals, 6);
  const raw = await conn.getAccountInfo(new web3.PublicKey(given.ata));
  assert.equal(raw.data.length, 165);
  assert.ok(raw.owner.equals(spl.TOKEN_PROGRAM_ID));
});

test('simulateTransaction, prioritization fees, signatures for an address', async () => {
  const payer = await H.fundedKeypair(net.url, 1);
  const to = web3.Keypair.generate().publicKey;
  // An unsigned transaction with a made-up blockhash simulates with replaceRecentBlockhash.
  const msg = new web3.TransactionMessage({
    payerKey: payer.publicKey, recentBlockhash: bs58.encode(Buffer.alloc(32, 9)),
    instructions: [web3.SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 5_000_000 })],
  }).compileToV0Message();
  const unsigned = new web3.VersionedTransaction(msg);
  const sim = await conn.simulateTransaction(unsigned, { replaceRecentBlockhash: true, sigVerify: false, accounts: { addresses: [to.toBase58()], encoding: 'base64' } });
  assert.equal(sim.value.err, null);
  assert.equal(sim.value.accounts[0].lamports, 5_000_000);
  assert.ok(sim.value.logs.length > 0);
  const stale = await H.rpc(net.url, 'simulateTransaction', [H.b64(unsigned), { encoding: 'base64' }]);
  assert.equal(stale.value.err, 'BlockhashNotFound');

  const bh = (await H.latestBlockhash(net.url)).blockhash;
  const prio = H.transferTx({ from: payer, to, lamports: 5_000_000, blockhash: bh, extra: [web3.ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 777 })] });
  const sig = await H.rpc(net.url, 'sendTransaction', [H.b64(prio), { encoding: 'base64' }]);
  const fees = await conn.getRecentPrioritizationFees({ lockedWritableAccounts: [to] });
  assert.ok(fees.some((f) => f.prioritizationFee === 777));
  assert.ok(fees.length <= 150);
  const sigs = await H.waitFor(async () => {
    const list = await conn.getSignaturesForAddress(to, {}, 'confirmed');
    return list.length && list;
  }, { what: 'signatures for address' });
  assert.equal(sigs[0].signature, sig);
  assert.equal(sigs[0].err, null);
});
