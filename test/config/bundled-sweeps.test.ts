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

test('quickstart: bert vs mosaic, tiny, ≥ 3 seeds, durations spanning ≥ 8× up to ≥ 500k tokens, a random-init point, probed', () => {
  const { sweep, runs } = loadSweep(join(dir, 'quickstart.yaml'));
  assert.equal(sweep.baseline, 'bert');
  assert.deepEqual([...new Set(runs.map((r) => r.recipe))].sort(), ['bert', 'mosaic']);
  assert.ok(sweep.seeds.length >= 3, 'at least three pretraining seeds');
  const steps = [...new Set(runs.map((r) => Number(String(r.config.duration).replace(/ba$/, ''))))].sort((a, b) => a - b);
  assert.equal(steps[0], 0, 'a 0ba random-init point');
  const positions = (n: number) => n * Number(runs[0]!.config.batchSize) * Number(runs[0]!.config.seqLen);
  assert.ok(steps.at(-1)! / steps[1]! >= 8, `durations span ${steps.join(', ')} steps`);
  assert.ok(positions(steps.at(-1)!) >= 500_000, 'the longest run sees at least 500k token positions');
  assert.equal(runs[0]!.finetune?.suite, 'micro-glue');
  assert.equal(runs[0]!.finetune?.method, 'probe');
  assert.ok(runs.every((r) => r.config.size === 'tiny' && r.runner === 'train' && r.config.backend === 'auto'));
});
