'use strict';
// Admin endpoints for tests and users (loopback only, no authentication):
// faults, landed and dropped transactions, pools, bundles, airdrops of SOL
// and pool tokens, moving the clock forward, closing WebSockets.

const web3 = require('@solana/web3.js');
const { HttpError } = require('./pools');
const { parseU64 } = require('./json');

function landedJson(r) {
  return {
    signature: r.signature, slot: r.slot, block_height: r.blockHeight, fee_payer: r.keys[0], err: r.err,
    source: r.source, bundle_id: r.bundleId, memo: r.memo, fee: r.fee.toString(), account_keys: r.keys,
  };
}

function pubkeyField(body, key) {
  try {
    return new web3.PublicKey(body[key]);
  } catch (e) {
    throw new HttpError(400, `${key} must be a base58 public key, found ${JSON.stringify(body[key])}`);
  }
}

function u64Field(body, key) {
  try {
    return parseU64(body[key], key);
  } catch (e) {
    throw new HttpError(400, e.message);
  }
}

// Returns { status, body } for a path under /admin/, or null if unknown.
function handleAdmin(ctx, method, path, query, body) {
  const { chain, faults, pools, faucet, engine, endpoints } = ctx;
  const route = `${method} ${path}`;
  switch (route) {
    case 'GET /admin/state': {
      return {
        status: 200,
        body: {
          slot: chain.slot, block_height: chain.height, blockhash: chain.blockhashAt(chain.height).blockhash,
          slot_ms: ctx.slotMs, landed: chain.landed.size, dropped: chain.dropped.length,
          scheduled: chain.scheduled.length, bundles: engine.bundles.size, faults: faults.config, fault_hits: faults.counts,
          websocket_clients: endpoints.reduce((n, e) => n + e.pubsub.clients.size, 0),
          faucet: faucet.keypair.publicKey.toBase58(), endpoints: endpoints.map((e) => e.describe()),
        },
      };
    }
    case 'GET /admin/faults':
      return { status: 200, body: faults.config };
    case 'POST /admin/faults': {
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new HttpError(400, 'the body must be a JSON object of faults');
      }
      const next = { ...body };
      const reset = next.reset === true;
      delete next.reset;
      try {
        if (reset) {
          faults.reset();
        }
        faults.update(next);
      } catch (e) {
        throw new HttpError(400, e.message);
      }
      return { status: 200, body: faults.config };
    }
    case 'POST /admin/close-websockets':
      return { status: 200, body: { closed: endpoints.reduce((n, e) => n + e.pubsub.closeAll(), 0) } };
    case 'GET /admin/landed': {
      const since = query.get('since_slot') === null ? 0 : Number(query.get('since_slot'));
      const payer = query.get('fee_payer');
      const source = query.get('source');
      const list = chain.landedOrder
        .filter((r) => r.slot >= since && (!payer || r.keys[0] === payer) && (!source || r.source === source))
        .map(landedJson);
      return { status: 200, body: list };
    }
    case 'GET /admin/dropped':
      return { status: 200, body: chain.dropped };
    case 'GET /admin/bundles':
      return { status: 200, body: engine.describe() };
    case 'GET /admin/pools':
      return { status: 200, body: pools.describe() };
    case 'POST /admin/airdrop': {
      if (body === null || typeof body !== 'object') {
        throw new HttpError(400, 'the body must be { pubkey, lamports } or { pubkey, mint, amount }');
      }
      const owner = pubkeyField(body, 'pubkey');
      const out = {};
      if (body.lamports !== undefined) {
        const res = faucet.airdrop(owner.toBytes(), u64Field(body, 'lamports'));
        if (!res.landed) {
          throw new HttpError(400, `airdrop refused: ${res.error.text}`);
        }
        out.signature = res.signature;
      }
      if (body.mint !== undefined) {
        Object.assign(out, pools.mintTo(owner, String(body.mint), u64Field(body, 'amount')));
      }
      if (body.lamports === undefined && body.mint === undefined) {
        throw new HttpError(400, 'give lamports and/or mint + amount');
      }
      return { status: 200, body: out };
    }
    case 'POST /admin/advance': {
      const slots = body && body.slots;
      if (!Number.isInteger(slots) || slots < 1 || slots > 100000) {
        throw new HttpError(400, `slots must be an integer in [1, 100000], found ${JSON.stringify(slots)}`);
      }
      for (let i = 0; i < slots; i++) {
        chain.advance();
      }
      return { status: 200, body: { slot: chain.slot, block_height: chain.height } };
    }
    default:
      return null;
  }
}

module.exports = { handleAdmin };
