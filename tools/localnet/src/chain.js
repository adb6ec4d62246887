'use strict';
// The chain: one litesvm instance, a clock that makes slots, the blockhash
// window, and the execution of wire transactions into landed records.
//
// Differences from litesvm's own behaviour that this class adds, and why:
// - litesvm accepts only its latest blockhash; a validator accepts any of the
//   last 151 blocks. litesvm's check is off and this class enforces the
//   window (MAX_PROCESSING_AGE) from its own blockhash-by-height table.
// - litesvm's transaction history is off (capacity 0) so that a bundle that
//   was rolled back can be sent again; this class is the status cache
//   (AlreadyProcessed) instead.
// - Block height = slot - SLOT_LEAD: the two differ, as on mainnet, so a
//   client that mixes them up fails here too.
// Everything runs on the event loop's one thread: no request interleaves
// with another or with a slot tick.

const { EventEmitter } = require('events');
const bs58 = require('bs58');
const { LiteSvm, Account, FailedTransactionMetadata } = require('litesvm/dist/internal');
const programs = require('./programs');
const { TxError, fromLiteSvm } = require('./tx_errors');
const { writableFlags } = require('./wire');
const { snapshotAccounts, tokenBalances, innerInstructionsJson, memoOf } = require('./records');

const MAX_PROCESSING_AGE = 150; // a blockhash is valid while height - its height <= 150
const STATUS_CACHE_SLOTS = 300; // signatures found without searchTransactionHistory
const CONFIRMED_DEPTH = 1; // slots until "confirmed"
const FINALIZED_DEPTH = 32; // slots until "finalized"
const SLOT_LEAD = 1000;
const GENESIS_BLOCKS = 300; // history made at start, so old blockhashes exist at once
const KEEP_BLOCKHASHES = 1000;
const ALT_PROGRAM = 'AddressLookupTab1e1111111111111111111111111';
const ALT_META_SIZE = 56;

const COMMITMENT_DEPTH = {
  processed: 0, recent: 0,
  confirmed: CONFIRMED_DEPTH, single: CONFIRMED_DEPTH, singleGossip: CONFIRMED_DEPTH,
  finalized: FINALIZED_DEPTH, root: FINALIZED_DEPTH, max: FINALIZED_DEPTH,
};

class Chain extends EventEmitter {
  constructor({ log } = {}) {
    super();
    this.log = log || (() => {});
    this.svm = new LiteSvm();
    this.svm.setBlockhashCheck(false);
    this.svm.setTransactionHistory(0n);
    this.height = 0;
    this.slot = SLOT_LEAD;
    this.svm.warpToSlot(BigInt(this.slot));
    this.hashByHeight = new Map();
    this.heightByHash = new Map();
    this.recordBlockhash();
    for (let i = 0; i < GENESIS_BLOCKS; i++) {
      this.advance(false);
    }
    this.genesisHash = this.hashByHeight.get(0);
    this.landed = new Map(); // signature -> record
    this.landedOrder = [];
    this.bySlot = new Map(); // slot -> [record], for prioritization fees
    this.dropped = []; // accepted but never landed: { signature, slot, reason }
    this.scheduled = []; // { dueSlot, run }
    this.guards = []; // (tx, keys) -> TxError-with-logs | null, see pools.js
    this.transactionCount = 0;
  }

  recordBlockhash() {
    const hash = this.svm.latestBlockhash();
    this.hashByHeight.set(this.height, hash);
    this.heightByHash.set(hash, this.height);
    const old = this.height - KEEP_BLOCKHASHES;
    if (this.hashByHeight.has(old)) {
      this.heightByHash.delete(this.hashByHeight.get(old));
      this.hashByHeight.delete(old);
    }
  }

