import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadSweep } from '../../src/config/expand.js';
import { repoRoot } from '../../src/version.js';

const dir = join(repoRoot, 'sweeps');

test('every bundled sweep file loads and expands', () => {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  assert.ok(files.includes('quickstart.yaml'));
  for (const f of files) {
    const plan = loadSweep(join(dir, f));
    assert.ok(plan.runs.length > 0, f);
    assert.equal(new Set(plan.runs.map((r) => r.id)).size, plan.runs.length, f);
  }
});

test('quickstart: bert vs mosaic, tiny, three durations, two pretraining seeds, micro-GLUE', () => {
  const { sweep, runs } = loadSweep(join(dir, 'quickstart.yaml'));
  assert.equal(sweep.baseline, 'bert');
  assert.deepEqual([...new Set(runs.map((r) => r.recipe))].sort(), ['bert', 'mosaic']);
  assert.ok(new Set(runs.map((r) => r.config.duration)).size >= 3);
  assert.deepEqual(sweep.seeds, [1, 2]);
  assert.equal(runs[0]!.finetune?.suite, 'micro-glue');
  assert.ok(runs.every((r) => r.config.size === 'tiny' && r.runner === 'train'));
});
