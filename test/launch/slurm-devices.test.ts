// A multi-device run through the one-node Slurm cluster (test/slurm/cluster.sh): one array task of 2 ranks
// (--ntasks=2, srun), training the model the same run trains on one device locally. Skips, saying why, without
// a cluster or Open MPI — except under CI=true / MBENCH_MPI_REQUIRED=1, where it must run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mpiUnavailable } from '../../src/engine/mpi.js';
import { readJsonLines } from '../../src/results/atomic.js';
import type { MetricsRecord } from '../../src/train/types.js';
import { mbenchSync, runFolders, slurmProblem, tempDir } from './helpers.js';

const why = mpiUnavailable() ?? (spawnSync('mpirun', ['--version']).status === 0 ? null : 'mpirun is not on PATH') ?? slurmProblem();
const required = process.env.CI === 'true' || process.env['MBENCH_MPI_REQUIRED'] === '1';
const skip = why !== null && !required ? `no Slurm cluster with Open MPI here (${why}); start one with test/slurm/cluster.sh start` : false;

const sweepFile = (dir: string, name: string, devices: number): string => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `name: ${name}`,
      'defaults: { size: tiny, seqLen: 32, batchSize: 8, corpus: builtin, backend: cpu, evalSamples: 16, checkpointEvery: 2ba }',
      'matrix:',
      '  recipe: [mosaic]',
      '  duration: [6ba]',
      'baseline: mosaic',
      `devices: ${devices}`,
      'microbatch: 2',
      '',
    ].join('\n'),
  );
  return file;
};
const losses = (root: string, sweep: string): number[] =>
  readJsonLines<MetricsRecord>(join(runFolders(root, sweep)[0]!, 'metrics.jsonl')).flatMap((r) => (r.kind === 'train' ? [r.loss] : []));

test('a two-rank run through Slurm: one task of 2 ranks, the losses of one device, devices 2 in its summary', { skip, timeout: 600_000 }, () => {
  assert.equal(why, null, `CI needs Slurm and Open MPI here: ${why}`);
  const dir = tempDir();
  const root = join(dir, 'results');
  const s = mbenchSync(['sweep', sweepFile(dir, 'dp2', 2), '--results', root, '--executor', 'slurm'], { MBENCH_SLURM_POLL_MS: '300' });
  assert.equal(s.code, 0, s.stderr);
  const [run] = runFolders(root, 'dp2');
  const summary = JSON.parse(readFileSync(join(run!, 'summary.json'), 'utf8')) as { pretrain: { devices: number; ranks: number; microbatch: number; steps: number } };
  assert.deepEqual([summary.pretrain.devices, summary.pretrain.ranks, summary.pretrain.microbatch, summary.pretrain.steps], [2, 2, 2, 6]);
  assert.ok(existsSync(join(run!, 'ranks', 'rank-1.log')));
  // the job asked Slurm for one task of two ranks
  const submission = readdirSync(join(root, 'dp2', '.slurm'))[0]!;
  const log = readFileSync(join(root, 'dp2', '.slurm', submission, 'logs', 'task-0.log'), 'utf8');
  assert.match(log, /starting 2 ranks with srun \(PMIx\); their logs: .*\/ranks/);
  const l = mbenchSync(['sweep', sweepFile(dir, 'dp1', 1), '--results', root]);
  assert.equal(l.code, 0, l.stderr);
  const [a, b] = [losses(root, 'dp1'), losses(root, 'dp2')];
  assert.equal(b.length, 6);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) <= 1e-3 * x, `step ${i + 1}: ${x} vs ${b[i]}`));
});
