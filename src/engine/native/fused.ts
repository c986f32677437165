/**
 * Fused ops with hand-written gradients, for the model's kernels/ to use when the backend is `native`
 * (`onNative()`). Each replaces a chain of tfjs ops (and their autodiff) with one native pass forward and one
 * backward; each matches the composition it replaces (tested against it in test/native/fused-*.test.ts):
 *
 * - nativeAttention(q, k, v [B·T,H], {batch, seq, heads, slopes?, keyMask?, bias?}) = softmax(q·kᵀ/√d + bias)·v
 *   per head, bias = −slopes[h]·|i − j| (ALiBi), −∞ on padded keys, plus a given bias tensor. One (batch, head) tile per thread, query
 *   blocks of 64 rows; the backward pass recomputes the probabilities from the saved log-sum-exp
 *   (FlashAttention's trick, Dao et al. 2022, §3.1) instead of keeping [B,h,T,T] between passes.
 * - nativeLayerNorm(x, γ, β, eps, residual?) = LayerNorm(x + residual) over the last axis (post-LN "add & norm").
 * - nativeGelu(x): kernels/gelu.ts's tanh-form GELU. nativeGeglu(gate, value) = gelu(gate) ⊙ value.
 */
import * as tf from '@tensorflow/tfjs-core';
import { requireAddon } from './addon.js';
import { NATIVE_BACKEND } from './backend.js';
import { outputBuffer, zeroBuffer } from './buffers.js';
import { tensorF32 } from './tensors.js';

/** True when the active tfjs backend is `native`. */
export function onNative(): boolean {
  return tf.getBackend() === NATIVE_BACKEND;
}

const f32 = tensorF32;

export interface NativeAttentionOptions {
  batch: number;
  seq: number;
  heads: number;
  /** ALiBi slopes, one per head (kernels/attention.ts alibiSlopes); omitted: no position bias. */
  slopes?: readonly number[];
  /** [B·T] 1 for real tokens, 0 for pads; omitted: no padding. */
  keyMask?: Uint8Array;
  /** A ready-made additive bias [1 or B, heads, T, T] (kernels/attention.ts attentionBias); constant, no gradient. */
  bias?: tf.Tensor4D;
  /**
   * The caller keeps only the rows of real tokens (an unpadded model): padded query rows are not computed (zeros,
   * no gradient). With a key mask that is a prefix per row, masked keys are skipped either way (exact: their
   * probability is 0), so a half-padded batch costs about a quarter of the padded attention.
   */
  skipPadQueries?: boolean;
  /** Attention dropout: the scaled keep mask [B, heads, T, T] (kernels/dropout.ts dropoutMask) on the probabilities. */
  dropMask?: Float32Array;
  /**
   * Packed rows: q, k, v and the context are [n, H], the real tokens only, sample b's being rows
   * [rowStart[b], rowStart[b + 1]) at positions 0, 1, … (pads after them). No re-padding, no pad rows;
   * keyMask, skipPadQueries and bias are not used with it.
   */
  rowStart?: Int32Array;
}

/** q, k, v [B·T,H] (or [n,H] packed) → context of the same shape (see the file comment). */
export function nativeAttention(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, o: NativeAttentionOptions): tf.Tensor2D {
  const addon = requireAddon();
  const { batch, seq, heads } = o;
  const hidden = q.shape[1];
  const d = hidden / heads;
  const slopes = o.slopes ? Float32Array.from(o.slopes) : null;
  const mask = o.keyMask ? Float32Array.from(o.keyMask) : null;
  const bias = o.bias ? f32(o.bias) : null;
  const rowStart = o.rowStart ?? null;
  const rows = rowStart ? rowStart[batch]! : batch * seq;
  if (q.shape[0] !== rows) throw new Error(`nativeAttention: q has ${q.shape[0]} rows, expected ${rows}`);
  const f = tf.customGrad((qi, ki, vi, save) => {
    const out = zeroBuffer(rows * hidden);
    const lse = new Float32Array(batch * heads * seq);
    addon.attention(f32(qi as tf.Tensor), f32(ki as tf.Tensor), f32(vi as tf.Tensor), batch, heads, seq, d, slopes, mask, bias, out, lse, o.skipPadQueries === true, o.dropMask ?? null, rowStart);
    const value = tf.tensor2d(out, [rows, hidden]);
    const lseT = tf.tensor1d(lse);
    (save as tf.GradSaveFunc)([qi as tf.Tensor, ki as tf.Tensor, vi as tf.Tensor, value, lseT]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [sq, sk, sv, so, sl] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const n = rows * hidden;
        const dq = zeroBuffer(n);
        const dk = zeroBuffer(n);
        const dv = zeroBuffer(n);
        addon.attentionGrad(f32(sq), f32(sk), f32(sv), f32(so), f32(sl), f32(dy as tf.Tensor), batch, heads, seq, d, slopes, mask, bias, dq, dk, dv, o.skipPadQueries === true, o.dropMask ?? null, rowStart);
        const shape: [number, number] = [rows, hidden];
        return [tf.tensor2d(dq, shape), tf.tensor2d(dk, shape), tf.tensor2d(dv, shape)];
      },
    };
  });
  return f(q, k, v) as tf.Tensor2D;
}

