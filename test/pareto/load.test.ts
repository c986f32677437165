import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../src/errors.js';
import { loadRuns } from '../../src/pareto/load.js';
import { listSweeps } from '../../src/results/store.js';
import { tempRoot, writeSweep, writeUnfinished } from './synthetic.js';

test('loads finished runs, skips (and counts) run folders without summary.json, and skips chart folders', () => {
  const root = tempRoot();
  writeSweep(root, 'qs', [
    { recipe: 'bert', wallSeconds: 7200, score: 0.7, tasks: { spam: 0.9 } },
    { recipe: 'mosaic', wallSeconds: 3600, score: 0.72, intermediateOf: 'abc' },
  ]);
  writeUnfinished(root, 'qs', 'running1');
  mkdirSync(join(root, 'qs', 'pareto'), { recursive: true });
  // another chart folder (sweep --plot's pareto-mlm-accuracy/, or a --out inside the sweep) is known by its pareto.json
  mkdirSync(join(root, 'qs', 'pareto-mlm-accuracy'), { recursive: true });
  writeFileSync(join(root, 'qs', 'pareto-mlm-accuracy', 'pareto.json'), '{}');
  const loaded = loadRuns(root);
  assert.equal(loaded.sweep, 'qs');
  assert.equal(loaded.unfinished, 1);
  assert.equal(loaded.points.length, 2);
  const bert = loaded.points.find((p) => p.recipe === 'bert')!;
  assert.deepEqual([bert.kind, bert.hours, bert.score, bert.tasks], ['run', 2, 0.7, { spam: 0.9 }]);
  assert.equal(loaded.points.find((p) => p.recipe === 'mosaic')!.kind, 'intermediate');
  // the sweep folder itself works as RESULTS_DIR
  assert.equal(loadRuns(join(root, 'qs')).points.length, 2);
});

test('a malformed or foreign summary.json is skipped with a warning naming it', () => {
  const root = tempRoot();
  writeSweep(root, 'qs', [{ recipe: 'bert', wallSeconds: 60, score: 0.5 }]);
  mkdirSync(join(root, 'qs', 'torn'));
  writeFileSync(join(root, 'qs', 'torn', 'summary.json'), '{"schemaVersion": 1, "id": ');
  mkdirSync(join(root, 'qs', 'other'));
  writeFileSync(join(root, 'qs', 'other', 'summary.json'), '{"schemaVersion": 1, "id": "x"}');
  const loaded = loadRuns(root, 'qs');
  assert.equal(loaded.points.length, 1);
  assert.equal(loaded.warnings.length, 2);
  assert.match(loaded.warnings.join('\n'), /torn\/summary\.json: not valid JSON/);
  assert.match(loaded.warnings.join('\n'), /other\/summary\.json: not a summary\.json mbench can read/);
});

test('several sweeps need --sweep; an unknown --sweep suggests the known ones; an empty root has no runs', () => {
  const root = tempRoot();
  writeSweep(root, 'base', [{ recipe: 'bert', wallSeconds: 60, score: 0.5 }]);
  writeSweep(root, 'large', [{ recipe: 'bert', wallSeconds: 60, score: 0.5 }]);
  mkdirSync(join(root, 'kernels'));
  assert.deepEqual(listSweeps(root), ['base', 'large']);
  assert.throws(() => loadRuns(root), (e: Error) => e instanceof UserError && /several sweeps \(base, large\): choose one with --sweep/.test(e.message));
  assert.equal(loadRuns(root, 'large').points.length, 1);
  assert.throws(() => loadRuns(root, 'lage'), /--sweep 'lage': no folder .*did you mean 'large'/);
  assert.deepEqual(loadRuns(join(root, 'nowhere')).points, []);
});
