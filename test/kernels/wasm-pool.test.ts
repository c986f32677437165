import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { simdKernels } from '../../kernels/wasm-simd.js';
import { rowMax, rowSum } from '../../kernels/wasm-xent-rows.js';
import { wasmSumSquares } from '../../kernels/wasm-adamw.js';
import { randomTensor } from './helpers.js';

// The SIMD kernels split large calls over helper threads (kernels/wasm-simd.ts). This file runs in its own
// process with 2 wasm threads, waits for the helpers, and checks the split calls against plain references:
// transposes split by rows (batch 1) and by matrices (batch ≥ threads), row maxima, Σ x² (the same bits with
// and without helpers) and the AdamW update.
process.env['MBENCH_WASM_THREADS'] = '2';

before(async () => {
  await useBackend('wasm');
  const kernels = simdKernels();
  assert.equal(kernels.threads, 2);
  for (let i = 0; i < 200 && !kernels.parallelReady(); i++) await sleep(50);
  assert.ok(kernels.parallelReady(), 'the helper thread started within 10 s');
});

test('split transposes equal a plain transpose (rows of one matrix; whole matrices of a batch)', () => {
  for (const shape of [[517, 700], [3, 250, 190], [1, 130, 1031]]) {
    const x = randomTensor(shape, shape[0]!, 100);
    const src = x.dataSync();
    const rank = shape.length;
    const [rows, cols] = [shape[rank - 2]!, shape[rank - 1]!];
    const batch = rank === 3 ? shape[0]! : 1;
    const got = tf.tidy(() => tf.transpose(x, rank === 3 ? [0, 2, 1] : [1, 0]).dataSync());
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) {
          const want = src[b * rows * cols + i * cols + j]!;
          const at = b * rows * cols + j * rows + i;
          if (got[at] !== want) assert.fail(`${shape}: [${b},${j},${i}] is ${got[at]}, want ${want}`);
        }
    x.dispose();
  }
});

test('split row maxima equal plain maxima; split row sums equal one-thread row sums bit for bit', () => {
  const [rows, cols] = [301, 999];
  const x = randomTensor([rows, cols], 5, 10);
  const data = x.dataSync();
  const got = tf.tidy(() => rowMax(x as tf.Tensor2D).dataSync());
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let c = 0; c < cols; c++) m = Math.max(m, data[r * cols + c]!);
    assert.equal(got[r], m, `row ${r}`);
  }
  const sums = tf.tidy(() => rowSum(x as tf.Tensor2D).dataSync());
  for (let r = 0; r < rows; r++) {
    // one row alone is below the split threshold: this thread's sum of that row
    const one = tf.tidy(() => rowSum(tf.slice(x as tf.Tensor2D, [r, 0], [1, cols])).dataSync()[0]);
    assert.equal(sums[r], one, `row ${r}`);
  }
  x.dispose();
});

test('split Σ x² has the same bits as the one-thread sum of the same blocks, and equals a float64 sum', () => {
  const n = 3 * (1 << 18) + 12345; // four blocks
  const x = randomTensor([n], 8, 3);
  const data = x.dataSync() as Float32Array;
  const split = wasmSumSquares(x);
  const be = tf.backend() as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } };
  const offset = be.dataIdMap.get(x.dataId).memoryOffset;
  // the same fixed blocks, one after the other on this thread
  let oneThread = 0;
  for (let b = 0; b * (1 << 18) < n; b++) {
    const len = Math.min(1 << 18, n - b * (1 << 18));
    oneThread += simdKernels().sumSquares(offset + 4 * b * (1 << 18), len); // each call is one block: no split
  }
  assert.equal(split, oneThread);
  const exact = data.reduce((s, v) => s + v * v, 0);
  assert.ok(Math.abs(split - exact) <= 1e-12 * exact, `${split} vs ${exact}`);
  x.dispose();
});

test('the split AdamW update equals the one-thread update element for element', () => {
  const n = 300_001;
  const [p, g, m, v] = [1, 2, 3, 4].map((seed) => randomTensor([n], seed, seed === 4 ? 0.5 : 1));
  const vv = tf.abs(v!); // second moments are non-negative
  const be = tf.backend() as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } };
  const at = (t: tf.Tensor) => be.dataIdMap.get(t.dataId).memoryOffset;
  const outs = [0, 1, 2].map(() => tf.zeros([n]));
  const args = [0.7, 0.9, 0.98, 1e-6, 0.99999, 1e-3, 1.1] as const;
  simdKernels().adamw(at(p!), at(g!), at(m!), at(vv), at(outs[0]!), at(outs[1]!), at(outs[2]!), n, ...args);
  const split = outs.map((o) => o.dataSync().slice());
  const ref = [0, 1, 2].map(() => tf.zeros([n]));
  // below the split threshold every call runs on this thread: the reference, in chunks of 1000
  for (let k = 0; k < n; k += 1000) {
    const len = Math.min(1000, n - k);
    simdKernels().adamw(at(p!) + 4 * k, at(g!) + 4 * k, at(m!) + 4 * k, at(vv) + 4 * k, at(ref[0]!) + 4 * k, at(ref[1]!) + 4 * k, at(ref[2]!) + 4 * k, len, ...args);
  }
  ref.forEach((r, i) => assert.deepEqual(split[i], r.dataSync(), `output ${i}`));
  tf.dispose([p!, g!, m!, v!, vv, ...outs, ...ref]);
});
