import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../src/version.js';
import { readJsonLines } from '../../src/results/atomic.js';
import { listCheckpoints } from '../../src/train/checkpoint.js';
import type { MetricsRecord } from '../../src/train/types.js';

const bin = join(repoRoot, 'bin/mbench.js');
const common = ['--recipe', 'mosaic', '--size', 'tiny', '--backend', 'wasm', '--corpus', 'builtin', '--batch', '4', '--seq', '16', '--eval-batches', '1'];
const mbench = (...args: string[]) => spawnSync(process.execPath, [bin, 'pretrain', ...args], { encoding: 'utf8' });
const losses = (dir: string): number[] =>
  readJsonLines<MetricsRecord>(join(dir, 'metrics.jsonl')).flatMap((r) => (r.kind === 'train' ? [r.loss] : []));

test('bad input: clear error, non-zero exit, nothing written', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--recipe', 'mosiac'], /unknown recipe 'mosiac' \(did you mean 'mosaic'\?\)/],
    [['--backend', 'tpu'], /unknown backend 'tpu'/],
    [['--duration=-5ba'], /--duration: cannot parse duration '-5ba' \(durations must be positive\)/],
  ];
  for (const [args, message] of cases) {
    const out = join(mkdtempSync(join(tmpdir(), 'mbench-cli-')), 'run');
    const r = mbench(...common, '--out', out, ...args);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr, message);
    assert.ok(!existsSync(out), 'no output folder');
  }
});

test('SIGKILL mid-run, then the same command resumes and ends at the same step with the same losses', async () => {
  const whole = join(mkdtempSync(join(tmpdir(), 'mbench-cli-')), 'run');
  const killed = join(mkdtempSync(join(tmpdir(), 'mbench-cli-')), 'run');
  const args = (out: string) => [...common, '--duration', '12ba', '--checkpoint-every', '3', '--eval-every', '0', '--out', out];
  const r = mbench(...args(whole));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /steps\s+12/);
  assert.match(r.stderr, /step 12\/12 +loss/);

  const child = spawn(process.execPath, [bin, 'pretrain', ...args(killed)], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (listCheckpoints(join(killed, 'checkpoints')).some((c) => c.step >= 6)) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve();
      }
    }, 20);
    child.on('exit', () => {
      clearInterval(poll);
      reject(new Error('the run finished before it could be killed'));
    });
  });
  await new Promise((resolve) => child.on('exit', resolve));
  const resumed = mbench(...args(killed));
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming from step \d+/);
  assert.match(resumed.stdout, /steps\s+12/);
  const [a, b] = [losses(whole), losses(killed)];
  assert.equal(b.length, 12);
  a.forEach((l, i) => assert.ok(Math.abs(l - b[i]!) < 1e-4, `step ${i + 1}: ${l} vs ${b[i]}`));
  const result = JSON.parse(readFileSync(join(killed, 'pretrain-result.json'), 'utf8')) as { steps: number };
  assert.equal(result.steps, 12);
});
