import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertMatchesCpu, ints, randn, skipNative } from './compare.js';

describe('native reductions', { skip: skipNative }, () => {
  it('sum, mean, max, min over every axis pattern match cpu, with keepDims and gradients', () => {
    const x = randn([6, 17, 5, 9], 1);
    const axesList: Array<number | number[]> = [3, 0, [1, 2], [0, 1, 2, 3], [0, 2], [-1]];
    for (const axis of axesList)
      for (const keepDims of [false, true]) {
        assertMatchesCpu(`sum ${axis} ${keepDims}`, ([t]) => tf.sum(t!, axis, keepDims), [x]);
        assertMatchesCpu(`mean ${axis} ${keepDims}`, ([t]) => tf.mean(t!, axis, keepDims), [x]);
        assertMatchesCpu(`max ${axis} ${keepDims}`, ([t]) => tf.max(t!, axis, keepDims), [x]);
        assertMatchesCpu(`min ${axis} ${keepDims}`, ([t]) => tf.min(t!, axis, keepDims), [x], { grads: false });
      }
  });

  it('a large column sum (bias gradient shape) is threaded and matches', () => {
    assertMatchesCpu('sum rows', ([t]) => tf.sum(t!, 0), [randn([700, 97], 2)], { tol: 2e-4 });
  });
});

describe('native layout kernels', { skip: skipNative }, () => {
  it('transpose matches cpu for 2-D, 3-D and the attention permutations', () => {
    const cases: Array<[number[], number[]]> = [
      [[67, 45], [1, 0]],
      [[5, 33, 7], [2, 0, 1]],
      [[3, 17, 4, 8], [0, 2, 1, 3]], // [B,T,h,d] → [B,h,T,d]
      [[3, 17, 4, 8], [0, 2, 3, 1]], // → [B,h,d,T]
      [[3, 17, 4, 8], [3, 2, 1, 0]],
    ];
    cases.forEach(([shape, perm], k) => assertMatchesCpu(`transpose [${shape}] ${perm}`, ([t]) => tf.transpose(t!, perm), [randn(shape, 10 + k)]));
  });

  it('softmax over the last axis matches cpu, values and gradients', () => {
    assertMatchesCpu('softmax', ([t]) => tf.softmax(t!), [randn([4, 3, 9, 130], 20, 5)]);
  });

  it('gather rows (with repeats) matches cpu; its gradient (UnsortedSegmentSum) sums repeats', () => {
    const table = randn([300, 70], 30);
    const idx = ints([257], 300, 31);
    idx.values[5] = idx.values[6] = 17; // a repeat
    assertMatchesCpu('gather axis 0', ([t, i]) => tf.gather(t!, i!), [table, idx]);
    assertMatchesCpu('gather axis 1', ([t, i]) => tf.gather(t!, i!, 1), [randn([6, 40, 9], 32), ints([3, 11], 40, 33)]);
    assertMatchesCpu('unsortedSegmentSum', ([t, i]) => tf.unsortedSegmentSum(t!, i as tf.Tensor1D, 50), [randn([257, 70], 34), ints([257], 50, 35)]);
  });

  it('gatherND matches cpu for row pairs and whole rows', () => {
    const pairs = new Int32Array(2 * 60);
    const r = ints([120], 40, 42).values;
    for (let i = 0; i < 60; i++) [pairs[2 * i], pairs[2 * i + 1]] = [i % 50, r[i]! % 33];
    assertMatchesCpu('gatherND pairs', ([p, i]) => tf.gatherND(p!, i!), [randn([50, 33], 43), { shape: [60, 2], values: pairs, dtype: 'int32', grad: false }], { grads: false });
    assertMatchesCpu('gatherND rows', ([p, i]) => tf.gatherND(p!, i!), [randn([50, 33], 44), ints([7, 3, 1], 50, 45)], { grads: false }); // tfjs has no GatherNd gradient
  });

  it('scatterND sums repeated rows like cpu', () => {
    const idx = ints([90, 1], 40, 40);
    assertMatchesCpu('scatterND', ([u, i]) => tf.scatterND(i!, u!, [40, 33]), [randn([90, 33], 41), idx], { grads: false });
  });

  it('gather rejects an out-of-range index', () => {
    tf.setBackend('native');
    assert.throws(() => tf.tidy(() => tf.gather(tf.ones([4, 3]), tf.tensor1d([1, 4], 'int32')).dataSync()), /index 4 .* not in \[0, 3\]/);
  });
});
