'use strict';
// Solana PubSub over WebSocket for one endpoint: signatureSubscribe,
// slotSubscribe, accountSubscribe, logsSubscribe and their unsubscribes.
//
// A notification goes out when its slot is deep enough for the
// subscription's commitment as this endpoint sees the chain (lagging
// endpoints see it later). Account notifications carry the account's latest
// state (no history is kept). Fault ws_close_share replaces a notification
// with an abrupt close of its socket.

const bs58 = require('bs58');
const { WebSocketServer } = require('ws');
const { stringify, invalidParams } = require('./json');
const { handleJsonRpc } = require('./jsonrpc');
const { Chain, FINALIZED_DEPTH } = require('./chain');
const { accountJson } = require('./records');
const programs = require('./programs');
const P = require('./rpc_params');

const MAX_PAYLOAD = 1 << 20;

class PubSub {
  constructor({ chain, faults, log }, lag) {
    this.chain = chain;
    this.faults = faults;
    this.log = log;
    this.lag = lag;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });
    this.clients = new Set();
    this.subs = new Map(); // id -> subscription
    this.nextId = 1;
    this.pending = []; // { sub, slot, record? } waiting for their commitment
    this.methods = this.makeMethods();
    this.onSlot = () => this.flush(true);
    this.onLanded = (record) => this.landed(record);
    chain.on('slot', this.onSlot);
    chain.on('landed', this.onLanded);
  }

  handleUpgrade(req, socket, head) {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws));
  }

  connected(ws) {
    this.clients.add(ws);
    ws.on('message', (data, isBinary) => this.message(ws, data, isBinary));
    ws.on('close', () => this.disconnected(ws));
    ws.on('error', () => this.disconnected(ws));
  }

  disconnected(ws) {
    this.clients.delete(ws);
    for (const [id, sub] of this.subs) {
      if (sub.ws === ws) {
        this.subs.delete(id);
      }
    }
    this.pending = this.pending.filter((p) => p.sub.ws !== ws);
  }

  message(ws, data, isBinary) {
    if (isBinary) {
      ws.send(stringify({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: binary frames are not JSON-RPC' }, id: null }));
      return;
    }
    const out = handleJsonRpc(data.toString('utf8'), this.methods, ws, this.log);
    if (out.body) {
      ws.send(stringify(out.body));
    }
    // A subscription may be satisfied already: deliver after its id went out.
    this.flush(false);
  }

  closeAll() {
    const n = this.clients.size;
    for (const ws of [...this.clients]) {
      ws.terminate();
    }
    return n;
  }

  tipSlot() {
    return this.chain.slot - Math.min(this.lag(), this.chain.slot);
  }

  subscribe(ws, kind, fields) {
    const id = this.nextId++;
    this.subs.set(id, { id, ws, kind, ...fields });
    return id;
  }

  unsubscribe(kind, params, ws) {
    const p = P.list(params);
    const id = p[0];
    const sub = this.subs.get(id);
    if (!Number.isSafeInteger(id) || !sub || sub.kind !== kind || sub.ws !== ws) {
      throw invalidParams('Invalid subscription id.');
    }
    this.subs.delete(id);
    this.pending = this.pending.filter((e) => e.sub.id !== id);
    return true;
  }

  makeMethods() {
    return {
      signatureSubscribe: (params, ws) => {
        const p = P.list(params);
        const signature = P.signature(p[0]);
        const cfg = P.config(p, 1);
        const depth = P.commitmentDepth(cfg);
        P.bool(cfg, 'enableReceivedNotification', false);
        return this.subscribe(ws, 'signature', { signature, depth });
      },
      signatureUnsubscribe: (params, ws) => this.unsubscribe('signature', params, ws),
      slotSubscribe: (params, ws) => this.subscribe(ws, 'slot', {}),
      slotUnsubscribe: (params, ws) => this.unsubscribe('slot', params, ws),
      accountSubscribe: (params, ws) => {
        const p = P.list(params);
        const key = bs58.encode(P.pubkey(p[0], 'pubkey'));
        const cfg = P.config(p, 1);
        const depth = P.commitmentDepth(cfg);
        const encoding = P.oneOf(cfg, 'encoding', P.ACCOUNT_ENCODINGS, 'base64');
        return this.subscribe(ws, 'account', { key, depth, encoding });
      },
      accountUnsubscribe: (params, ws) => this.unsubscribe('account', params, ws),
      logsSubscribe: (params, ws) => {
        const p = P.list(params);
        let mentions = null;
        if (p[0] === 'all' || p[0] === 'allWithVotes') {
          mentions = null;
        } else if (p[0] && typeof p[0] === 'object' && Array.isArray(p[0].mentions) && p[0].mentions.length === 1) {
          mentions = bs58.encode(P.pubkey(p[0].mentions[0], 'mentions[0]'));
        } else {
          throw invalidParams('Invalid param: filter must be "all", "allWithVotes" or { "mentions": [one base58 address] }');
        }
        const depth = P.commitmentDepth(P.config(p, 1));
        return this.subscribe(ws, 'logs', { mentions, depth });
      },
      logsUnsubscribe: (params, ws) => this.unsubscribe('logs', params, ws),
    };
  }

  landed(record) {
    const writable = new Set(record.keys.filter((k, i) => record.writable[i]));
    for (const sub of this.subs.values()) {
      if (sub.kind === 'account' && writable.has(sub.key)) {
        if (!this.pending.some((e) => e.sub === sub && e.slot === record.slot)) {
          this.pending.push({ sub, slot: record.slot });
        }
      } else if (sub.kind === 'logs' && (sub.mentions === null || record.keys.includes(sub.mentions))) {
        this.pending.push({ sub, slot: record.slot, record });
      }
    }
    this.flush(false);
  }

  // Sends what became deliverable. slotTick: a new slot was made.
  flush(slotTick) {
    const tip = this.tipSlot();
    if (slotTick) {
      for (const sub of [...this.subs.values()]) {
        if (sub.kind === 'slot') {
          this.notify(sub, 'slotNotification', { parent: tip - 1, root: Math.max(0, tip - FINALIZED_DEPTH), slot: tip });
        }
      }
    }
    for (const sub of [...this.subs.values()]) {
      if (sub.kind !== 'signature') {
        continue;
      }
      const r = this.chain.landed.get(sub.signature);
      if (r && r.slot <= tip && Chain.reachedCommitment(r, tip, sub.depth)) {
        this.subs.delete(sub.id); // signature subscriptions end after one notification
        this.notify(sub, 'signatureNotification', { context: { slot: tip }, value: { err: r.err } });
      }
    }
    if (this.pending.length === 0) {
      return;
    }
    const keep = [];
    for (const e of this.pending) {
      if (!this.subs.has(e.sub.id)) {
        continue;
      }
      if (e.slot > tip || tip - e.slot < e.sub.depth) {
        keep.push(e);
        continue;
      }
      if (e.sub.kind === 'account') {
        const a = this.chain.getAccount(Buffer.from(bs58.decode(e.sub.key)));
        const value = a ? safeAccountJson(this.chain, a, e.sub.encoding) : {
          data: ['', 'base64'], executable: false, lamports: 0, owner: programs.SYSTEM_PROGRAM, rentEpoch: 0, space: 0,
        };
        this.notify(e.sub, 'accountNotification', { context: { slot: tip }, value });
      } else {
        this.notify(e.sub, 'logsNotification', {
          context: { slot: tip }, value: { signature: e.record.signature, err: e.record.err, logs: e.record.logs },
        });
      }
    }
    this.pending = keep;
  }

  notify(sub, method, result) {
    const { ws } = sub;
    if (ws.readyState !== ws.OPEN) {
      return;
    }
    if (this.faults.roll('ws_close_share')) {
      ws.terminate();
      return;
    }
    ws.send(stringify({ jsonrpc: '2.0', method, params: { result, subscription: sub.id } }));
  }

  close() {
    this.chain.off('slot', this.onSlot);
    this.chain.off('landed', this.onLanded);
    this.closeAll();
    this.wss.close();
  }
}

function safeAccountJson(chain, account, encoding) {
  try {
    return accountJson(chain, account, encoding);
  } catch (e) {
    return accountJson(chain, account, 'base64');
  }
}

module.exports = { PubSub };
