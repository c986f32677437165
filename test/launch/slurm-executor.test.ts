// The Slurm executor against a real cluster (test/slurm/cluster.sh starts a one-node one; CI always does):
// the same sweep through Slurm and through the local pool gives the same run ids and the same summaries.
// Skips, saying why, when no cluster answers — except under CI=true, where it must run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { comparableSummaries, mbenchSync, mockSweep, runFolders, slurmProblem, tempDir } from './helpers.js';
import { repoRoot } from '../../src/version.js';

const problem = slurmProblem();
const skip = problem !== null && process.env.CI !== 'true' ? `no Slurm cluster reachable (${problem}); start one with test/slurm/cluster.sh start` : false;
const env = { MBENCH_SLURM_POLL_MS: '300' };

test('a sweep through Slurm equals the same sweep run locally; failed tasks report exit code and log; resubmission runs only the rest', { skip, timeout: 240_000 }, () => {
  assert.equal(problem, null, `CI=true but Slurm is not usable: ${problem}`);
  const dir = tempDir();
  const file = mockSweep(dir, { name: 'slurmy', seeds: [1, 2], durations: ['10ba'] });
  // A results root whose path needs quoting everywhere it goes (job script, --output, task list).
  const viaSlurm = join(dir, "it's a $(touch PWNED) %a dir");
  const viaLocal = join(dir, 'local');
  const s = mbenchSync(['sweep', file, '--results', viaSlurm, '--executor', 'slurm', '--concurrency', '4'], env);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stderr, /submitted Slurm job \d+: 4 array task\(s\), at most 4 at once/);
  const l = mbenchSync(['sweep', file, '--results', viaLocal, '--concurrency', '2']);
  assert.equal(l.code, 0, l.stderr);
  const a = comparableSummaries(viaSlurm, 'slurmy');
  const b = comparableSummaries(viaLocal, 'slurmy');
  assert.equal(Object.keys(a).length, 4);
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
  assert.deepEqual(a, b);
  assert.equal(existsSync(join(dir, 'PWNED')), false);
  assert.equal(existsSync(join(viaSlurm, 'PWNED')), false);

  // Seed 2 fails: its tasks are reported with exit code 3 and their log; resubmitting runs only those.
  const failing = mockSweep(dir, { name: 'slurmfail', seeds: [1, 2], durations: ['10ba'], failSeeds: [2] });
  const f = mbenchSync(['sweep', failing, '--results', viaSlurm, '--executor', 'slurm'], env);
  assert.equal(f.code, 1, f.stderr);
  const failedLines = f.stderr.split('\n').filter((x) => x.includes('FAILED'));
  assert.equal(failedLines.length, 2, f.stderr);
  for (const x of failedLines) assert.match(x, /-s2 .*exit code 3 .*; log: .*\/\.slurm\/.*\/logs\/task-\d\.log$/);
  const log = /log: (.*)$/.exec(failedLines[0]!)![1]!;
  assert.match(readFileSync(log, 'utf8'), /mock run told to fail/);
  const g = mbenchSync(['sweep', failing, '--results', viaSlurm, '--executor', 'slurm'], env);
  assert.equal(g.code, 1);
  assert.match(g.stderr, /submitted Slurm job \d+: 2 array task\(s\)/);
  const submissions = readdirSync(join(viaSlurm, 'slurmfail', '.slurm')).sort();
  assert.equal(submissions.length, 2);
  const tasks = JSON.parse(readFileSync(join(viaSlurm, 'slurmfail', '.slurm', submissions[1]!, 'tasks.json'), 'utf8')) as string[];
  assert.equal(tasks.length, 2);
  for (const t of tasks) assert.ok(!existsSync(join(t, 'summary.json')));
  assert.equal(runFolders(viaSlurm, 'slurmfail').filter((d) => existsSync(join(d, 'summary.json'))).length, 2);
});

test('Ctrl-C cancels the Slurm job and leaves the runs resumable', { skip, timeout: 120_000 }, async () => {
  const { start, waitFor } = await import('./helpers.js');
  const dir = tempDir();
  const file = mockSweep(dir, { name: 'cancelme', seeds: [1], durations: ['200ba'], stepMs: 100 });
  const root = join(dir, 'results');
  const s = start(['sweep', file, '--results', root, '--executor', 'slurm'], { env });
  let stderr = '';
  s.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitFor(() => runFolders(root, 'cancelme').some((d) => existsSync(join(d, 'checkpoints', 'mock-state.json'))), 60_000, 'a task to pass its first checkpoint');
  const jobId = /submitted Slurm job (\d+)/.exec(stderr)?.[1];
  assert.ok(jobId, stderr);
  s.child.kill('SIGINT');
  const r = await s.done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, new RegExp(`cancelling Slurm job ${jobId}`));
  const q = spawnSync('squeue', ['-h', '-r', '-j', jobId!, '-t', 'PD,R', '-o', '%i'], { encoding: 'utf8' });
  assert.equal(q.stdout.trim(), '', 'no task of the job is pending or running');
  const status = mbenchSync(['status', 'cancelme', '--results', root, '--json']);
  const states = (JSON.parse(status.stdout) as Array<{ state: string }>).map((x) => x.state);
  assert.ok(states.includes('partial'), states.join(','));
});

