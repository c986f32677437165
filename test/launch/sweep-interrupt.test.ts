// Ctrl-C on a local sweep: the runs stop at their next step, keep their checkpoints, release their locks,
// and the sweep exits 130; the next sweep resumes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mbenchSync, mockSweep, runFolders, start, tempDir, waitFor } from './helpers.js';

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
