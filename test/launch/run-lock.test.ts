import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { lockPath, readLockState, tryLock } from '../../src/launch/lock.js';
import { tempDir } from './helpers.js';

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test('only one holder at a time; release frees the run; a second release is harmless', () => {
  const dir = tempDir();
  const a = tryLock(dir);
  assert.ok(a.acquired);
  const b = tryLock(dir);
  assert.equal(b.acquired, false);
  assert.equal(!b.acquired && b.holder?.pid, process.pid);
  a.lock.release();
  a.lock.release();
  assert.equal(existsSync(lockPath(dir)), false);
  const c = tryLock(dir);
  assert.ok(c.acquired);
  c.lock.release();
});

test('a lock left by a dead process on this host is stale and is taken over', () => {
  const dir = tempDir();
  writeFileSync(lockPath(dir), JSON.stringify({ pid: deadPid(), host: hostname(), token: 'dead', startedAt: 'x' }));
  const state = readLockState(lockPath(dir));
  assert.deepEqual(state.held && state.stale, true);
  const a = tryLock(dir);
  assert.ok(a.acquired);
  assert.notEqual(JSON.parse(readFileSync(lockPath(dir), 'utf8')).token, 'dead');
  a.lock.release();
});

test('a lock from another host is live while touched and stale once its heartbeat stops', () => {
  const dir = tempDir();
  writeFileSync(lockPath(dir), JSON.stringify({ pid: 1, host: 'elsewhere', token: 'far', startedAt: 'x' }));
  assert.equal(tryLock(dir, { staleAfterMs: 60_000 }).acquired, false);
  const old = new Date(Date.now() - 120_000);
  utimesSync(lockPath(dir), old, old);
  const a = tryLock(dir, { staleAfterMs: 60_000 });
  assert.ok(a.acquired);
  a.lock.release();
});

test('a torn (empty) lock file is respected briefly, then broken', () => {
  const dir = tempDir();
  writeFileSync(lockPath(dir), '');
  assert.equal(tryLock(dir).acquired, false);
  const old = new Date(Date.now() - 60_000);
  utimesSync(lockPath(dir), old, old);
  const a = tryLock(dir);
  assert.ok(a.acquired);
  a.lock.release();
});

test('releasing never removes a lock that another holder has taken since', () => {
  const dir = tempDir();
  const a = tryLock(dir);
  assert.ok(a.acquired);
  writeFileSync(lockPath(dir), JSON.stringify({ pid: process.pid, host: hostname(), token: 'other', startedAt: 'x' }));
  a.lock.release();
  assert.equal(JSON.parse(readFileSync(lockPath(dir), 'utf8')).token, 'other');
});

test('many processes racing for one stale lock: exactly one wins', async () => {
  const dir = tempDir();
  writeFileSync(lockPath(dir), JSON.stringify({ pid: deadPid(), host: hostname(), token: 'dead', startedAt: 'x' }));
  // Each racer reports, then stays alive (holding its lock, if it won) until every racer has reported:
  // a winner that exited early would leave a stale lock for a late starter to take, rightly.
  const script = `
    const { tryLock } = await import(${JSON.stringify(new URL('../../src/launch/lock.ts', import.meta.url).href)});
    const a = tryLock(process.argv[1]);
    process.stdout.write(a.acquired ? 'won' : 'lost');
    process.stdin.resume();
    process.stdin.on('end', () => process.exit(0));`;
  const { spawn } = await import('node:child_process');
  const racers = Array.from({ length: 6 }, () => spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const results = await Promise.all(
    racers.map((c) => new Promise<string>((resolve) => c.stdout.once('data', (d: Buffer) => resolve(d.toString())))),
  );
  for (const c of racers) c.stdin.end();
  await Promise.all(racers.map((c) => new Promise((resolve) => c.on('close', resolve))));
  assert.equal(results.filter((r) => r === 'won').length, 1, results.join(','));
});