/** LayerNorm(x [+ residual]) over the last axis of [N,H]; gradients for x, γ, β (and residual: same as x). */
export function nativeLayerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number, residual?: tf.Tensor2D): tf.Tensor2D {
  const addon = requireAddon();
  const [rows, cols] = x.shape;
  const body = (xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor, r: tf.Tensor | null, save: tf.GradSaveFunc) => {
    const y = outputBuffer(rows * cols);
    const mean = new Float32Array(rows);
    const rstd = new Float32Array(rows);
    addon.layerNorm(f32(xi), f32(g), f32(b), rows, cols, eps, y, mean, rstd, r ? f32(r) : null);
    const stats = tf.tensor2d(concat(mean, rstd), [2, rows]);
    save(r ? [xi, g, stats, r] : [xi, g, stats]);
    return {
      value: tf.tensor2d(y, [rows, cols]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sg, ss, sr] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        const st = f32(ss);
        const dx = outputBuffer(rows * cols);
        const dgamma = new Float32Array(cols);
        const dbeta = new Float32Array(cols);
        addon.layerNormGrad(f32(dy), f32(sx), f32(sg), st.subarray(0, rows), st.subarray(rows), rows, cols, dx, dgamma, dbeta, sr ? f32(sr) : null);
        const dxT = tf.tensor2d(dx, [rows, cols]);
        const grads = [dxT, tf.tensor1d(dgamma), tf.tensor1d(dbeta)];
        return sr ? [...grads, tf.clone(dxT)] : grads;
      },
    };
  };
  if (residual) {
    const f = tf.customGrad((xi, g, b, r, save) => body(xi as tf.Tensor, g as tf.Tensor, b as tf.Tensor, r as tf.Tensor, save as tf.GradSaveFunc));
    return f(x, gamma, beta, residual) as tf.Tensor2D;
  }
  const f = tf.customGrad((xi, g, b, save) => body(xi as tf.Tensor, g as tf.Tensor, b as tf.Tensor, null, save as tf.GradSaveFunc));
  return f(x, gamma, beta) as tf.Tensor2D;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The tanh-form GELU of kernels/gelu.ts, any shape. */
export function nativeGelu<T extends tf.Tensor>(x: T): T {
  const addon = requireAddon();
  const f = tf.customGrad((xi, save) => {
    const t = xi as tf.Tensor;
    const out = outputBuffer(t.size);
    addon.geluTanh(f32(t), out);
    (save as tf.GradSaveFunc)([t]);
    return {
      value: tf.tensor(out, t.shape, 'float32'),
      gradFunc: (dy, saved) => {
        const sx = saved[0]!;
        const dx = outputBuffer(sx.size);
        addon.geluTanhGrad(f32(sx), f32(dy as tf.Tensor), dx);
        return tf.tensor(dx, sx.shape, 'float32');
      },
    };
  });
  return f(x) as T;
}

/** gelu(gate) ⊙ value (GeGLU's gate, Shazeer 2020), same shapes; gradients for both. */
export function nativeGeglu<T extends tf.Tensor>(gate: T, value: T): T {
  const addon = requireAddon();
  if (gate.shape.join() !== value.shape.join()) throw new Error(`nativeGeglu: gate [${gate.shape}] and value [${value.shape}] differ`);
  const f = tf.customGrad((gi, vi, save) => {
    const g = gi as tf.Tensor;
    const v = vi as tf.Tensor;
    const out = outputBuffer(g.size);
    addon.geglu(f32(g), f32(v), out);
    (save as tf.GradSaveFunc)([g, v]);
    return {
      value: tf.tensor(out, g.shape, 'float32'),
      gradFunc: (dy, saved) => {
        const [sg, sv] = saved as [tf.Tensor, tf.Tensor];
        const dg = outputBuffer(sg.size);
        const dv = outputBuffer(sg.size);
        addon.gegluGrad(f32(sg), f32(sv), f32(dy as tf.Tensor), dg, dv);
        return [tf.tensor(dg, sg.shape, 'float32'), tf.tensor(dv, sg.shape, 'float32')];
      },
    };
  });
  return f(gate, value) as T;
}

/**
 * The scaled keep mask kernels/dropout.ts draws in JS, made by the addon on every thread (the same numbers: each
 * block b of `sizes[b]` elements from the stream `new Rng(states[b])`). Mosaic mini drew ~9.4M numbers a step on
 * the main thread.
 */
export function nativeDropoutMask(states: ArrayLike<number>, sizes: ArrayLike<number>, rate: number): Float32Array {
  const starts = new Float64Array(sizes.length + 1);
  for (let b = 0; b < sizes.length; b++) starts[b + 1] = starts[b]! + sizes[b]!;
  const out = outputBuffer(starts[sizes.length]!); // recycled when the mask's tensor is disposed
  requireAddon().dropoutMask(out, rate, 1 / (1 - rate), Float64Array.from(states, (x) => x >>> 0), starts);
  return out;
}
