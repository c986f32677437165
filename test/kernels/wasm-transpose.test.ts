import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { onWasm } from '../../kernels/wasm-fast-path.js';
import { randomTensor } from './helpers.js';

// The wasm Transpose replacement (SIMD 4 × 4 blocks in 64 × 64 tiles for a last-two swap, row copies when the
// last axis stays) against cpu, on odd shapes: ragged 4 × 4 blocks and tiles at both edges, several tiles each
// way, a batch, int32 as well as float32, and a permutation it hands back.
const cases: Array<{ shape: number[]; perm: number[]; dtype?: 'int32' }> = [
  { shape: [37, 70], perm: [1, 0] },
  { shape: [1, 1], perm: [1, 0] },
  { shape: [3, 130], perm: [1, 0] },
  { shape: [131, 2], perm: [1, 0] },
  { shape: [2, 133, 70], perm: [0, 2, 1] },
  { shape: [0, 5], perm: [1, 0] },
  { shape: [3, 33, 65], perm: [0, 2, 1] },
  { shape: [2, 5, 3, 7], perm: [0, 2, 1, 3] },
  { shape: [4, 6, 5], perm: [1, 0, 2] },
  { shape: [2, 3, 4, 5], perm: [2, 0, 1, 3] },
  { shape: [29, 31], perm: [1, 0], dtype: 'int32' },
  { shape: [2, 3, 4], perm: [2, 0, 1] }, // moves the last axis: the original kernel
];

test('wasm Transpose equals cpu on every permutation kind', async () => {
  await useBackend('cpu');
  const inputs = cases.map((c, i) => {
    const t = randomTensor(c.shape, 40 + i, 100);
    const v = c.dtype === 'int32' ? Int32Array.from(t.dataSync(), Math.round) : t.dataSync().slice();
    t.dispose();
    return v;
  });
  const run = () => cases.map((c, i) => tf.tidy(() => tf.transpose(tf.tensor(inputs[i]!, c.shape, c.dtype ?? 'float32'), c.perm).dataSync().slice()));
  const expected = run();
  await useBackend('wasm');
  assert.ok(onWasm());
  const actual = run();
  await useBackend('cpu');
  cases.forEach((c, i) => assert.deepEqual(Array.from(actual[i]!), Array.from(expected[i]!), `${JSON.stringify(c)}`));
});
