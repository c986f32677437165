// Acceptance: SIGKILL a sweep mid-run (its whole process group, children included), run the same command again:
// finished runs are not rerun, the interrupted run resumes from its checkpoint, and the summaries equal those
// of an uninterrupted sweep.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { comparableSummaries, lines, mbenchSync, mockSweep, runFolders, start, tempDir, waitFor } from './helpers.js';

test('a SIGKILLed sweep resumes: nothing finished reruns, the interrupted run continues from its checkpoint', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const file = mockSweep(dir, { name: 'killme', durations: ['40ba'], seeds: [1], stepMs: 40 });
  const root = join(dir, 'results');
  const args = ['sweep', file, '--results', root, '--concurrency', '1'];

  const first = start(args, { detached: true });
  const state = (d: string): number => (existsSync(join(d, 'checkpoints/mock-state.json')) ? JSON.parse(readFileSync(join(d, 'checkpoints/mock-state.json'), 'utf8')).step : 0);
  // Wait for one run to finish and the next to pass a checkpoint, then kill everything at once.
  await waitFor(() => {
    const runs = runFolders(root, 'killme');
    return runs.some((d) => existsSync(join(d, 'summary.json'))) && runs.some((d) => !existsSync(join(d, 'summary.json')) && state(d) >= 10);
  }, 90_000, 'one finished run and one past a checkpoint');
  process.kill(-first.child.pid!, 'SIGKILL');
  await first.done;

  const runs = runFolders(root, 'killme');
  const finished = runs.filter((d) => existsSync(join(d, 'summary.json')));
  const interrupted = runs.filter((d) => !existsSync(join(d, 'summary.json')) && state(d) > 0);
  assert.equal(finished.length, 1);
  assert.equal(interrupted.length, 1);
  const checkpointStep = state(interrupted[0]!);
  assert.ok(existsSync(join(interrupted[0]!, 'lock')), 'the killed run left its lock behind');

  const second = mbenchSync(args);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /already finished/);
  for (const d of runs) assert.ok(existsSync(join(d, 'summary.json')), `${d} finished`);
  assert.equal(lines(join(finished[0]!, 'attempts.jsonl')).length, 1, 'the finished run was not run again');
  assert.equal(lines(join(interrupted[0]!, 'attempts.jsonl')).length, 2);
  assert.match(readFileSync(join(interrupted[0]!, 'run.log'), 'utf8'), new RegExp(`resuming from step ${checkpointStep}`));
  // metrics.jsonl holds each step once, the resumed part continuing where the checkpoint was
  const steps = lines(join(interrupted[0]!, 'metrics.jsonl')).map((l) => JSON.parse(l).step as number);
  assert.deepEqual(steps, Array.from({ length: 40 }, (_, i) => i + 1));

  // The same sweep, uninterrupted, in another folder: the same summaries.
  const clean = join(dir, 'clean');
  const third = mbenchSync(['sweep', file, '--results', clean, '--concurrency', '2']);
  assert.equal(third.code, 0, third.stderr);
  const a = comparableSummaries(root, 'killme');
  const b = comparableSummaries(clean, 'killme');
  assert.equal(Object.keys(a).length, 2);
  assert.deepEqual(a, b);
});
