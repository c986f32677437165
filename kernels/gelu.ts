/**
 * GELU, tanh form (Hendrycks & Gimpel 2016, eq. in §2; the form Google's original BERT code uses):
 *   gelu(x) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) = x·σ(u),  u = 2·√(2/π)·(x + 0.044715·x³)
 * using tanh(z) = 2σ(2z) − 1. Written with the sigmoid because tfjs-wasm's Sigmoid is a vectorised XNNPACK
 * kernel, ~5× faster than its Tanh or Erf. It differs from the erf form by < 1e-3 everywhere.
 *
 * Contract: `gelu(x)` elementwise, any shape; d/dx = s + x·s·(1 − s)·u′(x), s = σ(u), u′ = 2√(2/π)(1 + 3·0.044715·x²).
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.js';
import { nativeGelu, onNative } from '../src/engine/native/fused.js';
import { onWasm } from './wasm-fast-path.js';
import { wasmGelu } from './wasm-geglu.js';

const C = 2 * Math.sqrt(2 / Math.PI);
const A = 0.044715;

const geluGrad = customOp<tf.Tensor>(([x], save) => {
  x = x!;
  const x2 = tf.square(x);
  const s = tf.sigmoid(tf.mul(x, tf.add(tf.mul(x2, C * A), C))); // σ(u), u = C·x·(1 + A·x²)
  save([x, x2, s]);
  return {
    value: tf.mul(x, s),
    gradFunc: (dy, saved) => {
      const [sx, sx2, ss] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const du = tf.add(tf.mul(sx2, 3 * A * C), C); // u′(x)
      const ds = tf.mul(ss, tf.sub(1, ss)); // σ′(u)
      return tf.mul(dy, tf.add(ss, tf.mul(tf.mul(sx, ds), du)));
    },
  };
});

export function gelu<T extends tf.Tensor>(x: T): T {
  if (onNative()) return nativeGelu(x); // the same formula in one native pass (src/engine/native)
  if (onWasm() && x.dtype === 'float32') return wasmGelu(x); // one SIMD pass each way (wasm-geglu.ts)
  return geluGrad(x) as T;
}

/** Reference erf-form GELU 0.5·x·(1 + erf(x/√2)), for tests and comparisons (autodiff gradient). */
export function geluErf<T extends tf.Tensor>(x: T): T {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))) as T;
}
