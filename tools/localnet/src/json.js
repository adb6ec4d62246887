'use strict';
// JSON for the wire: u64 values travel as BigInt and are written as plain
// JSON numbers (JSON.stringify cannot), and JSON-RPC 2.0 error codes.

// Standard JSON-RPC codes plus the Solana server codes clients match on
// (agave rpc/src/custom_error.rs). Never renumbered.
const ErrorCode = Object.freeze({
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  SEND_TRANSACTION_PREFLIGHT_FAILURE: -32002,
  TRANSACTION_SIGNATURE_VERIFICATION_FAILURE: -32003,
  NODE_UNHEALTHY: -32005,
  UNSUPPORTED_TRANSACTION_VERSION: -32015,
  MIN_CONTEXT_SLOT_NOT_REACHED: -32016,
});

class RpcError extends Error {
  constructor(code, message, data) {
    super(message);
    this.code = code;
    this.data = data;
  }

  toJSON() {
    const out = { code: this.code, message: this.message };
    if (this.data !== undefined) {
      out.data = this.data;
    }
    return out;
  }
}

function invalidParams(message) {
  return new RpcError(ErrorCode.INVALID_PARAMS, message);
}

// JSON.stringify with BigInt written as an integer literal. Object members
// that are undefined are left out, array slots that are undefined become null,
// as JSON.stringify does.
function stringify(value) {
  const parts = [];
  write(value, parts);
  return parts.join('');
}

function write(v, out) {
  if (v === null || v === undefined) {
    out.push('null');
    return;
  }
  switch (typeof v) {
    case 'bigint':
      out.push(v.toString());
      return;
    case 'number':
      out.push(Number.isFinite(v) ? String(v) : 'null');
      return;
    case 'boolean':
      out.push(v ? 'true' : 'false');
      return;
    case 'string':
      out.push(JSON.stringify(v));
      return;
    case 'object':
      break;
    default:
      out.push('null');
      return;
  }
  if (typeof v.toJSON === 'function' && !Buffer.isBuffer(v)) {
    write(v.toJSON(), out);
    return;
  }
  if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) {
        out.push(',');
      }
      write(v[i], out);
    }
    out.push(']');
    return;
  }
  out.push('{');
  let first = true;
  for (const key of Object.keys(v)) {
    const item = v[key];
    if (item === undefined || typeof item === 'function') {
      continue;
    }
    if (!first) {
      out.push(',');
    }
    first = false;
    out.push(JSON.stringify(key), ':');
    write(item, out);
  }
  out.push('}');
}

// A non-negative integer that JSON carried safely: a number up to 2^53-1 or a
// decimal string up to 2^64-1. Returns a BigInt or throws RpcError.
function parseU64(value, name) {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw invalidParams(`Invalid param: ${name} must be a non-negative integer below 2^53 (or a decimal string), got ${value}`);
    }
    return BigInt(value);
  }
  if (typeof value === 'string' && /^[0-9]{1,20}$/.test(value)) {
    const v = BigInt(value);
    if (v <= 0xffffffffffffffffn) {
      return v;
    }
  }
  throw invalidParams(`Invalid param: ${name} must be an unsigned 64-bit integer, got ${JSON.stringify(value)}`);
}

module.exports = { ErrorCode, RpcError, invalidParams, stringify, parseU64 };
