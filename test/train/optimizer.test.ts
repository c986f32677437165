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

test('a step over ranks reuses one exchange buffer, and a weight without a gradient in a later step gets no stale one', async () => {
  // Identity "ranks" (a reduction that sums over one rank) must take exactly the steps of no reduction; the bias
  // has a gradient only in odd steps, so in even steps it must not move, whatever the buffer held before.
  const trainRun = async (reduce: boolean) => {
    const w = tf.tidy(() => tf.variable(tf.tensor([[0.5, -1], [2, 0.25]])));
    const b = tf.tidy(() => tf.variable(tf.tensor([0.1, -0.1])));
    const x = tf.tensor([[1, 2], [3, -1], [0.5, 0.5]]);
    const y = tf.tensor([[1, 0], [0, 1], [1, 1]]);
    const opt = new AdamWOptimizer([{ name: 'w', variable: w }, { name: 'b', variable: b }], { ...DEFAULT_ADAMW, weightDecay: 0.1 }, 1.0, 'device');
    const buffers: Float32Array[] = [];
    const biases: number[][] = [];
    for (let t = 1; t <= 4; t++) {
      const loss = () => tf.mean(tf.square(tf.sub(t % 2 ? tf.add(tf.matMul(x, w), b) : tf.matMul(x, w), y))) as tf.Scalar;
      const reduction = reduce ? { allreduceSum: (buf: Float32Array) => void buffers.push(buf), barrier: () => undefined } : undefined;
      await opt.stepAccumulated([{ loss, weight: 1 }], t, 0.05, 0.05, reduction);
      biases.push([...b.dataSync()]);
    }
    const out = { w: [...w.dataSync()], biases, buffers };
    opt.dispose();
    tf.dispose([w, b, x, y]);
    return out;
  };
  const [plain, ranked] = [await trainRun(false), await trainRun(true)];
  assert.deepEqual(ranked.w, plain.w);
  assert.deepEqual(ranked.biases, plain.biases);
  assert.deepEqual(ranked.biases[1], ranked.biases[0], 'no gradient for the bias in step 2: no update');
  assert.notDeepEqual(ranked.biases[2], ranked.biases[1]);
  assert.equal(ranked.buffers.length, 4);
  assert.ok(ranked.buffers.every((buf) => buf === ranked.buffers[0]), 'one buffer for every step');
});
