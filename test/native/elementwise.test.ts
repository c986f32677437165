import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertMatchesCpu, randn, skipNative } from './compare.js';

describe('native element-wise kernels', { skip: skipNative }, () => {
  // Sizes past the threading grain (16384) on purpose, and odd.
  const big = [53, 311];

  it('unary ops match cpu, values and gradients', () => {
    const ops: Array<[string, (x: tf.Tensor) => tf.Tensor, number]> = [
      ['exp', tf.exp, 0], ['neg', tf.neg, 0], ['square', tf.square, 0], ['tanh', tf.tanh, 0], ['erf', tf.erf, 0],
      ['relu', tf.relu, 0], ['sigmoid', tf.sigmoid, 0], ['abs', tf.abs, 0],
      // Positive domains.
      ['log', tf.log, 2], ['sqrt', tf.sqrt, 2], ['rsqrt', tf.rsqrt, 2], ['reciprocal', tf.reciprocal, 2],
    ];
    ops.forEach(([name, op, offset], k) => {
      assertMatchesCpu(name, ([x]) => op(x!), [randn(big, 100 + k, offset ? 1 : 3, offset)]);
    });
  });

  it('binary ops match cpu with broadcasting in every position, values and gradients', () => {
    const shapes: Array<[number[], number[]]> = [
      [[61, 307], [61, 307]], // same shape
      [[61, 307], [307]], // row vector (bias)
      [[61, 307], [61, 1]], // column (per-row statistic)
      [[1, 307], [61, 1]], // outer product shape
      [[3, 1, 5, 7], [4, 1, 7]], // 4-D against 3-D
      [[61, 307], []], // scalar
      [[], [5, 3]], // scalar on the left
    ];
    const ops: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
      ['add', tf.add], ['sub', tf.sub], ['mul', tf.mul], ['div', tf.div], ['maximum', tf.maximum], ['minimum', tf.minimum],
      ['squaredDifference', tf.squaredDifference],
    ];
    ops.forEach(([name, op], k) =>
      shapes.forEach(([sa, sb], j) => {
        const b = name === 'div' ? randn(sb, 300 + j, 1, 2) : randn(sb, 300 + j);
        // tfjs's own Maximum/Minimum/SquaredDifference gradients do not reduce over broadcast dimensions: values only there.
        const grads = !['maximum', 'minimum', 'squaredDifference'].includes(name) || sa.join() === sb.join();
        assertMatchesCpu(`${name} [${sa}]⊕[${sb}]`, ([x, y]) => op(x!, y!), [randn(sa, 200 + k * 10 + j), b], { grads });
      }),
    );
  });

  it('int32 arithmetic falls back to cpu', () => {
    assertMatchesCpu('int add', ([x, y]) => tf.add(tf.cast(x!, 'int32'), tf.cast(y!, 'int32')), [randn([5, 4], 1, 9), randn([4], 2, 9)], { grads: false });
  });
});
