import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { tiedMlmLoss } from '../../kernels/mlm-loss.js';
import { assertClose, randomTensor } from './helpers.js';

before(async () => {
  await useBackend('cpu');
});

const labels = Int32Array.from([1, 6, 0, 2, 6]);

/** Mean −log softmax(h·tableᵀ + bias)[label], with autodiff. */
function reference(h: tf.Tensor, table: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const logits = tf.add(tf.matMul(h as tf.Tensor2D, table as tf.Tensor2D, false, true), bias);
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(tf.tensor1d(labels, 'int32'), 7), tf.logSoftmax(logits)), 1)));
}

function lossAndGrads(inputs: Float32Array[]): Float32Array[] {
  return tf.tidy(() => {
    const [h, t, b] = [tf.tensor2d(inputs[0]!, [5, 3]), tf.tensor2d(inputs[1]!, [7, 3]), tf.tensor1d(inputs[2]!)];
    const f = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tiedMlmLoss(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor1D, labels).loss;
    const out = tiedMlmLoss(h, t, b, labels);
    return [out.loss, out.correct, ...tf.grads(f)([h, t, b])].map((x) => x.dataSync().slice() as Float32Array);
  });
}

test('masked-token MLM loss: value, accuracy count and gradients match a plain reference; wasm matches cpu', async () => {
  const inputs = [randomTensor([5, 3], 1, 2), randomTensor([7, 3], 2, 2), randomTensor([7], 3)].map((t) => t.dataSync().slice() as Float32Array);
  const cpu = lossAndGrads(inputs);
  const [h, t, b] = [tf.tensor2d(inputs[0]!, [5, 3]), tf.tensor2d(inputs[1]!, [7, 3]), tf.tensor1d(inputs[2]!)];
  assertClose(cpu[0]!, reference(h, t, b), 1e-5, 'loss');
  tf.grads(reference)([h, t, b]).forEach((g, i) => assertClose(cpu[2 + i]!, g, 1e-5, `gradient ${i}`));
  const logits = tf.add(tf.matMul(h, t, false, true), b);
  const argmax = tf.argMax(logits, 1).dataSync();
  assert.equal(cpu[1]![0], [...labels].filter((l, i) => argmax[i] === l).length);

  await useBackend('wasm');
  const wasm = lossAndGrads(inputs);
  await useBackend('cpu');
  wasm.forEach((v, i) => assertClose(v, cpu[i]!, 1e-5, `wasm result ${i}`));
});

test('the loss is a scalar and rejects a label count that does not match the rows', () => {
  const out = tiedMlmLoss(tf.zeros([2, 3]), tf.zeros([7, 3]), tf.zeros([7]), Int32Array.from([0, 1]));
  assert.deepEqual(out.loss.shape, []);
  assertClose(out.loss, [Math.log(7)], 1e-6);
  assert.throws(() => tiedMlmLoss(tf.zeros([2, 3]), tf.zeros([7, 3]), tf.zeros([7]), Int32Array.from([0])), /2 rows but 1 labels/);
});

test('wasm: a vocabulary of several column chunks (2500 = 2·1024 + 452) matches cpu, gradients included', async () => {
  const [M, V, H] = [4, 2500, 3];
  const ls = Int32Array.from([0, 2499, 1024, 1023]);
  const inputs = [randomTensor([M, H], 11), randomTensor([V, H], 12), randomTensor([V], 13)].map((t) => t.dataSync().slice());
  const run = () =>
    tf.tidy(() => {
      const [h, t, b] = [tf.tensor2d(inputs[0]!, [M, H]), tf.tensor2d(inputs[1]!, [V, H]), tf.tensor1d(inputs[2]!)];
      const f = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tiedMlmLoss(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor1D, ls).loss;
      return [f(h, t, b), ...tf.grads(f)([h, t, b])].map((x) => x.dataSync().slice());
    });
  const cpu = run();
  await useBackend('wasm');
  const wasm = run();
  await useBackend('cpu');
  wasm.forEach((v, i) => assertClose(v, cpu[i]!, 1e-5, `result ${i}`));
});

test('wasm: a label whose probability underflows gets its exact loss (over 100 nats), not a clipped one', async () => {
  // One token whose label logit sits 150 below the others: P(label) ≈ e^-150 underflows float32, so the row's
  // log-sum-exp is summed exactly; the other token is ordinary.
  const [M, V, H] = [2, 6, 1];
  const ls = Int32Array.from([0, 3]);
  const table = Float32Array.from([-150, 0, 0.5, 1, 0, -1]);
  const bias = new Float32Array(V);
  const h = Float32Array.from([1, 0.7]);
  const exact = (j: number) => {
    const logits = Array.from(table, (t, v) => h[j]! * t + bias[v]!);
    const max = Math.max(...logits);
    return max + Math.log(logits.reduce((s, x) => s + Math.exp(x - max), 0)) - logits[ls[j]!]!;
  };
  await useBackend('wasm');
  const loss = tf.tidy(() => tiedMlmLoss(tf.tensor2d(h, [M, H]), tf.tensor2d(table, [V, H]), tf.tensor1d(bias), ls).loss.dataSync()[0]!);
  await useBackend('cpu');
  assert.ok(exact(0) > 100);
  assertClose([loss], [(exact(0) + exact(1)) / 2], 1e-6, 'mean loss');
});
