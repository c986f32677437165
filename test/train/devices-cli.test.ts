// `mbench pretrain --devices N`: N ranks under Open MPI train the model one device trains (same losses), record
// the split, and survive a rank killed mid-run (the job ends naming it; the same command resumes). Skips, saying
// why, when Open MPI or its binding is missing — except with MBENCH_MPI_REQUIRED=1 (CI), where it must run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAddon } from '../../src/engine/native/addon.js';
import { mpiUnavailable } from '../../src/engine/mpi.js';
import { readJsonLines } from '../../src/results/atomic.js';
import { listCheckpoints } from '../../src/train/checkpoint.js';
import type { MetricsRecord } from '../../src/train/types.js';
import { repoRoot } from '../../src/version.js';

const problem = mpiUnavailable() ?? (spawnSync('mpirun', ['--version']).status === 0 ? null : 'mpirun is not on PATH');
if (problem && process.env['MBENCH_MPI_REQUIRED'] === '1') throw new Error(`MBENCH_MPI_REQUIRED=1 but ${problem}`);
const skip = problem ? `Open MPI is not usable here: ${problem}` : false;

const bin = join(repoRoot, 'bin/mbench.js');
const backend = loadAddon().ok ? 'native' : 'cpu';
const common = ['--recipe', 'mosaic', '--size', 'tiny', '--backend', backend, '--corpus', 'builtin', '--batch', '32', '--seq', '64', '--eval-every', '0', '--eval-batches', '1', '--eval-samples', '64'];
const env = { ...process.env, MBENCH_NATIVE_THREADS: '2' };
const mbench = (...args: string[]) => spawnSync(process.execPath, [bin, 'pretrain', ...args], { encoding: 'utf8', env, timeout: 300_000 });
const tmpRun = (): string => join(mkdtempSync(join(tmpdir(), 'mbench-dp-')), 'run');
const train = (dir: string) => readJsonLines<MetricsRecord>(join(dir, 'metrics.jsonl')).flatMap((r) => (r.kind === 'train' ? [r] : []));
const relDiff = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));

test('--devices 2 logs the losses of one device at every step, and the result records the split', { skip, timeout: 600_000 }, () => {
  const [one, two] = [tmpRun(), tmpRun()];
  const a = mbench(...common, '--duration', '8ba', '--out', one);
  assert.equal(a.status, 0, a.stderr);
  const b = mbench(...common, '--duration', '8ba', '--devices', '2', '--microbatch', '8', '--out', two);
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stderr, /starting 2 ranks with mpirun; their logs: .*\/ranks/);
  assert.match(b.stdout, /steps\s+8/);
  const [x, y] = [train(one), train(two)];
  assert.equal(y.length, 8);
  x.forEach((r, i) => {
    assert.ok(relDiff(r.loss, y[i]!.loss) <= 1e-3, `step ${i + 1}: loss ${r.loss} vs ${y[i]!.loss}`);
    assert.ok(relDiff(r.gradNorm, y[i]!.gradNorm) <= 1e-3, `step ${i + 1}: gradient norm ${r.gradNorm} vs ${y[i]!.gradNorm}`);
    assert.ok(y[i]!.communicationSeconds! >= 0 && y[i]!.communicationSeconds! < y[i]!.stepSeconds);
  });
  const result = JSON.parse(readFileSync(join(two, 'pretrain-result.json'), 'utf8')) as Record<string, number>;
  assert.equal(result['devices'], 2);
  assert.equal(result['ranks'], 2);
  assert.equal(result['microbatch'], 8);
  assert.ok(result['communicationMsPerStep']! > 0);
  // the wait for the slowest rank is told apart from the exchange itself, in the result and on stdout
  assert.ok(result['rankWaitMsPerStep']! >= 0 && result['rankWaitMsPerStep']! < 1000 * Math.max(...y.map((r) => r.stepSeconds)));
  y.forEach((r) => assert.ok(r.rankWaitSeconds! >= 0 && r.rankWaitSeconds! + r.communicationSeconds! < r.stepSeconds));
  assert.match(b.stdout, /ranks\s+2 × microbatch 8: [\d.]+ ms\/step exchanging gradients, [\d.]+ ms\/step waiting for the slowest rank/);
  const single = JSON.parse(readFileSync(join(one, 'pretrain-result.json'), 'utf8')) as Record<string, number>;
  assert.ok(relDiff(single['evalLoss']!, result['evalLoss']!) <= 1e-3, `eval ${single['evalLoss']} vs ${result['evalLoss']}`);
  // each rank logged to its own file; only rank 0 wrote the run's files
  for (const r of [0, 1]) assert.match(readFileSync(join(two, 'ranks', `rank-${r}.log`), 'utf8'), new RegExp(`mbench: rank ${r} of 2`));
});

