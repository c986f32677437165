/**
 * Test helpers: run one function on tfjs `cpu` (the reference) and on `native`, from the same input arrays, and
 * compare the outputs and the gradients of Σ out·w (w random, so every output element matters).
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadAddon } from '../../src/engine/native/addon.js';
import { registerNativeBackend } from '../../src/engine/native/index.js';
import { mulberry32 } from '../../src/random.js';
import { registerAllGradients } from '../../src/engine/gradients.js';

await registerAllGradients();

/**
 * Skip reason for node:test when the addon is not built (no C++ compiler). With MBENCH_NATIVE_REQUIRED=1 (CI)
 * a missing addon is an error instead, so a broken build cannot pass as skipped tests.
 */
export const skipNative: string | false = (() => {
  const r = loadAddon();
  if (!r.ok && process.env['MBENCH_NATIVE_REQUIRED'] === '1') throw new Error(`MBENCH_NATIVE_REQUIRED=1 but ${r.reason}`);
  if (!r.ok) return r.reason;
  registerNativeBackend();
  return false;
})();

/** Seeded uniform [0, 1) stream, so failures reproduce. */
export const rng = mulberry32;

export interface Input {
  shape: number[];
  values: Float32Array | Int32Array;
  dtype?: 'float32' | 'int32';
  /** Differentiate with respect to this input (float32 inputs default to true). */
  grad?: boolean;
}

export function randn(shape: number[], seed: number, scale = 1, offset = 0): Input {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = offset + scale * (2 * r() - 1);
  return { shape, values };
}

export function ints(shape: number[], limit: number, seed: number): Input {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) values[i] = Math.floor(r() * limit);
  return { shape, values, dtype: 'int32', grad: false };
}

interface Run {
  out: Float32Array[];
  grads: Float32Array[];
}

function runOn(backend: string, fn: (xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[], inputs: Input[], withGrads: boolean): Run {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype ?? 'float32'));
    const outs = [fn(xs)].flat();
    const out = outs.map((o) => Float32Array.from(o.dataSync()));
    if (!withGrads) return { out, grads: [] };
    const gradIdx = inputs.map((inp, k) => ((inp.grad ?? (inp.dtype ?? 'float32') === 'float32') ? k : -1)).filter((k) => k >= 0);
    const weights = outs.map((o, k) => tf.tensor(randn(o.shape, 1000 + k).values, o.shape));
    const loss = (...ts: tf.Tensor[]) => {
      const all = xs.map((x, k) => (gradIdx.includes(k) ? ts[gradIdx.indexOf(k)]! : x));
      const os = [fn(all)].flat();
      return tf.addN(os.map((o, k) => tf.sum(tf.mul(o, weights[k]!)))) as tf.Scalar;
    };
    const grads = tf.grads(loss)(gradIdx.map((k) => xs[k]!)).map((g) => Float32Array.from(g.dataSync()));
    return { out, grads };
  });
}

/** Max |a − b| / (1 + |b|) over all elements. */
export function maxRelError(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!));
    if (!(e <= m)) m = Number.isNaN(e) ? Infinity : e;
  }
  return m;
}

/**
 * Asserts that `fn` gives the same outputs (and gradients, unless `grads: false`) on native as on cpu.
 * `ref` optionally replaces the function on cpu (for fused ops compared with the composition they replace).
 */
export function assertMatchesCpu(
  label: string,
  fn: (xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  inputs: Input[],
  opts: { grads?: boolean; tol?: number; ref?: (xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[] } = {},
): void {
  const withGrads = opts.grads ?? true;
  const tol = opts.tol ?? 1e-4;
  const want = runOn('cpu', opts.ref ?? fn, inputs, withGrads);
  const got = runOn('native', fn, inputs, withGrads);
  tf.setBackend('cpu');
  want.out.forEach((w, k) => {
    const e = maxRelError(got.out[k]!, w);
    assert.ok(e <= tol, `${label}: output ${k} differs from cpu by ${e} (tolerance ${tol})`);
  });
  assert.equal(got.grads.length, want.grads.length, `${label}: gradient count`);
  want.grads.forEach((w, k) => {
    const e = maxRelError(got.grads[k]!, w);
    assert.ok(e <= tol, `${label}: gradient ${k} differs from cpu by ${e} (tolerance ${tol})`);
  });
}
