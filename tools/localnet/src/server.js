'use strict';
// HTTP endpoints. An endpoint is two listeners on 127.0.0.1, port P and
// P+1, serving the same thing: JSON-RPC on POST /, WebSocket PubSub on an
// upgrade of any path, the Jupiter and Jito APIs and /admin/. Why two:
// @solana/web3.js derives its WebSocket URL from the HTTP URL by adding 1 to
// an explicit port (makeWebsocketUrl), as agave-validator listens; other
// clients use the same port. The main endpoint sees the chain as it is; the
// lagging one (--lag-port) sees it `lag_slots` slots late.

const http = require('http');
const { stringify } = require('./json');
const { handleJsonRpc } = require('./jsonrpc');
const { makeRpcMethods } = require('./rpc');
const { PubSub } = require('./pubsub');
const { HttpError } = require('./pools');
const { handleAdmin } = require('./admin');

const MAX_BODY_BYTES = 1 << 20;
const HOST = '127.0.0.1';

function sendJson(res, status, body, headers = {}) {
  const text = body === null ? '' : stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    const onError = (e) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address().port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, HOST);
  });
}

function closeServer(server) {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

class Endpoint {
  constructor(ctx, { name, lag }) {
    this.ctx = ctx;
    this.name = name;
    this.lag = lag;
    this.rpc = makeRpcMethods(ctx, lag);
    this.pubsub = new PubSub(ctx, lag);
    this.jito = ctx.engine.methods();
    this.jitoTransactions = { sendTransaction: this.rpc.sendTransaction };
    this.servers = [];
    this.port = null;
  }

  // Listens on port and port+1 (port 0: a free pair is searched for).
  async listen(port) {
    const tries = port === 0 ? 50 : 1;
    let lastError = null;
    for (let i = 0; i < tries; i++) {
      const a = this.makeServer();
      const b = this.makeServer();
      try {
        const p = await listen(a, port);
        if (p + 1 > 65535) {
          throw new Error(`port ${p} has no port above it for the WebSocket listener`);
        }
        await listen(b, p + 1);
        this.servers = [a, b];
        this.port = p;
        return p;
      } catch (e) {
        lastError = e;
        await Promise.all([a, b].filter((s) => s.listening).map(closeServer));
      }
    }
    throw new Error(`cannot listen on ${HOST}:${port} and the port above it: ${lastError && lastError.message}`);
  }

  makeServer() {
    const server = http.createServer((req, res) => {
      this.onRequest(req, res).catch((e) => {
        this.ctx.log(`internal error on ${req.method} ${req.url}: ${e.stack || e}`);
        if (!res.headersSent) {
          sendJson(res, 500, { error: `internal error: ${e.message}` });
        } else {
          res.destroy();
        }
      });
    });
    server.on('upgrade', (req, socket, head) => {
      socket.on('error', () => {});
      this.pubsub.handleUpgrade(req, socket, head);
    });
    server.on('clientError', (e, socket) => {
      if (socket.writable) {
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      }
    });
    return server;
  }

  describe() {
    return { name: this.name, http: `http://${HOST}:${this.port}`, ws: `ws://${HOST}:${this.port + 1}`, lag_slots: this.lag() };
  }

  async onRequest(req, res) {
    const { ctx } = this;
    const url = new URL(req.url, `http://${HOST}`);
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    let body;
    try {
      body = req.method === 'POST' ? await readBody(req) : '';
    } catch (e) {
      if (e instanceof HttpError) {
        sendJson(res, e.status, { error: e.message });
        return;
      }
      throw e;
    }
    if (path.startsWith('/admin/')) {
      this.admin(req, res, path, url, body);
      return;
    }
    if (req.method === 'GET' && path === '/health') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    const rpcRoutes = { '/': this.rpc, '/api/v1/bundles': this.jito, '/api/v1/transactions': this.jitoTransactions };
    const jupiter = ['/quote', '/swap', '/swap/v1/quote', '/swap/v1/swap', '/v6/quote', '/v6/swap'];
    if (!(path in rpcRoutes) && !jupiter.includes(path)) {
      sendJson(res, 404, { error: `no route ${req.method} ${path}` });
      return;
    }
    if (ctx.faults.roll('http_429_share')) {
      sendJson(res, 429, { jsonrpc: '2.0', error: { code: 429, message: 'Too many requests (localnet fault http_429_share)' }, id: null },
        { 'Retry-After': String(ctx.faults.get('retry_after_s')) });
      return;
    }
    if (path in rpcRoutes) {
      if (req.method !== 'POST') {
        sendJson(res, 405, { error: 'Used HTTP Method is not allowed. POST or OPTIONS is required' });
        return;
      }
      if (ctx.verbose) {
        ctx.log(`${this.name} ${path} ${body.slice(0, 200)}`);
      }
      const out = handleJsonRpc(body, rpcRoutes[path], null, ctx.log);
      if (out.noAnswer) {
        setTimeout(() => req.socket.destroy(), out.noAnswer.holdMs);
        return;
      }
      if (out.body === null) {
        res.writeHead(204);
        res.end();
        return;
      }
      sendJson(res, 200, out.body);
      return;
    }
    this.jupiter(req, res, path, url, body);
  }

  jupiter(req, res, path, url, body) {
    const { pools } = this.ctx;
    const wantPost = path.endsWith('/swap');
    if (req.method !== (wantPost ? 'POST' : 'GET')) {
      sendJson(res, 405, { error: `${path} takes ${wantPost ? 'POST' : 'GET'}` });
      return;
    }
    try {
      if (wantPost) {
        let parsed;
        try {
          parsed = JSON.parse(body);
        } catch (e) {
          throw new HttpError(400, 'the body is not valid JSON');
        }
        sendJson(res, 200, pools.swap(parsed));
      } else {
        sendJson(res, 200, pools.quote(url.searchParams));
      }
    } catch (e) {
      if (!(e instanceof HttpError)) {
        throw e;
      }
      sendJson(res, e.status, { error: e.message, errorCode: e.errorCode });
    }
  }

  admin(req, res, path, url, body) {
    let parsed = null;
    if (req.method === 'POST' && body.length) {
      try {
        parsed = JSON.parse(body);
      } catch (e) {
        sendJson(res, 400, { error: 'the body is not valid JSON' });
        return;
      }
    }
    try {
      const out = handleAdmin(this.ctx, req.method, path, url.searchParams, parsed);
      if (!out) {
        sendJson(res, 404, { error: `no admin route ${req.method} ${path}` });
        return;
      }
      sendJson(res, out.status, out.body);
    } catch (e) {
      if (!(e instanceof HttpError)) {
        throw e;
      }
      sendJson(res, e.status, { error: e.message });
    }
  }

  async close() {
    this.pubsub.close();
    await Promise.all(this.servers.map(closeServer));
  }
}

module.exports = { Endpoint, HOST };