test('SIGKILL of one rank ends the run naming it; the same command (or one device) resumes it to the same step with the same losses', { skip, timeout: 600_000 }, async () => {
  const [whole, killed] = [tmpRun(), tmpRun()];
  const args = (out: string) => [...common, '--duration', '12ba', '--checkpoint-every', '3', '--devices', '2', '--out', out];
  const w = mbench(...args(whole));
  assert.equal(w.status, 0, w.stderr);

  const child = spawn(process.execPath, [bin, 'pretrain', ...args(killed)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let killedAt = 0;
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (!listCheckpoints(join(killed, 'checkpoints')).some((c) => c.step >= 6)) return;
      const pid = /mbench: rank 1 of 2 .*, pid (\d+)/.exec(readFileSync(join(killed, 'ranks', 'rank-1.log'), 'utf8'))?.[1];
      if (!pid) return;
      clearInterval(poll);
      process.kill(Number(pid), 'SIGKILL');
      killedAt = Date.now();
      resolve();
    }, 20);
    void ended.then(() => {
      clearInterval(poll);
      reject(new Error(`the run ended before a rank could be killed: ${stderr}`));
    });
  });
  const code = await ended;
  assert.ok(Date.now() - killedAt < 60_000, 'the job ends within a bounded time of the kill');
  assert.equal(code, 1, stderr);
  assert.match(stderr, /rank 1 was killed by signal 9 \(Killed\); its log: .*\/ranks\/rank-1\.log; the other ranks were stopped; rerun the same command to resume from the checkpoint at step \d+/);
  assert.ok(!existsSync(join(killed, 'pretrain-result.json')), 'no result from a run that did not finish');

  // a copy resumes on one device: checkpoints do not depend on the device count
  const onOne = tmpRun();
  cpSync(killed, onOne, { recursive: true });
  const one = mbench(...args(onOne).map((a, i, all) => (all[i - 1] === '--devices' ? '1' : a)));
  assert.equal(one.status, 0, one.stderr);
  assert.match(one.stderr, /resuming from step \d+/);

  const resumed = mbench(...args(killed));
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(readFileSync(join(killed, 'ranks', 'rank-0.log'), 'utf8'), /resuming from step \d+/);
  assert.match(resumed.stdout, /steps\s+12/);
  const [a, b] = [train(whole), train(killed)];
  assert.equal(b.length, 12);
  a.forEach((r, i) => assert.ok(relDiff(r.loss, b[i]!.loss) <= 1e-5, `step ${i + 1}: ${r.loss} vs ${b[i]!.loss}`));
  const c = train(onOne);
  assert.equal(c.length, 12);
  a.forEach((r, i) => assert.ok(relDiff(r.loss, c[i]!.loss) <= 1e-3, `step ${i + 1} resumed on one device: ${r.loss} vs ${c[i]!.loss}`));
});

test('a rank that hangs (SIGSTOP) ends the run within the stall limit, naming it', { skip, timeout: 300_000 }, async () => {
  const out = tmpRun();
  const child = spawn(process.execPath, [bin, 'pretrain', ...common, '--duration', '400ba', '--checkpoint-every', '3', '--devices', '2', '--out', out], {
    env: { ...env, MBENCH_RANK_STALL_SECONDS: '3' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let pid = 0;
  while (!pid) {
    await new Promise((r) => setTimeout(r, 50));
    const log = existsSync(join(out, 'ranks', 'rank-1.log')) ? readFileSync(join(out, 'ranks', 'rank-1.log'), 'utf8') : '';
    if (listCheckpoints(join(out, 'checkpoints')).length > 0) pid = Number(/, pid (\d+)/.exec(log)?.[1] ?? 0);
  }
  // Stop it while it computes (its heartbeat says `N done`): a rank stopped inside the collective looks like the
  // others, waiting in it, and the report can only say that every rank is stuck.
  const beat = join(out, 'ranks', 'rank-1.beat');
  for (;;) {
    process.kill(pid, 'SIGSTOP');
    if (readFileSync(beat, 'utf8').endsWith('done')) break;
    process.kill(pid, 'SIGCONT');
    await new Promise((r) => setTimeout(r, 7));
  }
  const stoppedAt = Date.now();
  try {
    assert.equal(await ended, 1, stderr);
    assert.ok(Date.now() - stoppedAt < 60_000, 'ended within a bounded time');
    assert.match(stderr, /no rank made progress for 3 s \(MBENCH_RANK_STALL_SECONDS\); held up by rank 1 \(log .*rank-1\.log\); the other ranks were stopped; rerun the same command to resume from the checkpoint at step \d+/);
  } finally {
    try {
      process.kill(pid, 'SIGKILL'); // if mpirun left it stopped
    } catch {
      // already gone
    }
  }
});

test('bad device settings are refused before anything starts, naming what to change', () => {
  const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
    [['--batch', '32', '--devices', '3'], env, /the global batch 32 \(--batch\) does not divide over 3 devices \(--devices\)/],
    [['--batch', '32', '--devices', '2', '--microbatch', '5'], env, /--microbatch 5 does not divide the per-device batch 16 \(--batch 32 \/ 2 devices\)/],
    [['--batch', '4096', '--devices', '4096'], env, /--devices 4096: 4096 devices on backend '\w+' need a CPU core per rank; this machine gives \d+ cores?/],
    // no mpirun on PATH: the packages to install
    [['--batch', '32', '--devices', '2'], { ...env, PATH: '/nonexistent' }, /openmpi-bin libopenmpi-dev/],
  ];
  const withoutBatch = common.filter((_, i, all) => all[i] !== '--batch' && all[i - 1] !== '--batch');
  for (const [args, e, message] of cases) {
    if (problem && message.source.includes('need a CPU core')) continue; // checked after MPI is found
    const out = tmpRun();
    const r = spawnSync(process.execPath, [bin, 'pretrain', ...withoutBatch, ...args, '--out', out], { encoding: 'utf8', env: e });
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr, message);
    assert.ok(!existsSync(out), 'no output folder');
  }
});
