import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { dropout, dropoutMask } from '../../kernels/dropout.js';
import { geglu, geluMlp } from '../../kernels/feedforward.js';
import { gelu, geluErf } from '../../kernels/gelu.js';
import { layerNorm } from '../../kernels/layernorm.js';
import { assertClose, assertSameFunction, randomTensor } from './helpers.js';

before(async () => {
  await useBackend('cpu');
});

/** Textbook tanh-form GELU with autodiff. */
const geluTanh = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI)))));

test('gelu equals the tanh form (values, gradient) and is within 1e-3 of the erf form', () => {
  const x = randomTensor([4, 7], 1, 4);
  assertSameFunction((t) => gelu(t!), (t) => geluTanh(t!), [x]);
  const d = tf.max(tf.abs(tf.sub(gelu(x), geluErf(x)))).dataSync()[0]!;
  assert.ok(d < 1e-3, `tanh vs erf GELU differ by ${d}`);
  assertClose(gelu(tf.tensor1d([0, 1, -1])), [0, 0.841192, -0.158808], 1e-5);
});

test('layerNorm equals the tf.moments form, values and gradients', () => {
  const ref = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-12))), g), b);
  };
  const [x, g, b] = [randomTensor([5, 6], 2, 3), randomTensor([6], 3), randomTensor([6], 4)];
  assertSameFunction((u, v, w) => layerNorm(u as tf.Tensor2D, v as tf.Tensor1D, w as tf.Tensor1D), (u, v, w) => ref(u!, v!, w!), [x!, g!, b!], 2e-5);
  const y = layerNorm(x as tf.Tensor2D, tf.ones([6]), tf.zeros([6]));
  assertClose(tf.mean(y, 1), new Float32Array(5), 1e-5);
});

test('GELU MLP and GeGLU keep [N,H] shapes and equal their formulas (values and gradients)', () => {
  const [N, H, I] = [3, 4, 6];
  const x = randomTensor([N, H], 5);
  const [w1, wv, w2] = [randomTensor([H, I], 6), randomTensor([H, I], 7), randomTensor([I, H], 8)] as tf.Tensor2D[];
  const [b1, b2] = [randomTensor([I], 9), randomTensor([H], 10)] as tf.Tensor1D[];
  const mlp = geluMlp(x as tf.Tensor2D, { w1: w1!, b1: b1!, w2: w2!, b2: b2! });
  assert.deepEqual(mlp.shape, [N, H]);
  assertSameFunction(
    (u, a, c) => geglu(u as tf.Tensor2D, { wGate: a as tf.Tensor2D, wValue: c as tf.Tensor2D, w2: w2!, b2: b2! }),
    (u, a, c) => tf.add(tf.matMul(tf.mul(geluTanh(tf.matMul(u as tf.Tensor2D, a as tf.Tensor2D)), tf.matMul(u as tf.Tensor2D, c as tf.Tensor2D)) as tf.Tensor2D, w2!), b2!),
    [x, w1!, wv!],
  );
  assertSameFunction(
    (u) => geluMlp(u as tf.Tensor2D, { w1: w1!, b1: b1!, w2: w2!, b2: b2! }),
    (u) => tf.add(tf.matMul(geluTanh(tf.add(tf.matMul(u as tf.Tensor2D, w1!), b1!)) as tf.Tensor2D, w2!), b2!),
    [x],
  );
});

test('dropout: same seed same mask, about `rate` dropped, kept values scaled by 1/(1 − rate)', () => {
  const m = dropoutMask(10000, 0.3, 42);
  assert.deepEqual(m, dropoutMask(10000, 0.3, 42));
  assert.notDeepEqual(m, dropoutMask(10000, 0.3, 43));
  const dropped = m.filter((v) => v === 0).length / m.length;
  assert.ok(Math.abs(dropped - 0.3) < 0.02, `dropped ${dropped}`);
  assert.ok(m.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6));
  const x = tf.ones([2, 3]);
  assert.equal(dropout(x, 0, 1), x);
  const g = tf.grad((t: tf.Tensor) => tf.sum(dropout(t, 0.5, 7)))(x);
  assertClose(g, dropout(x, 0.5, 7)); // dx = mask
});
