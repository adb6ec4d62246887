'use strict';
// A Jito-compatible block engine (POST /api/v1/bundles): sendBundle,
// getBundleStatuses, getInflightBundleStatuses, getTipAccounts.
//
// A bundle is 1-5 transactions executed in order in one slot, all or
// nothing: the states of every account the bundle names are saved first and
// restored if any transaction is refused or fails, and no record is
// committed until all succeeded. A bundle must pay a tip: a System transfer
// of at least MIN_TIP_LAMPORTS to one of the tip accounts (refused at once
// otherwise, with -32602). Its id is Jito's: the hex SHA-256 of the first
// signatures (base58) joined by commas.

const crypto = require('crypto');
const bs58 = require('bs58');
const { invalidParams } = require('./json');
const { decodeTransaction, WireError } = require('./wire');
const programs = require('./programs');
const P = require('./rpc_params');

const MAX_BUNDLE_TRANSACTIONS = 5;
const MIN_TIP_LAMPORTS = 1000n;
const TIP_SET = new Set(programs.JITO_TIP_ACCOUNTS);

function bundleIdOf(signatures) {
  return crypto.createHash('sha256').update(signatures.join(',')).digest('hex');
}

// The tip a transaction pays (sum of qualifying transfers), in lamports.
function tipOf(tx, keys) {
  let tip = 0n;
  for (const ix of tx.message.instructions) {
    if (keys[ix.programIdIndex] !== programs.SYSTEM_PROGRAM || ix.data.length !== 12 || ix.data.readUInt32LE(0) !== 2 || ix.accounts.length < 2) {
      continue;
    }
    if (TIP_SET.has(keys[ix.accounts[1]])) {
      tip += ix.data.readBigUInt64LE(4);
    }
  }
  return tip;
}

class BlockEngine {
  constructor({ chain, faults, log }) {
    this.chain = chain;
    this.faults = faults;
    this.log = log;
    this.bundles = new Map(); // id -> { id, signatures, status, slot, error }
    // Tip accounts exist on mainnet; a tip to a missing account would fail
    // the rent check, so they are created rent-exempt.
    const rent0 = chain.rentExemptMinimum(0);
    for (const a of programs.JITO_TIP_ACCOUNTS) {
      chain.setAccount(Buffer.from(bs58.decode(a)), { lamports: rent0 });
    }
  }

  methods() {
    return {
      getTipAccounts: () => [...programs.JITO_TIP_ACCOUNTS],
      sendBundle: (params) => this.sendBundle(params),
      getBundleStatuses: (params) => this.statuses(params, false),
      getInflightBundleStatuses: (params) => this.statuses(params, true),
    };
  }

  sendBundle(params) {
    const p = P.list(params);
    const cfg = P.config(p, 1);
    const encoding = P.oneOf(cfg, 'encoding', ['base58', 'base64'], 'base58');
    if (!Array.isArray(p[0]) || p[0].length === 0 || p[0].length > MAX_BUNDLE_TRANSACTIONS) {
      throw invalidParams(`bundle must contain 1 to ${MAX_BUNDLE_TRANSACTIONS} transactions, found ${Array.isArray(p[0]) ? p[0].length : JSON.stringify(p[0])}`);
    }
    const txs = p[0].map((text, i) => {
      try {
        return decodeTransaction(text, encoding);
      } catch (e) {
        if (e instanceof WireError) {
          throw invalidParams(`transaction ${i}: ${e.message}`);
        }
        throw e;
      }
    });
    const signatures = txs.map((t) => t.signature);
    if (new Set(signatures).size !== signatures.length) {
      throw invalidParams('bundle contains the same transaction twice');
    }
    let tip = 0n;
    for (const tx of txs) {
      const r = this.chain.resolveKeys(tx.message);
      if (!r.error) {
        tip += tipOf(tx, r.keys);
      }
    }
    if (tip < MIN_TIP_LAMPORTS) {
      throw invalidParams(`bundle pays a tip of ${tip} lamports: it must transfer at least ${MIN_TIP_LAMPORTS} lamports to one of the tip accounts (getTipAccounts)`);
    }
    const id = bundleIdOf(signatures);
    const known = this.bundles.get(id);
    if (known && known.status !== 'Failed' && known.status !== 'Invalid') {
      return id;
    }
    const entry = { id, signatures, status: 'Pending', slot: null, error: null, receivedSlot: this.chain.slot };
    this.bundles.set(id, entry);
    if (this.faults.roll('drop_send_share')) {
      entry.status = 'Invalid';
      entry.error = 'fault drop_send_share';
      return id;
    }
    const late = this.faults.get('land_late_slots');
    if (late > 0 && this.faults.roll('land_late_share')) {
      this.chain.schedule(late, () => this.run(entry, txs));
      return id;
    }
    this.run(entry, txs);
    return id;
  }

  run(entry, txs) {
    const { chain } = this;
    const keyBytes = new Map();
    for (const tx of txs) {
      const r = chain.resolveKeys(tx.message);
      for (const k of r.keys || tx.message.accountKeys.map((b) => bs58.encode(b))) {
        keyBytes.set(k, Buffer.from(bs58.decode(k)));
      }
    }
    const saved = chain.saveAccounts([...keyBytes.values()]);
    const records = [];
    for (let i = 0; i < txs.length; i++) {
      const out = chain.execute(txs[i], { source: 'bundle', bundleId: entry.id, commit: false });
      const failure = !out.landed ? out.error.text : out.record.err ? out.record.errText : null;
      if (failure) {
        chain.restoreAccounts(saved);
        entry.status = 'Failed';
        entry.error = `transaction ${i} (${txs[i].signature}): ${failure}`;
        this.log(`bundle ${entry.id} failed, nothing landed: ${entry.error}`);
        return;
      }
      records.push(out.record);
    }
    for (const r of records) {
      chain.commit(r);
    }
    entry.status = 'Landed';
    entry.slot = chain.slot;
  }

  statuses(params, inflight) {
    const p = P.list(params);
    if (!Array.isArray(p[0]) || p[0].length === 0 || p[0].length > 5) {
      throw invalidParams('expected an array of 1 to 5 bundle ids');
    }
    for (const id of p[0]) {
      if (typeof id !== 'string' || !/^[0-9a-f]{64}$/.test(id)) {
        throw invalidParams(`bundle id must be 64 lowercase hex digits, found ${JSON.stringify(id)}`);
      }
    }
    const slot = this.chain.slot;
    const value = p[0].map((id) => {
      const b = this.bundles.get(id);
      if (inflight) {
        return { bundle_id: id, status: b ? b.status : 'Invalid', landed_slot: b && b.status === 'Landed' ? b.slot : null };
      }
      if (!b || b.status !== 'Landed') {
        return null;
      }
      return {
        bundle_id: id, transactions: b.signatures, slot: b.slot,
        confirmation_status: this.chain.statusOf({ slot: b.slot }, slot).confirmationStatus,
        err: { Ok: null },
      };
    });
    return { context: { slot }, value };
  }

  describe() {
    return [...this.bundles.values()].map((b) => ({
      bundle_id: b.id, status: b.status, transactions: b.signatures, landed_slot: b.slot, received_slot: b.receivedSlot, error: b.error,
    }));
  }
}

module.exports = { BlockEngine, bundleIdOf, MIN_TIP_LAMPORTS };
