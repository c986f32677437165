/**
 * Global-norm gradient clipping (Pascanu, Mikolov & Bengio 2013, "On the difficulty of training recurrent neural
 * networks", eq. 7; the formula of torch.nn.utils.clip_grad_norm_): every gradient is scaled by
 * min(1, maxNorm / (‖g‖₂ + 1e-6)), where ‖g‖₂ is the norm of all gradients concatenated. MosaicBERT clips at 1.0.
 */
import * as tf from '@tensorflow/tfjs-core';
import { addMany } from '../../kernels/add-many.js';

/** The 1e-6 torch adds to the norm so a zero gradient does not divide by zero. */
export const CLIP_EPSILON = 1e-6;

/** The factor gradients are multiplied by. */
export function clipCoefficient(globalNorm: number, maxNorm: number): number {
  return Math.min(1, maxNorm / (globalNorm + CLIP_EPSILON));
}

/** ‖g‖₂ over all gradients, as a scalar tensor (no device sync). */
export function globalNorm(grads: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    const sums = grads.map((g) => tf.sum(tf.square(g)));
    return tf.sqrt(addMany(sums)) as tf.Scalar; // in chunks: one AddN of ~40 inputs is invalid on WebGPU compat devices
  });
}

/**
 * Returns the clipped gradients (new tensors; the inputs are left alone) and the pre-clip global norm.
 * maxNorm = Infinity (or ≤ 0) disables clipping but still reports the norm.
 */
export function clipByGlobalNorm(grads: readonly tf.Tensor[], maxNorm: number): { grads: tf.Tensor[]; norm: tf.Scalar } {
  const norm = globalNorm(grads);
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm)) return { grads: grads.map((g) => tf.clone(g)), norm };
  const clipped = tf.tidy(() => {
    // min(1, maxNorm / (norm + eps)) computed on the device, so clipping never forces a sync.
    const coef = tf.minimum(tf.scalar(1), tf.div(tf.scalar(maxNorm), tf.add(norm, tf.scalar(CLIP_EPSILON))));
    return grads.map((g) => tf.mul(g, coef));
  });
  return { grads: clipped, norm };
}
