'use strict';
// start.sh as users run it: bad arguments are all reported at once (exit 2),
// a seed file sets pools and funded accounts, SIGINT stops it cleanly.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const H = require('../harness');

const START = path.join(__dirname, '..', 'start.sh');

test('bad arguments, faults and seeds: every problem listed, exit 2', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'localnet-cli-'));
  const seed = path.join(dir, 'seed.json');
  fs.writeFileSync(seed, JSON.stringify({ pools: [{ symbol: 'A', decimals: 30, sol_reserve_lamports: 5, token_reserve_atoms: '1', fee_bps: 10000 }], extra: 1 }));
  const r = spawnSync('bash', [START, '--port', '70000', '--slot-ms', 'fast', '--faults', '{"drop_send_share":"x"}', '--seed-file', seed, '--nope'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  for (const want of ['--port', '--slot-ms', 'drop_send_share', 'decimals', 'sol_reserve_lamports', 'fee_bps', 'extra', '--nope']) {
    assert.ok(r.stderr.includes(want), `stderr names ${want}:\n${r.stderr}`);
  }
  assert.equal(r.stdout, '');
  const missing = spawnSync('bash', [START, '--seed-file', path.join(dir, 'absent.json')], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read/);
  fs.rmSync(dir, { recursive: true });
});

test('a seed file sets the pools and funded accounts; SIGINT stops the server', async () => {
  const net = await H.startLocalnet({ args: ['--seed-file', path.join(__dirname, '..', 'seed.example.json')] });
  try {
    const pools = await H.admin(net.url, '/admin/pools');
    assert.deepEqual(pools.map((p) => p.symbol), ['WIF', 'BONK']);
    assert.equal(pools[1].decimals, 5);
    assert.equal(pools[0].sol_reserve_lamports, '200000000000');
    const funded = await H.rpc(net.url, 'getBalance', ['9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin']);
    assert.equal(funded.value, 100000000000);
    // The same label gives the same addresses on every run.
    const again = await H.startLocalnet({ args: ['--seed-file', path.join(__dirname, '..', 'seed.example.json')] });
    assert.deepEqual((await H.admin(again.url, '/admin/pools')).map((p) => p.mint), pools.map((p) => p.mint));
    await again.stop();
  } finally {
    const exited = new Promise((resolve) => net.proc.once('exit', (code) => resolve(code)));
    net.proc.kill('SIGINT');
    assert.equal(await exited, 0);
  }
});
