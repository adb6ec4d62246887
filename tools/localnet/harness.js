'use strict';
// For Node tests (test/ here, and any other Node test that needs a chain):
// starts tools/localnet/start.sh as a real subprocess on a free port and
// talks to it: raw JSON-RPC, admin endpoints, transfers. Kept out of test/
// so that `node --test tools/localnet/test/` does not run it as a test file.

const { spawn } = require('child_process');
const path = require('path');
const readline = require('readline');
const web3 = require('@solana/web3.js');

const START = path.join(__dirname, 'start.sh');
const LAMPORTS_PER_SOL = 1_000_000_000;

// Resolves to { url, lines: {ws, lag_http, ...}, proc, stop(), stderr() }.
function startLocalnet({ slotMs = 20, args = [] } = {}) {
  const proc = spawn('bash', [START, '--port', '0', '--slot-ms', String(slotMs), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: proc.stdout });
    const lines = [];
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`localnet did not start in 20 s; stderr:\n${stderr}`));
    }, 20000);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`localnet exited with ${code} before serving; stderr:\n${stderr}`));
    });
    rl.on('line', (line) => {
      lines.push(line);
      const wantLag = args.includes('--lag-port');
      if (lines.length === (wantLag ? 4 : 2)) {
        clearTimeout(timer);
        proc.removeAllListeners('exit');
        const named = {};
        for (const l of lines.slice(1)) {
          const i = l.indexOf('=');
          named[l.slice(0, i)] = l.slice(i + 1);
        }
        resolve({
          url: lines[0],
          lines: named,
          proc,
          stderr: () => stderr,
          stop: () => stop(proc),
        });
      }
    });
  });
}

function stop(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) {
      resolve(proc.exitCode);
      return;
    }
    proc.once('exit', (code, signal) => resolve(code === null ? signal : code));
    proc.kill('SIGTERM');
  });
}

async function post(url, body, { raw = false } = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: raw ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

async function rpc(url, method, params) {
  const res = await post(url, { jsonrpc: '2.0', id: 1, method, params });
  if (res.json.error) {
    const e = new Error(`${method}: ${res.json.error.message}`);
    e.rpc = res.json.error;
    throw e;
  }
  return res.json.result;
}

async function admin(url, route, body) {
  const res = body === undefined ? await fetch(`${url}${route}`) : await fetch(`${url}${route}`, { method: 'POST', body: JSON.stringify(body) });
  const json = await res.json();
  if (res.status !== 200) {
    throw new Error(`${route}: HTTP ${res.status}: ${JSON.stringify(json)}`);
  }
  return json;
}

async function fundedKeypair(url, sol = 10) {
  const kp = web3.Keypair.generate();
  await admin(url, '/admin/airdrop', { pubkey: kp.publicKey.toBase58(), lamports: sol * LAMPORTS_PER_SOL });
  return kp;
}

async function latestBlockhash(url) {
  return (await rpc(url, 'getLatestBlockhash', [{ commitment: 'processed' }])).value;
}

function transferTx({ from, to, lamports, blockhash, extra = [] }) {
  const msg = new web3.TransactionMessage({
    payerKey: from.publicKey,
    recentBlockhash: blockhash,
    instructions: [...extra, web3.SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to, lamports })],
  }).compileToV0Message();
  const tx = new web3.VersionedTransaction(msg);
  tx.sign([from]);
  return tx;
}

function b64(tx) {
  return Buffer.from(tx.serialize()).toString('base64');
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// Polls fn until it returns a truthy value (or throws after timeoutMs).
async function waitFor(fn, { timeoutMs = 10000, everyMs = 20, what = 'condition' } = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) {
      return v;
    }
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(everyMs);
  }
}

// web3.js reconnects its WebSocket forever once the server is gone (also
// while a subscription it no longer needs is still pending): turn automatic
// reconnection off and close it before stopping the server. First let it
// finish tearing down its subscriptions (up to 5 s): an unsubscribe that
// meets a socket already CLOSING is retried by web3.js 1.x at once, in a
// loop that starves the event loop and hangs the test (seen under load,
// when confirmTransaction gave up on a signature just before the close).
async function closeConnection(conn) {
  const ws = conn && conn._rpcWebSocket;
  if (!ws) {
    return;
  }
  const end = Date.now() + 5000;
  while (Object.keys(conn._subscriptionsByHash || {}).length > 0 && Date.now() < end) {
    await sleep(10);
  }
  ws.setAutoReconnect(false);
  ws.close();
}

async function statusOf(url, signature) {
  return (await rpc(url, 'getSignatureStatuses', [[signature], { searchTransactionHistory: true }])).value[0];
}

module.exports = {
  startLocalnet, closeConnection, post, rpc, admin, fundedKeypair, latestBlockhash, transferTx, b64, sleep, waitFor, statusOf, LAMPORTS_PER_SOL,
};
