'use strict';
// Fault injection: which faults, how often, and a seeded random stream so a
// run repeats. One stream serves every decision in the order the server
// makes them; a test that sends requests one after another sees the same
// faults on every run. Shares are probabilities in [0, 1].

const FAULT_DEFAULTS = Object.freeze({
  seed: 1,
  // sendTransaction / sendBundle answer with the signature / bundle id but
  // the transaction never lands (decided per send; a later re-send of the
  // same bytes decides again, as a lost packet would).
  drop_send_share: 0,
  // Any RPC, Jito or Jupiter request answers HTTP 429 with Retry-After.
  http_429_share: 0,
  retry_after_s: 1,
  // The transaction lands, then the HTTP request gets no answer: the
  // connection is held timeout_after_land_ms, then closed.
  timeout_after_land_share: 0,
  timeout_after_land_ms: 0,
  // A share of sends lands land_late_slots slots later (the blockhash
  // window is checked again then).
  land_late_share: 0,
  land_late_slots: 0,
  // The lagging endpoint (--lag-port) sees the chain this many slots late:
  // slot, block height, blockhashes, signature statuses and notifications.
  lag_slots: 0,
  // getLatestBlockhash, and Jupiter's /swap for the transaction it builds,
  // use a blockhash this many blocks old (and its true lastValidBlockHeight),
  // for a share of calls.
  stale_blockhash_share: 0,
  stale_blockhash_age: 140,
  // /swap reports a lastValidBlockHeight this many blocks below the true one
  // (a route's number is a third party's: the blockhash stays valid longer).
  swap_lvbh_understate: 0,
  // A WebSocket notification is replaced by an abrupt close of its socket.
  ws_close_share: 0,
});

const SHARE_KEYS = ['drop_send_share', 'http_429_share', 'timeout_after_land_share', 'land_late_share', 'stale_blockhash_share', 'ws_close_share'];
const INT_LIMITS = {
  seed: [0, 0xffffffff],
  retry_after_s: [0, 3600],
  timeout_after_land_ms: [0, 600000],
  land_late_slots: [0, 10000],
  lag_slots: [0, 10000],
  stale_blockhash_age: [0, 150],
  swap_lvbh_understate: [0, 150],
};

// Checks a partial fault object; returns a list of every problem found.
function validateFaults(obj) {
  const errors = [];
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    return ['faults must be a JSON object'];
  }
  for (const [key, value] of Object.entries(obj)) {
    if (SHARE_KEYS.includes(key)) {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
        errors.push(`${key}: expected a number in [0, 1], found ${JSON.stringify(value)}`);
      }
    } else if (key in INT_LIMITS) {
      const [lo, hi] = INT_LIMITS[key];
      if (!Number.isInteger(value) || value < lo || value > hi) {
        errors.push(`${key}: expected an integer in [${lo}, ${hi}], found ${JSON.stringify(value)}`);
      }
    } else {
      errors.push(`${key}: unknown fault (known: ${Object.keys(FAULT_DEFAULTS).join(', ')})`);
    }
  }
  return errors;
}

// mulberry32: small, fast, and the same on every platform.
function makeRng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Faults {
  constructor(initial = {}) {
    this.config = { ...FAULT_DEFAULTS };
    this.rng = makeRng(this.config.seed);
    this.counts = {};
    this.update(initial);
  }

  // Merges a partial object over the current faults; a new seed restarts the
  // random stream. Throws with every problem listed.
  update(partial) {
    const errors = validateFaults(partial);
    if (errors.length) {
      const e = new Error(errors.join('; '));
      e.errors = errors;
      throw e;
    }
    Object.assign(this.config, partial);
    if ('seed' in partial) {
      this.rng = makeRng(this.config.seed);
    }
  }

  reset() {
    this.config = { ...FAULT_DEFAULTS };
    this.rng = makeRng(this.config.seed);
  }

  // True for a share of calls; counts the hits per fault for /admin/state.
  roll(key) {
    const share = this.config[key];
    if (!(share > 0)) {
      return false;
    }
    const hit = this.rng() < share;
    if (hit) {
      this.counts[key] = (this.counts[key] || 0) + 1;
    }
    return hit;
  }

  get(key) {
    return this.config[key];
  }
}

module.exports = { Faults, FAULT_DEFAULTS, validateFaults };
