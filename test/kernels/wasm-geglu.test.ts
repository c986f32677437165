import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { gelu } from '../../kernels/gelu.js';
import { geglu } from '../../kernels/feedforward.js';
import { wasmGeglu, wasmGelu } from '../../kernels/wasm-geglu.js';
import { simdKernels } from '../../kernels/wasm-simd.js';
import { assertClose, randomTensor } from './helpers.js';

// wasm runs GELU and GeGLU's gelu(a)·b as one SIMD pass each way (kernels/wasm-geglu.ts). Checked against the
// cpu backend's tfjs-op form: values and both gradients, on sizes with ragged tails, and on inputs far out where
// σ saturates (no NaN, no overflow).
process.env['MBENCH_WASM_THREADS'] = '2';

/** f's values and its gradients (of Σ f·w) with respect to a, and to b when f takes it. */
function valuesAndGrads(f: ((a: tf.Tensor, b: tf.Tensor) => tf.Tensor) | ((a: tf.Tensor) => tf.Tensor), a: Float32Array, b: Float32Array, w: Float32Array): Float32Array[] {
  return tf.tidy(() => {
    const [ta, tb, tw] = [tf.tensor1d(a), tf.tensor1d(b), tf.tensor1d(w)];
    const inputs = f.length === 2 ? [ta, tb] : [ta];
    const out = (f as (...x: tf.Tensor[]) => tf.Tensor)(...inputs);
    const grads = tf.grads((...x: tf.Tensor[]) => tf.sum(tf.mul((f as (...y: tf.Tensor[]) => tf.Tensor)(...x), tw)))(inputs);
    return [out, ...grads].map((t) => t.dataSync().slice() as Float32Array);
  });
}

test('wasm GeGLU and GELU equal the cpu tfjs-op form, values and gradients, ragged sizes and saturated inputs', async () => {
  for (const n of [1, 3, 4, 7, 1029]) {
    const a = randomTensor([n], n, 4).dataSync().slice() as Float32Array;
    if (n >= 7) a.set([0, -0, 30, -30, 1e4, -1e4, 88.5], 0); // zero, σ saturated both ways, huge
    const b = randomTensor([n], n + 1, 2).dataSync().slice() as Float32Array;
    const w = randomTensor([n], n + 2, 1).dataSync().slice() as Float32Array;
    await useBackend('cpu');
    const cpuGeglu = valuesAndGrads((x: tf.Tensor, y: tf.Tensor) => tf.mul(gelu(x), y), a, b, w);
    const cpuGelu = valuesAndGrads((x: tf.Tensor) => gelu(x), a, b, w);
    await useBackend('wasm');
    const wasmGegluOut = valuesAndGrads((x: tf.Tensor, y: tf.Tensor) => wasmGeglu(x, y), a, b, w);
    const wasmGeluOut = valuesAndGrads((x: tf.Tensor) => wasmGelu(x), a, b, w);
    const viaModel = valuesAndGrads((x: tf.Tensor) => gelu(x), a, b, w); // the model's gelu() takes the wasm path
    for (const out of [...wasmGegluOut, ...wasmGeluOut]) for (const v of out) assert.ok(Number.isFinite(v), `n ${n}: a non-finite value`);
    cpuGeglu.forEach((v, i) => assertClose(wasmGegluOut[i]!, v, 2e-6, `n ${n} geglu result ${i}`));
    cpuGelu.forEach((v, i) => assertClose(wasmGeluOut[i]!, v, 2e-6, `n ${n} gelu result ${i}`));
    viaModel.forEach((v, i) => assert.deepEqual(v, wasmGeluOut[i], `n ${n}: gelu() on wasm is wasmGelu`));
  }
  await useBackend('cpu');
});

test('wasm geglu() of the feed-forward block uses the fused pass; split over threads it gives the same bits', async () => {
  await useBackend('wasm');
  const kernels = simdKernels();
  for (let i = 0; i < 200 && kernels.threads > 1 && !kernels.parallelReady(); i++) await sleep(50);
  const [N, H, I] = [300, 8, 512]; // N·I = 153,600 floats: above the split threshold
  const x = randomTensor([N, H], 1) as tf.Tensor2D;
  const w = { wGate: randomTensor([H, I], 2) as tf.Tensor2D, wValue: randomTensor([H, I], 3) as tf.Tensor2D, w2: randomTensor([I, H], 4) as tf.Tensor2D, b2: randomTensor([H], 5) as tf.Tensor1D };
  let inner: Float32Array | null = null;
  const out = tf.tidy(() => geglu(x, w, (h) => ((inner = h.dataSync().slice() as Float32Array), h)).dataSync().slice());
  assert.equal(out.length, N * H);
  const [gate, value] = tf.tidy(() => [tf.matMul(x, w.wGate), tf.matMul(x, w.wValue)].map((t) => t.dataSync().slice() as Float32Array));
  // one row at a time is below the threshold: the one-thread result, row by row
  const rowByRow = new Float32Array(N * I);
  for (let r = 0; r < N; r++) {
    const row = tf.tidy(() => wasmGeglu(tf.tensor1d(gate!.subarray(r * I, (r + 1) * I)), tf.tensor1d(value!.subarray(r * I, (r + 1) * I))).dataSync());
    rowByRow.set(row, r * I);
  }
  assert.ok(kernels.threads === 1 || kernels.parallelReady(), 'the helper thread started');
  assert.deepEqual(inner, rowByRow);
  tf.dispose([x, ...Object.values(w)]);
  await useBackend('cpu');
});
