'use strict';
// Parameter checks shared by the JSON-RPC methods (HTTP and WebSocket).
// Every failure is an RpcError -32602 whose message says what was expected
// and what was found.

const { Chain } = require('./chain');
const { RpcError, ErrorCode, invalidParams } = require('./json');
const { decodeBase58Key, decodeBase58Signature } = require('./wire');

function list(params) {
  if (params === undefined || params === null) {
    return [];
  }
  if (!Array.isArray(params)) {
    throw invalidParams('Invalid params: expected an array of positional parameters');
  }
  return params;
}

function config(params, i) {
  const c = params[i];
  if (c === undefined || c === null) {
    return {};
  }
  if (typeof c !== 'object' || Array.isArray(c)) {
    throw invalidParams(`Invalid params: parameter ${i + 1} must be a configuration object, found ${JSON.stringify(c)}`);
  }
  return c;
}

function pubkey(value, name) {
  const b = decodeBase58Key(value);
  if (!b) {
    throw invalidParams(`Invalid param: ${name} must be a base58 public key (32 bytes), found ${JSON.stringify(value)}`);
  }
  return b;
}

function signature(value, name = 'signature') {
  const b = decodeBase58Signature(value);
  if (!b) {
    throw invalidParams(`Invalid param: ${name} must be a base58 signature (64 bytes), found ${JSON.stringify(value)}`);
  }
  return value;
}

// The depth in slots a commitment stands for (default: finalized).
function commitmentDepth(cfg, key = 'commitment') {
  const depth = Chain.commitmentDepth(cfg[key]);
  if (depth === undefined) {
    throw invalidParams(`Invalid param: ${key} must be processed, confirmed or finalized, found ${JSON.stringify(cfg[key])}`);
  }
  return depth;
}

function bool(cfg, key, dflt) {
  const v = cfg[key];
  if (v === undefined || v === null) {
    return dflt;
  }
  if (typeof v !== 'boolean') {
    throw invalidParams(`Invalid param: ${key} must be a boolean, found ${JSON.stringify(v)}`);
  }
  return v;
}

function oneOf(cfg, key, allowed, dflt) {
  const v = cfg[key];
  if (v === undefined || v === null) {
    return dflt;
  }
  if (!allowed.includes(v)) {
    throw invalidParams(`Invalid param: ${key} must be one of ${allowed.join(', ')}, found ${JSON.stringify(v)}`);
  }
  return v;
}

function safeInt(v, name, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw invalidParams(`Invalid param: ${name} must be an integer in [${min}, ${max}], found ${JSON.stringify(v)}`);
  }
  return v;
}

function checkMinContextSlot(cfg, contextSlot) {
  if (cfg.minContextSlot === undefined || cfg.minContextSlot === null) {
    return;
  }
  const min = safeInt(cfg.minContextSlot, 'minContextSlot');
  if (contextSlot < min) {
    throw new RpcError(ErrorCode.MIN_CONTEXT_SLOT_NOT_REACHED, 'Minimum context slot has not been reached', { contextSlot });
  }
}

function dataSlice(cfg) {
  const s = cfg.dataSlice;
  if (s === undefined || s === null) {
    return undefined;
  }
  if (typeof s !== 'object') {
    throw invalidParams('Invalid param: dataSlice must be { offset, length }');
  }
  return { offset: safeInt(s.offset, 'dataSlice.offset'), length: safeInt(s.length, 'dataSlice.length') };
}

const ACCOUNT_ENCODINGS = ['base64', 'base58', 'binary', 'jsonParsed'];

module.exports = {
  list, config, pubkey, signature, commitmentDepth, bool, oneOf, safeInt, checkMinContextSlot, dataSlice, ACCOUNT_ENCODINGS,
};
