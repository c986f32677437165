import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { gatherRows, rowIndex, scatterRows } from '../../kernels/gather.js';
import { realTokenRows, repad, rowOfPosition, unpad } from '../../kernels/padding.js';
import { assertClose, assertSameFunction, randomTensor } from './helpers.js';

before(async () => {
  await useBackend('cpu');
});

test('gatherRows equals tf.gather, and its scatter gradient sums repeated rows', () => {
  const table = randomTensor([6, 4], 1);
  const ids = Int32Array.from([3, 0, 3, 5, 3]);
  assertSameFunction((t) => gatherRows(t as tf.Tensor2D, rowIndex(ids)), (t) => tf.gather(t!, tf.tensor1d(ids, 'int32')), [table]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(gatherRows(t as tf.Tensor2D, rowIndex(ids))))(table);
  assertClose(tf.slice(g, [3, 0], [1, 4]), [3, 3, 3, 3]); // row 3 gathered three times
  assertClose(tf.slice(g, [1, 0], [1, 4]), [0, 0, 0, 0]);
});

test('scatterRows places rows into zeros; its gradient is a gather', () => {
  const x = randomTensor([3, 2], 2);
  const rows = Int32Array.from([4, 0, 2]);
  const out = scatterRows(x as tf.Tensor2D, rowIndex(rows), 5);
  const xv = x.dataSync();
  assertClose(out, [xv[2]!, xv[3]!, 0, 0, xv[4]!, xv[5]!, 0, 0, xv[0]!, xv[1]!]);
  // Reference: a placement matrix P [5,3] (P[rows[i], i] = 1) times x.
  const place = tf.tensor2d([0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0], [5, 3]);
  assertSameFunction((v) => scatterRows(v as tf.Tensor2D, rowIndex(rows), 5), (v) => tf.matMul(place, v as tf.Tensor2D), [x]);
});

test('real token rows and the position → row map follow the attention mask', () => {
  const mask = Uint8Array.from([1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
  assert.deepEqual([...realTokenRows(mask)], [0, 1, 4, 8, 9, 10, 11]);
  assert.deepEqual([...rowOfPosition(mask)], [0, 1, -1, -1, 2, -1, -1, -1, 3, 4, 5, 6]);
});

test('repad(unpad(x)) keeps real rows and zeroes pads; unpad(repad(y)) = y; gradients agree', () => {
  const mask = Uint8Array.from([1, 1, 0, 1, 0, 0]);
  const real = rowIndex(realTokenRows(mask));
  const x = randomTensor([6, 3], 3);
  const round = repad(unpad(x as tf.Tensor2D, real), real, 6);
  const keep = tf.reshape(tf.tensor1d(mask, 'float32'), [6, 1]);
  assertClose(round, tf.mul(x, keep));
  assertSameFunction((v) => repad(unpad(v as tf.Tensor2D, real), real, 6), (v) => tf.mul(v!, keep), [x]);
  const y = randomTensor([3, 3], 4);
  assertClose(unpad(repad(y as tf.Tensor2D, real, 6), real), y);
});

test('on wasm, the row-copy gather kernel matches cpu and rejects out-of-range rows', async () => {
  const values = randomTensor([7, 5], 5).dataSync().slice();
  const ids = Int32Array.from([6, 1, 1, 0]);
  const run = () => tf.tidy(() => {
    const t = tf.tensor2d(values, [7, 5]);
    const g = tf.grad((u: tf.Tensor) => tf.sum(tf.square(gatherRows(u as tf.Tensor2D, rowIndex(ids)))))(t);
    return [gatherRows(t, rowIndex(ids)).dataSync().slice(), g.dataSync().slice()];
  });
  const cpu = run();
  await useBackend('wasm');
  const wasm = run();
  assert.throws(() => tf.tidy(() => gatherRows(tf.tensor2d(values, [7, 5]), rowIndex(Int32Array.from([7])))), /row 7 outside/);
  await useBackend('cpu');
  wasm.forEach((v, i) => assertClose(v, cpu[i]!));
});