  // One slot: new block height, new blockhash, clock sysvar, then the work
  // scheduled for this slot, then listeners (WebSocket notifications).
  advance(notify = true) {
    this.slot += 1;
    this.height += 1;
    this.svm.warpToSlot(BigInt(this.slot));
    this.svm.expireBlockhash();
    const clock = this.svm.getClock();
    clock.unixTimestamp = BigInt(Math.floor(Date.now() / 1000));
    this.svm.setClock(clock);
    this.recordBlockhash();
    if (!notify) {
      return;
    }
    const due = this.scheduled.filter((j) => j.dueSlot <= this.slot);
    this.scheduled = this.scheduled.filter((j) => j.dueSlot > this.slot);
    for (const job of due) {
      try {
        job.run();
      } catch (e) {
        this.log(`scheduled job failed: ${e.stack || e}`);
      }
    }
    const pruneBefore = this.slot - STATUS_CACHE_SLOTS;
    for (const s of this.bySlot.keys()) {
      if (s < pruneBefore) {
        this.bySlot.delete(s);
      }
    }
    this.emit('slot', this.slot);
  }

  schedule(slots, run) {
    this.scheduled.push({ dueSlot: this.slot + Math.max(1, slots), run });
  }

  // --- views --------------------------------------------------------------

  static commitmentDepth(commitment) {
    if (commitment === undefined || commitment === null) {
      return FINALIZED_DEPTH; // the RPC default
    }
    return COMMITMENT_DEPTH[commitment];
  }

  // Slot and block height as seen at a commitment by an endpoint lagging
  // `lag` slots behind the tip.
  view(lag = 0, depth = 0) {
    const back = Math.min(lag + depth, this.height);
    return { slot: this.slot - back, height: this.height - back };
  }

  blockhashAt(height) {
    const h = Math.max(0, Math.min(height, this.height));
    return { blockhash: this.hashByHeight.get(h), lastValidBlockHeight: h + MAX_PROCESSING_AGE, height: h };
  }

  // Age in blocks of a base58 blockhash at block height `atHeight`, or null
  // when unknown (never made, or from a later block than atHeight).
  blockhashAge(hash, atHeight = this.height) {
    const h = this.heightByHash.get(hash);
    if (h === undefined || h > atHeight) {
      return null;
    }
    return atHeight - h;
  }

  isBlockhashValid(hash, atHeight = this.height) {
    const age = this.blockhashAge(hash, atHeight);
    return age !== null && age <= MAX_PROCESSING_AGE;
  }

  // { confirmations, confirmationStatus } of a record for a viewer at tipSlot.
  statusOf(record, tipSlot) {
    const depth = tipSlot - record.slot;
    if (depth >= FINALIZED_DEPTH) {
      return { confirmations: null, confirmationStatus: 'finalized' };
    }
    return { confirmations: depth, confirmationStatus: depth >= CONFIRMED_DEPTH ? 'confirmed' : 'processed' };
  }

  static reachedCommitment(record, tipSlot, depth) {
    return tipSlot - record.slot >= depth;
  }

  // --- accounts -------------------------------------------------------------

  getAccount(keyBytes) {
    const a = this.svm.getAccount(keyBytes);
    if (!a || (a.lamports() === 0n && a.data().length === 0)) {
      return null;
    }
    return a;
  }

  setAccount(keyBytes, { lamports, data = Buffer.alloc(0), owner = programs.SYSTEM_PROGRAM, executable = false }) {
    const ownerBytes = Buffer.from(bs58.decode(owner));
    this.svm.setAccount(keyBytes, new Account(BigInt(lamports), data, ownerBytes, executable, 0n));
  }

  rentExemptMinimum(dataLen) {
    return this.svm.minimumBalanceForRentExemption(BigInt(dataLen));
  }

  // --- execution --------------------------------------------------------------

  // Static keys then the addresses loaded from lookup tables (writable, then
  // read-only), base58, or a TxError.
  resolveKeys(message) {
    const keys = message.accountKeys.map((k) => bs58.encode(k));
    const loaded = { writable: [], readonly: [] };
    for (const l of message.addressTableLookups) {
      const table = this.svm.getAccount(l.accountKey);
      if (!table) {
        return { error: TxError.named('AddressLookupTableNotFound') };
      }
      if (bs58.encode(Buffer.from(table.owner())) !== ALT_PROGRAM) {
        return { error: TxError.named('InvalidAddressLookupTableOwner') };
      }
      const data = Buffer.from(table.data());
      if (data.length < ALT_META_SIZE || (data.length - ALT_META_SIZE) % 32 !== 0) {
        return { error: TxError.named('InvalidAddressLookupTableData') };
      }
      const count = (data.length - ALT_META_SIZE) / 32;
      const pick = (i) => bs58.encode(data.subarray(ALT_META_SIZE + 32 * i, ALT_META_SIZE + 32 * (i + 1)));
      for (const [indexes, into] of [[l.writableIndexes, loaded.writable], [l.readonlyIndexes, loaded.readonly]]) {
        for (const i of indexes) {
          if (i >= count) {
            return { error: TxError.named('InvalidAddressLookupTableIndex') };
          }
          into.push(pick(i));
        }
      }
    }
    return { keys: [...keys, ...loaded.writable, ...loaded.readonly], loaded };
  }

