// Which folders of a results root are sweeps, and which folders of a sweep are runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { holdsSummaries, listRuns, listSweeps } from '../../src/results/store.js';

const tempRoot = (): string => mkdtempSync(join(tmpdir(), 'mbench-store-'));
const touch = (path: string, text = '{}'): void => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};

test('listRuns: every sub-folder, sorted, except dot-folders, files and chart folders', () => {
  const sweep = tempRoot();
  for (const run of ['b2', 'a1', 'c3']) mkdirSync(join(sweep, run));
  touch(join(sweep, 'a1', 'summary.json'));
  mkdirSync(join(sweep, '.slurm', 'sub1'), { recursive: true });
  mkdirSync(join(sweep, '.a1.tmp-1'));
  mkdirSync(join(sweep, 'pareto'));
  // any other chart folder (sweep --plot's pareto-mlm-accuracy/, a --out inside the sweep) is known by its pareto.json
  touch(join(sweep, 'pareto-mlm-accuracy', 'pareto.json'));
  touch(join(sweep, 'my-charts', 'pareto.json'));
  // or by the plot/CSV files alone (`--plot` without --json writes no pareto.json)
  touch(join(sweep, 'plot-only', 'pareto.vl.json'));
  touch(join(sweep, 'csv-only', 'aggregates.csv'));
  touch(join(sweep, 'sweep.json'));
  assert.deepEqual(listRuns(sweep), ['a1', 'b2', 'c3']);
  assert.equal(holdsSummaries(sweep), true);
  assert.equal(holdsSummaries(join(sweep, 'b2')), false);
  assert.deepEqual(listRuns(join(sweep, 'nowhere')), []);
});

test('listSweeps: folders mbench sweep prepared (sweep.json) or holding a run with summary.json', () => {
  const root = tempRoot();
  touch(join(root, 'planned', 'sweep.json')); // prepared, nothing finished yet
  mkdirSync(join(root, 'planned', 'r1'));
  touch(join(root, 'copied', 'r1', 'summary.json')); // results without their plan
  touch(join(root, 'damaged', 'r1', 'summary.json'), 'not json'); // listing does not parse
  mkdirSync(join(root, 'empty', 'r1'), { recursive: true }); // a folder of folders, no plan, no results
  touch(join(root, 'kernels', 'wasm.json')); // mbench kernels' records are files
  touch(join(root, '.cache', 'r1', 'summary.json'));
  touch(join(root, 'pareto', 'r1', 'summary.json'));
  touch(join(root, 'out', 'pareto.json'));
  assert.deepEqual(listSweeps(root), ['copied', 'damaged', 'planned']);
  assert.deepEqual(listSweeps(join(root, 'nowhere')), []);
});