test('a real tiny pretraining run through Slurm equals the local one (same ids, same losses)', { skip, timeout: 240_000 }, () => {
  const dir = tempDir();
  const file = join(repoRoot, 'sweeps/tiny-real.yaml');
  const s = mbenchSync(['sweep', file, '--results', join(dir, 'slurm'), '--executor', 'slurm'], env);
  assert.equal(s.code, 0, s.stderr);
  const l = mbenchSync(['sweep', file, '--results', join(dir, 'local')]);
  assert.equal(l.code, 0, l.stderr);
  const a = comparableSummaries(join(dir, 'slurm'), 'tiny-real') as Record<string, { pretrain: { steps: number; finalLoss: number } }>;
  const b = comparableSummaries(join(dir, 'local'), 'tiny-real') as typeof a;
  assert.equal(Object.keys(a).length, 2);
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
  for (const id of Object.keys(a)) {
    assert.equal(a[id]!.pretrain.steps, b[id]!.pretrain.steps);
    assert.ok(Math.abs(a[id]!.pretrain.finalLoss - b[id]!.pretrain.finalLoss) < 1e-4, `${id}: ${a[id]!.pretrain.finalLoss} vs ${b[id]!.pretrain.finalLoss}`);
  }
});

test('SIGTERM to a real Slurm task (the warning before a time limit, a preemption) checkpoints it; the next sweep resumes it to the local result', { skip, timeout: 300_000 }, async () => {
  const { start, waitFor, lines } = await import('./helpers.js');
  const { writeFileSync } = await import('node:fs');
  const dir = tempDir();
  const file = join(dir, 'term.yaml');
  writeFileSync(file, 'name: term\ndefaults: { size: tiny, seqLen: 32, batchSize: 4, backend: wasm, corpus: builtin, checkpointEvery: 100000ba }\nmatrix:\n  recipe: [bert]\n  duration: [120ba]\n');
  const root = join(dir, 'slurm');
  const s = start(['sweep', file, '--results', root, '--executor', 'slurm'], { env });
  let stderr = '';
  s.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const metrics = (): number => runFolders(root, 'term').reduce((n, d) => n + (existsSync(join(d, 'metrics.jsonl')) ? lines(join(d, 'metrics.jsonl')).length : 0), 0);
  await waitFor(() => metrics() >= 5, 120_000, 'the task past its fifth step');
  const jobId = /submitted Slurm job (\d+)/.exec(stderr)?.[1];
  assert.ok(jobId, stderr);
  // what Slurm does at --signal time or on preemption: SIGTERM to the batch step (which execs mbench)
  const sc = spawnSync('scancel', ['--batch', '--signal=TERM', jobId!], { encoding: 'utf8' });
  assert.equal(sc.status, 0, sc.stderr);
  await s.done;
  const [run] = runFolders(root, 'term');
  const ckpts = readdirSync(join(run!, 'checkpoints')).filter((f) => /^step-\d+\.ckpt$/.test(f));
  assert.equal(ckpts.length, 1, 'a checkpoint written on SIGTERM');
  assert.equal(existsSync(join(run!, 'summary.json')), false);
  const log = readdirSync(join(root, 'term', '.slurm'), { recursive: true }).map(String).filter((f) => f.endsWith('.log'));
  assert.ok(log.some((f) => /interrupted/.test(readFileSync(join(root, 'term', '.slurm', f), 'utf8'))), 'the task log says it was interrupted');
  // the next sweep resumes it, to the same end as an uninterrupted local run
  const again = mbenchSync(['sweep', file, '--results', root, '--executor', 'slurm'], env);
  assert.equal(again.code, 0, again.stderr);
  const local = mbenchSync(['sweep', file, '--results', join(dir, 'local')]);
  assert.equal(local.code, 0, local.stderr);
  const a = comparableSummaries(root, 'term') as Record<string, { pretrain: { steps: number; finalLoss: number } }>;
  const b = comparableSummaries(join(dir, 'local'), 'term') as typeof a;
  for (const id of Object.keys(b)) {
    assert.equal(a[id]!.pretrain.steps, 120);
    assert.ok(Math.abs(a[id]!.pretrain.finalLoss - b[id]!.pretrain.finalLoss) < 1e-4, `${a[id]!.pretrain.finalLoss} vs ${b[id]!.pretrain.finalLoss}`);
  }
});