  feeOf(tx, keys) {
    const programIds = tx.message.instructions.map((ix) => keys[ix.programIdIndex]);
    const budget = programs.computeBudgetOf(programIds, tx.message.instructions);
    return { fee: programs.feeOf(tx.signatures.length, budget), budget };
  }

  // Checks done before the SVM runs a transaction: status cache, blockhash
  // window, lookup tables. Returns { keys, loaded } or { error }.
  precheck(tx, { checkStatus = true, checkBlockhash = true } = {}) {
    if (checkStatus && this.landed.has(tx.signature)) {
      return { error: TxError.named('AlreadyProcessed') };
    }
    if (checkBlockhash && !this.isBlockhashValid(bs58.encode(tx.message.recentBlockhash))) {
      return { error: TxError.named('BlockhashNotFound') };
    }
    return this.resolveKeys(tx.message);
  }

  guardFailure(tx, keys) {
    for (const guard of this.guards) {
      const failure = guard(tx, keys);
      if (failure) {
        return failure;
      }
    }
    return null;
  }

  // Simulates without committing. sigVerify false skips signature checks,
  // replaceBlockhash runs it against the latest blockhash (bytes rewritten;
  // only meaningful without sigVerify). Returns
  // { error: TxError|null, logs, unitsConsumed, returnData, innerInstructions, postAccounts, keys }.
  simulate(tx, { sigVerify = true, replaceBlockhash = false, checkStatus = false } = {}) {
    let bytes = tx.bytes;
    if (replaceBlockhash) {
      bytes = Buffer.from(tx.bytes);
      Buffer.from(bs58.decode(this.svm.latestBlockhash())).copy(bytes, tx.blockhashOffset);
    }
    const pre = this.precheck(tx, { checkStatus, checkBlockhash: !replaceBlockhash });
    const empty = { logs: [], unitsConsumed: 0n, returnData: null, innerInstructions: [], postAccounts: new Map(), keys: pre.keys || [] };
    if (pre.error) {
      return { ...empty, error: pre.error };
    }
    this.svm.setSigverify(sigVerify);
    let result;
    try {
      result = this.svm.simulateVersionedTransaction(bytes);
    } finally {
      this.svm.setSigverify(true);
    }
    if (result instanceof FailedTransactionMetadata) {
      const meta = result.meta();
      return { ...empty, error: fromLiteSvm(result.err()), logs: meta.logs(), unitsConsumed: meta.computeUnitsConsumed() };
    }
    const guard = this.guardFailure(tx, pre.keys);
    if (guard) {
      return { ...empty, error: guard.error, logs: guard.logs };
    }
    const meta = result.meta();
    const postAccounts = new Map();
    for (const aa of result.postAccounts()) {
      postAccounts.set(bs58.encode(Buffer.from(aa.address)), aa.account());
    }
    return {
      error: null, logs: meta.logs(), unitsConsumed: meta.computeUnitsConsumed(),
      returnData: returnDataJson(meta), innerInstructions: innerInstructionsJson(meta), postAccounts, keys: pre.keys,
    };
  }

