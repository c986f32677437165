/**
 * Plain tfjs stand-ins for kernels that have not landed in kernels/*.ts yet, so the suite measures something
 * real meanwhile. Each is replaced by an import of the real kernel module as it arrives.
 */
import * as tf from '@tensorflow/tfjs-core';

/** GELU, exact form 0.5·x·(1 + erf(x/√2)) (Hendrycks & Gimpel 2016). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

/** LayerNorm over the last axis: x [.., H] → (x − mean)/√(var + eps) · gamma + beta. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-12): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

/** ALiBi head slopes 2^(−8h/H), h = 1 … H (Press et al. 2022), for a power-of-two head count. */
export function alibiSlopes(heads: number): number[] {
  return Array.from({ length: heads }, (_, h) => 2 ** ((-8 * (h + 1)) / heads));
}

/** ALiBi bias [heads, seq, seq]: −slope·|i − j| (symmetric, as MosaicBERT's bidirectional encoder). */
export function alibiBias(heads: number, seq: number): tf.Tensor3D {
  const values = new Float32Array(heads * seq * seq);
  alibiSlopes(heads).forEach((slope, h) => {
    for (let i = 0; i < seq; i++) for (let j = 0; j < seq; j++) values[(h * seq + i) * seq + j] = -slope * Math.abs(i - j);
  });
  return tf.tensor3d(values, [heads, seq, seq]);
}

/**
 * Multi-head attention core with ALiBi on padded activations: qkv [B, S, 3H] → context [B, S, H].
 * maskBias [B, 1, 1, S] is 0 for real keys and −1e9 for pads.
 */
export function alibiAttentionCore(qkv: tf.Tensor3D, bias: tf.Tensor3D, maskBias: tf.Tensor4D, heads: number): tf.Tensor3D {
  const [batch, seq, width] = qkv.shape;
  const hidden = width / 3;
  const headDim = hidden / heads;
  // [B, S, 3, h, d] → [3, B, h, S, d]
  const split = tf.transpose(tf.reshape(qkv, [batch, seq, 3, heads, headDim]), [2, 0, 3, 1, 4]);
  const [q, k, v] = tf.unstack(split) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  const scores = tf.add(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim)), bias), maskBias); // [B, h, S, S]
  const context = tf.matMul(tf.softmax(scores), v); // [B, h, S, d]
  return tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch, seq, hidden]);
}

/** Unpad: [B, S, H] → [T, H], keeping the rows at `indices` (flat row·S + position). */
export function unpad(x: tf.Tensor3D, indices: tf.Tensor1D): tf.Tensor2D {
  const [batch, seq, hidden] = x.shape;
  return tf.gather(tf.reshape(x, [batch * seq, hidden]), indices) as tf.Tensor2D;
}

/** Re-pad: [T, H] → [B, S, H] with zeros at pads. indices2d is [T, 1]. */
export function repad(x: tf.Tensor2D, indices2d: tf.Tensor2D, batch: number, seq: number): tf.Tensor3D {
  return tf.reshape(tf.scatterND(indices2d, x, [batch * seq, x.shape[1]]), [batch, seq, x.shape[1]]);
}
