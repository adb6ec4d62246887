'use strict';
// The path of a sent transaction after its preflight: the send faults (drop,
// land late, no answer after landing), the RPC node's rebroadcast of a
// dropped send, and landing. Shared by sendTransaction (RPC and Jito's
// /api/v1/transactions).

const crypto = require('crypto');
const bs58 = require('bs58');

const RETRY_EVERY_SLOTS = 5; // an RPC node rebroadcasts about every 2 s (5 slots of 400 ms)
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

// True when every required signature verifies over the message (the RPC's
// verify step, before its preflight simulation).
function verifySignatures(tx) {
  const msg = tx.message.bytes;
  for (let i = 0; i < tx.signatures.length; i++) {
    let key;
    try {
      key = crypto.createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, tx.message.accountKeys[i]]), format: 'der', type: 'spki' });
    } catch (e) {
      return false;
    }
    if (!crypto.verify(null, msg, key, tx.signatures[i])) {
      return false;
    }
  }
  return true;
}

class NoAnswer {
  constructor(holdMs) {
    this.holdMs = holdMs;
  }
}

class Sender {
  constructor(chain, faults) {
    this.chain = chain;
    this.faults = faults;
  }

  // maxRetries: undefined = rebroadcast a dropped send until its blockhash
  // expires (the RPC default), n = at most n more attempts. Returns the
  // signature, or a NoAnswer when the HTTP answer must be withheld.
  submit(tx, { maxRetries } = {}) {
    return this.attempt(tx, maxRetries === undefined ? Infinity : maxRetries, true);
  }

  attempt(tx, retriesLeft, first) {
    const { chain, faults } = this;
    if (chain.landed.has(tx.signature)) {
      return tx.signature; // a re-send of a landed transaction changes nothing
    }
    if (faults.roll('drop_send_share')) {
      chain.recordDropped(tx.signature, 'fault drop_send_share');
      if (retriesLeft > 0 && chain.isBlockhashValid(bs58.encode(tx.message.recentBlockhash))) {
        chain.schedule(RETRY_EVERY_SLOTS, () => this.attempt(tx, retriesLeft - 1, false));
      }
      return tx.signature;
    }
    const late = faults.get('land_late_slots');
    if (first && late > 0 && faults.roll('land_late_share')) {
      chain.schedule(late, () => this.land(tx));
      return tx.signature;
    }
    const out = this.land(tx);
    if (first && out.landed && faults.roll('timeout_after_land_share')) {
      return new NoAnswer(faults.get('timeout_after_land_ms'));
    }
    return tx.signature;
  }

  land(tx) {
    const out = this.chain.execute(tx, { source: 'rpc' });
    if (!out.landed && out.error.json !== 'AlreadyProcessed') {
      this.chain.recordDropped(tx.signature, out.error.text);
    }
    return out;
  }
}

module.exports = { Sender, NoAnswer, verifySignatures };
