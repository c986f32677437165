// Acceptance: two `mbench sweep` processes started on the same sweep at once complete it, and no run runs twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lines, mockSweep, runFolders, start, tempDir } from './helpers.js';

test('two sweeps on one results folder split the runs and both finish with the sweep complete', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const file = mockSweep(dir, { name: 'twice', durations: ['10ba', '20ba'], seeds: [1], stepMs: 20 });
  const root = join(dir, 'results');
  const args = ['sweep', file, '--results', root, '--concurrency', '2', '--progress', 'plain'];
  const [a, b] = await Promise.all([start(args).done, start(args).done]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const runs = runFolders(root, 'twice');
  assert.equal(runs.length, 4);
  for (const d of runs) {
    assert.ok(existsSync(join(d, 'summary.json')), `${d} finished`);
    assert.equal(lines(join(d, 'attempts.jsonl')).length, 1, `${d} ran exactly once`);
    assert.equal(existsSync(join(d, 'lock')), false);
  }
  // Each sweep reports every run, finished by itself or by the other.
  for (const out of [a.stderr, b.stderr]) assert.match(out, /4\/4 runs finished/);
});
