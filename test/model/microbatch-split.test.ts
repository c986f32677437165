// Splitting a batch into microbatches (src/train/batch-split.ts) computes the same loss and gradients as the whole
// batch, dropout included: masks are keyed by each sample's global index (TokenBatch.firstSample).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createEncoder } from '../../src/model/encoder.js';
import { registerAllGradients } from '../../src/engine/gradients.js';
import { batchSplit, maskedCount, microbatchesOf } from '../../src/train/batch-split.js';
import { AdamWOptimizer } from '../../src/train/optimizer.js';
import { DEFAULT_ADAMW } from '../../kernels/adamw.js';
import { makeBatch, tinyConfig } from './helpers.js';

await tf.setBackend('cpu');
await registerAllGradients();

for (const [recipe, unpad] of [['bert', false], ['mosaic', true]] as const) {
  test(`${recipe}${unpad ? ' unpadded' : ''}: 4 microbatches of 2 give the whole batch's loss and update, with dropout`, async () => {
    // attention dropout on for both, so the per-sample keying of the [B,h,T,T] mask is exercised too
    const config = tinyConfig(recipe, { unpad, attentionDropout: 0.1, hiddenDropout: 0.1 });
    const batch = makeBatch([16, 9, 13, 4, 11, 16, 7, 12], 16, 50, 5);
    const split = batchSplit(8, 1, 2);
    const parts = microbatchesOf(batch, split, 0);
    assert.deepEqual(parts.map((p) => p.firstSample), [0, 2, 4, 6]);
    const total = maskedCount(batch);
    const train = async (lossParts: (m: ReturnType<typeof createEncoder>) => Array<{ loss: () => tf.Scalar; weight: number }>) => {
      const model = createEncoder(config, 3);
      const opt = new AdamWOptimizer(model.weights, DEFAULT_ADAMW, 1.0);
      const r = await opt.stepAccumulated(lossParts(model), 1, 1e-3, 1e-3);
      const weights = model.weights.map((w) => Float32Array.from(w.variable.dataSync() as Float32Array));
      opt.dispose();
      model.dispose();
      return { ...r, weights };
    };
    const whole = await train((m) => [{ loss: () => m.mlmLoss(batch, 77).loss, weight: 1 }]);
    const split4 = await train((m) => parts.map((p) => ({ loss: () => m.mlmLoss(p, 77).loss, weight: maskedCount(p) / total })));
    assert.ok(Math.abs(whole.loss - split4.loss) < 1e-5 * whole.loss, `loss ${whole.loss} vs ${split4.loss}`);
    assert.ok(Math.abs(whole.gradNorm - split4.gradNorm) < 1e-4 * whole.gradNorm, `gradient norm ${whole.gradNorm} vs ${split4.gradNorm}`);
    whole.weights.forEach((w, i) => w.forEach((v, j) => assert.ok(Math.abs(v - split4.weights[i]![j]!) < 2e-5, `weight ${i}[${j}]: ${v} vs ${split4.weights[i]![j]}`)));
    // and the keying matters: the same microbatches numbered from 0 each are another computation
    const renumbered = await train((m) => parts.map((p) => ({ loss: () => m.mlmLoss({ ...p, firstSample: 0 }, 77).loss, weight: maskedCount(p) / total })));
    assert.ok(Math.abs(whole.loss - renumbered.loss) > 1e-4, 'dropout masks keyed by position within the microbatch would differ');
  });
}

test('the flat-buffer reduction: two ranks holding the same half of the weight give the whole update, and the extra values come back summed', async () => {
  const config = tinyConfig('mosaic', { unpad: true });
  const batch = makeBatch([16, 9, 13, 4], 16, 50, 9);
  const run = async (weight: number, reduce: boolean) => {
    const model = createEncoder(config, 3);
    const opt = new AdamWOptimizer(model.weights, DEFAULT_ADAMW, 1.0);
    // a stand-in for MPI_Allreduce over two ranks that computed the same thing: every sum is twice the value
    const reduction = reduce ? { allreduceSum: (b: Float32Array) => b.forEach((v, i) => (b[i] = 2 * v)), extra: [1, 0.25] } : undefined;
    const r = await opt.stepAccumulated([{ loss: () => model.mlmLoss(batch, 5).loss, weight }], 1, 1e-3, 1e-3, reduction);
    const out = { ...r, weights: model.weights.map((w) => Float32Array.from(w.variable.dataSync() as Float32Array)), names: model.weights.map((w) => w.name) };
    opt.dispose();
    model.dispose();
    return out;
  };
  const whole = await run(1, false);
  const halves = await run(0.5, true);
  assert.ok(Math.abs(whole.loss - halves.loss) < 1e-5 * whole.loss);
  assert.deepEqual(halves.extra, [2, 0.5]);
  assert.ok(halves.communicationSeconds >= 0);
  whole.weights.forEach((w, i) => w.forEach((v, j) => assert.ok(Math.abs(v - halves.weights[i]![j]!) < 2e-5, `${whole.names[i]}[${j}]`)));
});
