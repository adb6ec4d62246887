'use strict';
// sniper-localnet: a local Solana validator on loopback for tests and users.
// Prints its RPC URL on the first line of stdout, then name=value lines
// (ws=, lag_http=, lag_ws=), and serves until SIGTERM or SIGINT.

const fs = require('fs');
const path = require('path');

const USAGE = `usage: start.sh [--port N] [--slot-ms MS] [--faults FILE_OR_JSON] [--seed-file F] [--lag-port N] [--verbose]
  --port N        HTTP JSON-RPC on 127.0.0.1:N, WebSocket also on N+1 (default 8899; 0 = a free pair)
  --slot-ms MS    slot duration in milliseconds (default 400)
  --faults X      fault knobs: a JSON object or a file holding one (see README.md)
  --seed-file F   pools and funded accounts (JSON, see README.md; default: three pools)
  --lag-port N    also serve an endpoint that sees the chain lag_slots late (0 = a free pair)
  --verbose       log every JSON-RPC request to stderr`;

function parseArgs(argv) {
  const opts = { port: 8899, slotMs: 400, faults: null, seedFile: null, lagPort: null, verbose: false };
  const errors = [];
  const intArg = (name, value, lo, hi) => {
    if (value === undefined || !/^[0-9]+$/.test(value) || Number(value) < lo || Number(value) > hi) {
      errors.push(`${name}: expected an integer in [${lo}, ${hi}], found ${JSON.stringify(value)}`);
      return null;
    }
    return Number(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--port': opts.port = intArg('--port', value(), 0, 65534); break;
      case '--slot-ms': opts.slotMs = intArg('--slot-ms', value(), 5, 60000); break;
      case '--lag-port': opts.lagPort = intArg('--lag-port', value(), 0, 65534); break;
      case '--faults': opts.faults = value(); break;
      case '--seed-file': opts.seedFile = value(); break;
      case '--verbose': opts.verbose = true; break;
      case '--help': case '-h': process.stdout.write(`${USAGE}\n`); process.exit(0); break;
      default: errors.push(`unknown argument ${JSON.stringify(a)}`);
    }
  }
  if (opts.faults === undefined) {
    errors.push('--faults: missing value');
  }
  if (opts.seedFile === undefined) {
    errors.push('--seed-file: missing value');
  }
  return { opts, errors };
}

function readJsonArg(name, text, isInline) {
  try {
    return JSON.parse(isInline ? text : fs.readFileSync(text, 'utf8'));
  } catch (e) {
    throw new Error(`${name}: ${isInline ? 'invalid JSON' : `cannot read ${text}`}: ${e.message}`);
  }
}

async function main() {
  const { opts, errors } = parseArgs(process.argv.slice(2));
  const log = (msg) => process.stderr.write(`localnet: ${msg}\n`);
  const { Faults, validateFaults } = require('./faults');
  const { DEFAULT_SEED, validateSeed } = require('./pools');
  let faultConfig = {};
  let seed = DEFAULT_SEED;
  try {
    if (opts.faults) {
      const inline = opts.faults.trim().startsWith('{');
      faultConfig = readJsonArg('--faults', opts.faults, inline);
      errors.push(...validateFaults(faultConfig).map((e) => `--faults: ${e}`));
    }
    if (opts.seedFile) {
      seed = readJsonArg('--seed-file', opts.seedFile, false);
      errors.push(...validateSeed(seed).map((e) => `--seed-file: ${e}`));
    }
  } catch (e) {
    errors.push(e.message);
  }
  if (errors.length) {
    process.stderr.write(`${errors.map((e) => `localnet: ${e}`).join('\n')}\n${USAGE}\n`);
    process.exit(2);
  }

  const { Chain } = require('./chain');
  const { Pools } = require('./pools');
  const { Faucet } = require('./faucet');
  const { Sender } = require('./sender');
  const { BlockEngine } = require('./jito');
  const { Endpoint } = require('./server');

  const chain = new Chain({ log });
  const faults = new Faults(faultConfig);
  const pools = new Pools(chain, seed);
  pools.faults = faults;
  const faucet = new Faucet(chain, pools.label);
  const engine = new BlockEngine({ chain, faults, log });
  const sender = new Sender(chain, faults);
  const ctx = { chain, faults, pools, faucet, engine, sender, log, verbose: opts.verbose, slotMs: opts.slotMs, endpoints: [] };

  const main = new Endpoint(ctx, { name: 'main', lag: () => 0 });
  ctx.endpoints.push(main);
  await main.listen(opts.port);
  let lagEndpoint = null;
  if (opts.lagPort !== null) {
    lagEndpoint = new Endpoint(ctx, { name: 'lagging', lag: () => faults.get('lag_slots') });
    ctx.endpoints.push(lagEndpoint);
    await lagEndpoint.listen(opts.lagPort);
  }

  const timer = setInterval(() => {
    try {
      chain.advance();
    } catch (e) {
      log(`slot tick failed: ${e.stack || e}`);
    }
  }, opts.slotMs);

  const lines = [`http://127.0.0.1:${main.port}`, `ws=ws://127.0.0.1:${main.port + 1}`];
  if (lagEndpoint) {
    lines.push(`lag_http=http://127.0.0.1:${lagEndpoint.port}`, `lag_ws=ws://127.0.0.1:${lagEndpoint.port + 1}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  log(`serving ${lines[0]} (WebSocket on ${main.port} and ${main.port + 1}), slot ${opts.slotMs} ms, ` +
    `pools ${pools.describe().map((p) => `${p.symbol}=${p.mint}`).join(' ')}`);

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) {
      return;
    }
    stopping = true;
    log(`${signal}: stopping`);
    clearInterval(timer);
    const force = setTimeout(() => process.exit(0), 2000);
    force.unref();
    await Promise.all(ctx.endpoints.map((e) => e.close()));
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.stdout.on('error', () => {}); // a reader that went away must not kill the server
}

if (!fs.existsSync(path.join(__dirname, '..', 'node_modules', 'litesvm'))) {
  process.stderr.write(`localnet: npm dependencies are not installed in ${path.join(__dirname, '..')}: ` +
    'run `npm ci --prefix tools/localnet` (scripts/npm_deps.sh does it)\n');
  process.exit(1);
}

main().catch((e) => {
  process.stderr.write(`localnet: ${e.stack || e}\n`);
  process.exit(1);
});
