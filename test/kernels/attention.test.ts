import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { alibiSlopes, alibiValues, attention, attentionBias, MASK_BIAS } from '../../kernels/attention.js';
import { assertClose, assertSameFunction, randomTensor } from './helpers.js';

before(async () => {
  await useBackend('cpu');
});

test('ALiBi slopes are 2^(−8h/H), with the paper’s interleave for non-powers of two', () => {
  assert.deepEqual(alibiSlopes(2), [2 ** -4, 2 ** -8]);
  assert.deepEqual(alibiSlopes(8), [1, 2, 3, 4, 5, 6, 7, 8].map((h) => 2 ** -h));
  // 12 heads: the 8-head slopes, then slopes 1, 3, 5, 7 of the 16-head set (2^−0.5, 2^−1.5, 2^−2.5, 2^−3.5).
  assert.deepEqual(alibiSlopes(12), [...[1, 2, 3, 4, 5, 6, 7, 8].map((h) => 2 ** -h), ...[0.5, 1.5, 2.5, 3.5].map((e) => 2 ** -e)]);
});

test('ALiBi bias is −m_h·|i − j|, symmetric, zero on the diagonal', () => {
  const v = alibiValues(2, 4);
  const at = (h: number, i: number, j: number) => v[(h * 4 + i) * 4 + j]!;
  assert.equal(at(0, 0, 3), -3 / 16);
  assert.equal(at(1, 3, 1), -2 / 256);
  assert.equal(at(0, 2, 2) + 0, 0); // −0
  assert.equal(at(1, 1, 3), at(1, 3, 1));
});

test('attention bias adds the key mask to ALiBi, per batch row', () => {
  const bias = attentionBias({ batch: 2, seq: 3, heads: 2, alibi: true, keyMask: Uint8Array.from([1, 1, 0, 1, 0, 0]) });
  assert.deepEqual(bias.shape, [2, 2, 3, 3]);
  const b = bias.arraySync();
  assert.equal(b[0]![1]![0]![2], MASK_BIAS - 2 / 256);
  assert.equal(b[1]![0]![2]![0], -2 / 16);
  assert.equal(b[1]![0]![0]![1], MASK_BIAS - 1 / 16);
  const none = attentionBias({ batch: 2, seq: 3, heads: 2, alibi: false });
  assertClose(none, new Float32Array(18));
});

/** softmax(q·kᵀ/√d + bias)·v per head with batched tf.matMul: the textbook form. */
function reference(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, bias: tf.Tensor, B: number, T: number, h: number): tf.Tensor {
  const H = q.shape[1]!;
  const d = H / h;
  const split = (x: tf.Tensor) => tf.transpose(tf.reshape(x, [B, T, h, d]), [0, 2, 1, 3]);
  const s = tf.add(tf.div(tf.matMul(split(q), split(k), false, true), Math.sqrt(d)), bias);
  return tf.reshape(tf.transpose(tf.matMul(tf.softmax(s), split(v)), [0, 2, 1, 3]), [B * T, H]);
}

test('attention equals the textbook form with ALiBi and a key mask, values and gradients', () => {
  const [B, T, h, H] = [2, 5, 2, 8];
  const bias = attentionBias({ batch: B, seq: T, heads: h, alibi: true, keyMask: Uint8Array.from([1, 1, 1, 0, 0, 1, 1, 1, 1, 1]) });
  const [q, k, v] = [1, 2, 3].map((s) => randomTensor([B * T, H], s));
  assertSameFunction(
    (a, b, c) => attention(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor2D, bias, { batch: B, seq: T, heads: h }),
    (a, b, c) => reference(a!, b!, c!, bias, B, T, h),
    [q!, k!, v!],
  );
});

test('pad keys get no attention weight: changing a pad key or value leaves real outputs unchanged', () => {
  const [B, T, h, H] = [1, 4, 2, 4];
  const bias = attentionBias({ batch: B, seq: T, heads: h, alibi: true, keyMask: Uint8Array.from([1, 1, 1, 0]) });
  const q = randomTensor([T, H], 4) as tf.Tensor2D;
  const k = randomTensor([T, H], 5) as tf.Tensor2D;
  const v = randomTensor([T, H], 6) as tf.Tensor2D;
  const k2 = tf.concat([tf.slice(k, [0, 0], [3, H]), tf.fill([1, H], 9)]) as tf.Tensor2D;
  const v2 = tf.concat([tf.slice(v, [0, 0], [3, H]), tf.fill([1, H], -9)]) as tf.Tensor2D;
  const o = { batch: B, seq: T, heads: h };
  assertClose(attention(q, k, v, bias, o), attention(q, k2, v2, bias, o));
});

test('attention dropout is reproducible from its seed and changes the output', () => {
  const [B, T, h, H] = [1, 6, 2, 4];
  const bias = attentionBias({ batch: B, seq: T, heads: h, alibi: true });
  const [q, k, v] = [7, 8, 9].map((s) => randomTensor([T, H], s) as tf.Tensor2D);
  const run = (seed: number) => attention(q!, k!, v!, bias, { batch: B, seq: T, heads: h, dropoutRate: 0.5, dropoutSeed: seed }).dataSync();
  assertClose(run(1), run(1));
  const plain = attention(q!, k!, v!, bias, { batch: B, seq: T, heads: h }).dataSync();
  assert.ok(run(1).some((x, i) => Math.abs(x - plain[i]!) > 1e-6));
  assert.ok(run(1).some((x, i) => Math.abs(x - run(2)[i]!) > 1e-6));
});
