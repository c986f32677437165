// A run that fails is reported with its exit code and log, the rest of the sweep finishes, status shows it,
// and running the sweep again retries only what is unfinished.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lines, mbenchSync, mockSweep, runFolders, tempDir } from './helpers.js';

test('a failed run: exit code and log path reported, others finish, status says failed, a rerun retries only it', { timeout: 90_000 }, () => {
  const dir = tempDir();
  const file = mockSweep(dir, { name: 'fails', seeds: [1, 2], failSeeds: [2], durations: ['10ba'] });
  const root = join(dir, 'results');
  const r = mbenchSync(['sweep', file, '--results', root, '--concurrency', '2']);
  assert.equal(r.code, 1, r.stderr);
  const failedLines = r.stderr.split('\n').filter((l) => l.includes('FAILED'));
  assert.equal(failedLines.length, 2);
  for (const l of failedLines) assert.match(l, /FAILED \S+-s2 \([0-9a-f]{12}\): exit code 3 \(mock run told to fail at step 5 \(mock\.failSeeds\)\); log: \S+\/run\.log/);
  const logPath = /log: (\S+)/.exec(failedLines[0]!)![1]!;
  assert.match(readFileSync(logPath, 'utf8'), /run \S+ \([0-9a-f]{12}\) failed: mock run told to fail/);
  assert.match(r.stderr, /2\/4 runs finished, 2 failed/);

  const status = mbenchSync(['status', 'fails', '--results', root, '--json']);
  assert.equal(status.code, 0, status.stderr);
  const rows = JSON.parse(status.stdout) as Array<{ name: string; state: string; detail: string; score: number | null }>;
  assert.deepEqual(rows.map((x) => x.state).sort(), ['done', 'done', 'failed', 'failed']);
  for (const x of rows) {
    if (x.name.endsWith('-s2')) assert.match(x.detail, /^exit 3: mock run told to fail/);
    else assert.ok(x.score! > 0.5);
  }

  const again = mbenchSync(['sweep', file, '--results', root, '--concurrency', '2']);
  assert.equal(again.code, 1);
  for (const d of runFolders(root, 'fails')) {
    const n = lines(join(d, 'attempts.jsonl')).length;
    assert.equal(n, existsSync(join(d, 'summary.json')) ? 1 : 2);
  }
});
