/**
 * LayerNorm over the last axis of x [N,H] (Ba et al. 2016), float32.
 *   y = x̂·γ + β,  x̂ = (x − μ)·r,  r = 1/√(σ² + ε)
 * with a hand-written gradient (fewer passes than autodiff of tf.moments):
 *   g = dy·γ;  dx = r·(g − mean(g) − x̂·mean(g·x̂));  dγ = Σ_rows dy·x̂;  dβ = Σ_rows dy
 * tfjs has no low-precision (bf16/fp16) LayerNorm; MosaicBERT's low-precision LayerNorm has no equivalent here.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.js';
import { sumRows } from './matmul.js';
import { nativeLayerNorm, onNative } from '../src/engine/native/fused.js';

/** BERT's epsilon. */
export const LAYER_NORM_EPS = 1e-12;

/** LayerNorm(x + residual): post-LN's "add & norm", the add fused into the norm's pass on `native`. */
export function addLayerNorm(x: tf.Tensor2D, residual: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = LAYER_NORM_EPS): tf.Tensor2D {
  if (onNative()) return nativeLayerNorm(x, gamma, beta, eps, residual);
  return layerNorm(tf.add(x, residual) as tf.Tensor2D, gamma, beta, eps);
}

export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = LAYER_NORM_EPS): tf.Tensor2D {
  if (onNative()) return nativeLayerNorm(x, gamma, beta, eps); // one fused native pass each way (src/engine/native)
  const f = customOp<tf.Tensor2D>(([xi, g, b], save) => {
    const centered = tf.sub(xi!, tf.mean(xi!, 1, true));
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(centered), 1, true), eps)); // [N,1]
    const xhat = tf.mul(centered, r);
    save([xhat, r, g!]);
    return {
      value: tf.add(tf.mul(xhat, g!), b!),
      gradFunc: (dy, saved) => {
        const [sxhat, sr, sg] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const gy = tf.mul(dy, sg);
        const inner = tf.sub(tf.sub(gy, tf.mean(gy, 1, true)), tf.mul(sxhat, tf.mean(tf.mul(gy, sxhat), 1, true)));
        return [tf.mul(inner, sr), sumRows(tf.mul(dy, sxhat)), sumRows(dy)];
      },
    };
  });
  return f(x, gamma, beta);
}
