// Ctrl-C on a local sweep: the runs stop at their next step, keep their checkpoints, release their locks,
// and the sweep exits 130; the next sweep resumes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lines, mbenchSync, mockSweep, runFolders, start, tempDir, waitFor } from './helpers.js';

test('SIGINT stops a local sweep cleanly: exit 130, checkpoints kept, no locks left, runs resume next time', { timeout: 90_000 }, async () => {
  const dir = tempDir();
  const file = mockSweep(dir, { name: 'ctrlc', durations: ['400ba'], stepMs: 50 });
  const root = join(dir, 'results');
  const args = ['sweep', file, '--results', root, '--concurrency', '2'];
  const s = start(args);
  await waitFor(() => runFolders(root, 'ctrlc').filter((d) => existsSync(join(d, 'checkpoints', 'mock-state.json'))).length === 2, 60_000, 'both runs past a checkpoint');
  s.child.kill('SIGINT');
  const r = await s.done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupted bert-tiny-400ba-s1/);
  for (const d of runFolders(root, 'ctrlc')) {
    assert.equal(existsSync(join(d, 'lock')), false, 'lock released');
    assert.equal(existsSync(join(d, 'summary.json')), false);
    assert.equal(existsSync(join(d, 'failure.json')), false, 'an interruption is not a failure');
  }
  const status = JSON.parse(mbenchSync(['status', 'ctrlc', '--results', root, '--json']).stdout) as Array<{ state: string }>;
  assert.deepEqual(status.map((x) => x.state), ['partial', 'partial']);
});

test('a killed sweep leaves no trainer running: a real run sees its parent go, checkpoints within a step and stops', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const file = join(dir, 'orphan.yaml');
  writeFileSync(file, 'name: orphan\ndefaults: { size: tiny, seqLen: 32, batchSize: 4, backend: cpu, corpus: builtin, checkpointEvery: 100000ba }\nmatrix:\n  recipe: [bert]\n  duration: [100000ba]\n');
  const root = join(dir, 'results');
  const s = start(['sweep', file, '--results', root, '--concurrency', '1']);
  const metrics = (): string[] => runFolders(root, 'orphan').flatMap((d) => (existsSync(join(d, 'metrics.jsonl')) ? lines(join(d, 'metrics.jsonl')) : []));
  await waitFor(() => metrics().length >= 3, 90_000, 'the run past its third step');
  const [run] = runFolders(root, 'orphan');
  const pid = (JSON.parse(readFileSync(join(run!, 'lock'), 'utf8')) as { pid: number }).pid;
  s.child.kill('SIGKILL');
  await s.done;
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  await waitFor(() => !alive(), 30_000, `the orphaned trainer (pid ${pid}) to stop`);
  const checkpoints = readdirSync(join(run!, 'checkpoints')).filter((f) => /^step-\d+\.ckpt$/.test(f));
  assert.equal(checkpoints.length, 1, 'it checkpointed on its way out');
  assert.equal(existsSync(join(run!, 'lock')), false, 'and released its lock');
  assert.doesNotMatch(readFileSync(join(run!, 'run.log'), 'utf8'), /EPIPE|internal error/);
});
