// The --dry-run plan and the run keep one account (src/model/flops.ts): the plan's parameter count is what the
// run records, and the plan's FLOPs are the run's formula applied to the batches the plan assumes — so the run's
// FLOPs, recounted with the plan's model on the batches the run actually trained on, are exactly what it recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateRun, plannedModel } from '../../src/config/estimate.js';
import { planFromSource } from '../../src/config/expand.js';
import { YamlSource } from '../../src/config/yaml-source.js';
import { trainRunner } from '../../src/launch/runners/train.js';
import { Encoder } from '../../src/model/encoder.js';
import { stepShape, trainingFlops, type StepShape } from '../../src/model/flops.js';
import type { MlmBatch } from '../../src/model/types.js';

const SWEEP = `
name: plan-vs-run
runner: train
defaults: { size: tiny, seqLen: 16, batchSize: 4, backend: cpu, corpus: builtin, checkpointEvery: 10ba }
matrix:
  recipe: [bert, mosaic]
  duration: [3ba]
`;

test('the dry-run plan’s params and FLOPs are what a pretraining run records', { timeout: 300_000 }, async () => {
  const { runs } = planFromSource(YamlSource.parse('plan-vs-run.yaml', SWEEP));
  assert.equal(runs.length, 2);
  const root = mkdtempSync(join(tmpdir(), 'mbench-plan-run-'));
  // Record the shape of every batch the model counts (real and masked tokens), then count as the model does.
  const shapes: StepShape[] = [];
  const trainFlops = Encoder.prototype.trainFlops;
  Encoder.prototype.trainFlops = function (this: Encoder, batch: MlmBatch): number {
    shapes.push(stepShape(batch));
    return trainFlops.call(this, batch);
  };
  try {
    for (const spec of runs) {
      shapes.length = 0;
      const plan = estimateRun(spec.config);
      const out = await trainRunner({ spec, dir: join(root, spec.id), signal: new AbortController().signal, progress: () => undefined, log: () => undefined });
      assert.equal(out.params, plan.params, `${spec.recipe}: params`);

      const model = plannedModel(spec.config);
      assert.equal(shapes.length, plan.steps);
      assert.ok(shapes.every((s) => s.batchSize === 4 && s.seqLen === 16));
      assert.equal(out.pretrain.flops, shapes.reduce((n, s) => n + trainingFlops(model, s), 0), `${spec.recipe}: the run's FLOPs`);
      // The plan: the same count on batches of real tokens only, maskRatio of them masked.
      const assumed = { batchSize: 4, seqLen: 16, realTokens: 64, maskedTokens: Number(spec.config.maskRatio) * 64 };
      assert.equal(plan.flops, 3 * trainingFlops(model, assumed), `${spec.recipe}: the plan's FLOPs`);
      assert.ok(out.pretrain.flops > 0 && out.pretrain.flops <= plan.flops! * 1.5);
    }
  } finally {
    Encoder.prototype.trainFlops = trainFlops;
    rmSync(root, { recursive: true, force: true });
  }
});
