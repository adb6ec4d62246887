'use strict';
// JSON-RPC 2.0 framing: single and batch requests, notifications, and the
// standard errors (-32700 parse, -32600 invalid request, -32601 unknown
// method, -32602 bad params, -32603 internal). A method is a function of
// (params, extra) that returns a result or throws an RpcError; it may return
// a NoAnswer (sender.js) to make the transport withhold the answer.

const { ErrorCode, RpcError } = require('./json');
const { NoAnswer } = require('./sender');

const MAX_BATCH = 100;

function errorResponse(id, code, message, data) {
  const error = { code, message };
  if (data !== undefined) {
    error.data = data;
  }
  return { jsonrpc: '2.0', error, id };
}

function validId(id) {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}

// Calls one request object. Returns a response object, null (a
// notification: nothing to answer), or a NoAnswer.
function callOne(request, methods, extra, log) {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    return errorResponse(null, ErrorCode.INVALID_REQUEST, 'Invalid request: expected a JSON-RPC 2.0 request object');
  }
  const hasId = Object.prototype.hasOwnProperty.call(request, 'id');
  const id = hasId && validId(request.id) ? request.id : null;
  if (request.jsonrpc !== '2.0') {
    return errorResponse(id, ErrorCode.INVALID_REQUEST, 'Invalid request: "jsonrpc" must be "2.0"');
  }
  if (typeof request.method !== 'string') {
    return errorResponse(id, ErrorCode.INVALID_REQUEST, 'Invalid request: "method" must be a string');
  }
  if (hasId && !validId(request.id)) {
    return errorResponse(null, ErrorCode.INVALID_REQUEST, 'Invalid request: "id" must be a string, a number or null');
  }
  if (!Object.prototype.hasOwnProperty.call(methods, request.method)) {
    return hasId ? errorResponse(id, ErrorCode.METHOD_NOT_FOUND, `Method not found: ${request.method}`) : null;
  }
  let result;
  try {
    result = methods[request.method](request.params, extra);
  } catch (e) {
    if (!(e instanceof RpcError)) {
      log(`internal error in ${request.method}: ${e.stack || e}`);
      e = new RpcError(ErrorCode.INTERNAL_ERROR, `Internal error: ${e.message}`);
    }
    return hasId ? { jsonrpc: '2.0', error: e.toJSON(), id } : null;
  }
  if (result instanceof NoAnswer) {
    return result;
  }
  return hasId ? { jsonrpc: '2.0', result: result === undefined ? null : result, id } : null;
}

// Handles a request body. Returns { body } (an object, an array, or null
// when there is nothing to answer) or { noAnswer }.
function handleJsonRpc(text, methods, extra, log) {
  let request;
  try {
    request = JSON.parse(text);
  } catch (e) {
    return { body: errorResponse(null, ErrorCode.PARSE_ERROR, 'Parse error') };
  }
  if (!Array.isArray(request)) {
    const res = callOne(request, methods, extra, log);
    return res instanceof NoAnswer ? { noAnswer: res } : { body: res };
  }
  if (request.length === 0) {
    return { body: errorResponse(null, ErrorCode.INVALID_REQUEST, 'Invalid request: empty batch') };
  }
  if (request.length > MAX_BATCH) {
    return { body: errorResponse(null, ErrorCode.INVALID_REQUEST, `Invalid request: batch of ${request.length} requests, at most ${MAX_BATCH}`) };
  }
  const out = [];
  let noAnswer = null;
  for (const r of request) {
    const res = callOne(r, methods, extra, log);
    if (res instanceof NoAnswer) {
      noAnswer = res;
    } else if (res) {
      out.push(res);
    }
  }
  if (noAnswer) {
    return { noAnswer };
  }
  return { body: out.length ? out : null };
}

module.exports = { handleJsonRpc, errorResponse };