  // Executes a transaction in the current slot. Returns { landed: true,
  // record } (succeeded or failed on chain, fee charged), or { landed:
  // false, error } (refused: nothing changed). With commit false the record
  // is not stored (a bundle commits its records together or rolls back).
  execute(tx, { source = 'rpc', bundleId = null, commit = true } = {}) {
    const pre = this.precheck(tx);
    if (pre.error) {
      return { landed: false, error: pre.error };
    }
    const { keys, loaded } = pre;
    const keyBytes = keys.map((k) => Buffer.from(bs58.decode(k)));
    const before = snapshotAccounts(this, keyBytes);
    const { fee, budget } = this.feeOf(tx, keys);
    let error = null;
    let meta = null;
    let logs = [];
    const guard = this.guardFailure(tx, keys);
    if (guard) {
      // The pool "program" refuses: the transaction fails on chain like a
      // program error would, so it is checked as the runtime would check it
      // first (signatures, fee payer) and then charged its fee.
      const sim = this.simulate(tx, { sigVerify: true });
      if (sim.error && !sim.error.landed) {
        return { landed: false, error: sim.error };
      }
      this.chargeFee(keyBytes[0], fee);
      error = guard.error;
      logs = guard.logs;
    } else {
      const result = this.svm.sendVersionedTransaction(tx.bytes);
      meta = result instanceof FailedTransactionMetadata ? result.meta() : result;
      if (result instanceof FailedTransactionMetadata) {
        error = fromLiteSvm(result.err());
        if (!error.landed) {
          return { landed: false, error };
        }
        const payerNow = this.svm.getBalance(keyBytes[0]);
        if (payerNow === before[0].lamports) {
          this.chargeFee(keyBytes[0], fee);
        }
      }
      logs = meta.logs();
    }
    const after = snapshotAccounts(this, keyBytes);
    // A failed transaction moves nothing but its fee: take the fee from the
    // payer's balance rather than from the formula.
    const charged = error ? before[0].lamports - after[0].lamports : fee;
    const record = {
      signature: tx.signature,
      slot: this.slot,
      blockHeight: this.height,
      blockTime: Math.floor(Date.now() / 1000),
      source,
      bundleId,
      tx,
      keys,
      loaded,
      writable: writableFlags(tx.message, loaded),
      err: error ? error.json : null,
      errText: error ? error.text : null,
      fee: charged,
      computeUnitPrice: budget.computeUnitPriceMicroLamports,
      preBalances: before.map((a) => a.lamports),
      postBalances: after.map((a) => a.lamports),
      preTokenBalances: tokenBalances(this, keys, before),
      postTokenBalances: tokenBalances(this, keys, after),
      logs,
      innerInstructions: meta ? innerInstructionsJson(meta) : [],
      unitsConsumed: meta ? meta.computeUnitsConsumed() : 0n,
      returnData: meta ? returnDataJson(meta) : null,
      memo: memoOf(tx.message, keys),
    };
    if (commit) {
      this.commit(record);
    }
    return { landed: true, record };
  }

  chargeFee(payerBytes, fee) {
    const a = this.svm.getAccount(payerBytes);
    this.svm.setAccount(payerBytes, new Account(a.lamports() - fee, a.data(), a.owner(), a.executable(), a.rentEpoch()));
  }

  commit(record) {
    this.landed.set(record.signature, record);
    this.landedOrder.push(record);
    if (!this.bySlot.has(record.slot)) {
      this.bySlot.set(record.slot, []);
    }
    this.bySlot.get(record.slot).push(record);
    this.transactionCount += 1;
    this.emit('landed', record);
  }

  recordDropped(signature, reason) {
    this.dropped.push({ signature, slot: this.slot, reason });
    if (this.dropped.length > 100000) {
      this.dropped.splice(0, this.dropped.length - 100000);
    }
  }

  // Account states for a later restore (bundles: all or nothing).
  saveAccounts(keyBytesList) {
    return keyBytesList.map((k) => ({ key: k, account: this.svm.getAccount(k) }));
  }

  restoreAccounts(saved) {
    for (const { key, account } of saved) {
      this.svm.setAccount(key, account || new Account(0n, new Uint8Array(0), new Uint8Array(32), false, 0n));
    }
  }
}

function returnDataJson(meta) {
  const rd = meta.returnData();
  const data = Buffer.from(rd.data());
  if (data.length === 0) {
    return null;
  }
  return { programId: bs58.encode(Buffer.from(rd.programId())), data: [data.toString('base64'), 'base64'] };
}

module.exports = { Chain, MAX_PROCESSING_AGE, STATUS_CACHE_SLOTS, CONFIRMED_DEPTH, FINALIZED_DEPTH, SLOT_LEAD };
