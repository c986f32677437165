import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { AdamWOptimizer } from '../../src/train/optimizer.js';
import { DEFAULT_ADAMW } from '../../kernels/adamw.js';
import { registerAllGradients } from '../../src/engine/gradients.js';

await tf.setBackend('cpu');
await registerAllGradients();

async function run(placement: 'host' | 'device'): Promise<{ losses: number[]; norms: number[]; w: number[] }> {
  const w = tf.tidy(() => tf.variable(tf.tensor([[0.5, -1], [2, 0.25]])));
  const b = tf.tidy(() => tf.variable(tf.tensor([0.1, -0.1])));
  const x = tf.tensor([[1, 2], [3, -1], [0.5, 0.5]]);
  const y = tf.tensor([[1, 0], [0, 1], [1, 1]]);
  const opt = new AdamWOptimizer([{ name: 'w', variable: w }, { name: 'b', variable: b }], { ...DEFAULT_ADAMW, weightDecay: 0.1 }, 1.0, placement);
  const losses: number[] = [];
  const norms: number[] = [];
  for (let t = 1; t <= 5; t++) {
    const r = await opt.step(() => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar, t, 0.05, 0.05);
    losses.push(r.loss);
    norms.push(r.gradNorm);
  }
  const out = { losses, norms, w: [...w.dataSync(), ...b.dataSync()] };
  opt.dispose();
  tf.dispose([w, b, x, y]);
  return out;
}

test('host and device placements take the same steps (clipping active)', async () => {
  const before = tf.memory().numTensors;
  const [h, d] = [await run('host'), await run('device')];
  assert.ok(h.norms[0]! > 1, 'the first gradients are clipped');
  h.losses.forEach((l, i) => assert.ok(Math.abs(l - d.losses[i]!) < 1e-5, `loss ${i}: ${l} vs ${d.losses[i]}`));
  h.norms.forEach((n, i) => assert.ok(Math.abs(n - d.norms[i]!) < 1e-4, `norm ${i}`));
  h.w.forEach((x, i) => assert.ok(Math.abs(x - d.w[i]!) < 1e-5, `weight ${i}`));
  assert.ok(h.losses[4]! < h.losses[0]!);
  assert.equal(tf.memory().numTensors, before, 'no leaks');
});

test('checkpoint arrays round-trip into a fresh optimizer', async () => {
  const w = tf.variable(tf.tensor([[1, 2]]));
  const opt = new AdamWOptimizer([{ name: 'w', variable: w }], DEFAULT_ADAMW, 1, 'host');
  await opt.step(() => tf.sum(tf.square(w)) as tf.Scalar, 1, 0.1, 0.1);
  const arrays = await opt.toArrays();
  const w2 = tf.variable(tf.tensor([[0, 0]]));
  const opt2 = new AdamWOptimizer([{ name: 'w', variable: w2 }], DEFAULT_ADAMW, 1, 'host');
  assert.equal(opt2.loadArrays(arrays), null);
  assert.deepEqual(await opt2.toArrays(), arrays);
  assert.match(opt2.loadArrays(arrays.filter((a) => a.kind !== 'adam.v')) ?? '', /no adam.v tensor 'w'/);
  tf.dispose([w, w2]);
});
