/**
 * Multi-head self-attention core on padded rows, with an additive bias that carries ALiBi and the key mask.
 *
 * ALiBi (Press et al. 2022, "Train Short, Test Long", §3): head h of H adds −m_h·|i − j| to the score of query
 * i and key j, with slopes m_h = 2^(−8h/H), h = 1…H, for H a power of two; otherwise the slopes of the nearest
 * lower power of two n, followed by every other slope of 2n (the paper's reference code). The encoder is
 * bidirectional, so the bias is symmetric in i − j, as in MosaicBERT.
 *
 * Contract:
 * - `attentionBias({batch, seq, heads, keyMask, alibi})` → [B,h,T,T] (or [1,h,T,T]) additive bias: ALiBi
 *   (when asked) plus −1e4·(1 − keyMask[b,j]) so pad keys get no weight. Constant, no gradient.
 * - `attention(q, k, v [B·T,H], bias, opts) → [B·T,H]`:
 *   softmax(q·kᵀ/√d + bias)·v per head (d = H/heads), with optional dropout on the probabilities (keyed by
 *   sample when `firstSample` is given: sample b's [h,T,T] block from the stream (seed, firstSample + b)).
 *   Both products go through batchMatMul (XNNPACK 2-D slices on wasm) with explicit transposes. `bias` may be a
 *   function that builds it, called only when needed: on `native` without dropout, when opts name the key mask
 *   and ALiBi the bias stands for, the fused kernel applies them itself (and skips masked keys; with
 *   `realRowsOnly` also padded queries, whose output rows are then zeros).
 * - With `unpadded` (an unpadded model), q, k, v and the context are the real rows [n,H] instead: re-padded
 *   around the core, except on `native` when every sample's real tokens come first, where the fused kernel
 *   reads the packed rows in place (no re-padding, no pad rows).
 */
import * as tf from '@tensorflow/tfjs-core';
import { dropout, dropoutMask, sampleDropoutMask, type SampleBlocks } from './dropout.js';
import { batchMatMul } from './matmul.js';
import type { RowIndex } from './gather.js';
import { repad, unpad } from './padding.js';
import { nativeAttention, onNative } from '../src/engine/native/fused.js';

/** Large enough that exp(score − 1e4) underflows to 0 in float32, small enough to stay finite in sums. */
export const MASK_BIAS = -1e4;

/** ALiBi slopes for `heads` heads (see the file comment). */
export function alibiSlopes(heads: number): number[] {
  const powerOfTwo = (n: number) => Array.from({ length: n }, (_, h) => 2 ** ((-8 * (h + 1)) / n));
  const n = 2 ** Math.floor(Math.log2(heads));
  if (n === heads) return powerOfTwo(heads);
  const extra = powerOfTwo(2 * n).filter((_, i) => i % 2 === 0);
  return [...powerOfTwo(n), ...extra.slice(0, heads - n)];
}

/** ALiBi values [heads, seq, seq]: −m_h·|i − j|, as a Float32Array (row-major). */
export function alibiValues(heads: number, seq: number): Float32Array {
  const out = new Float32Array(heads * seq * seq);
  alibiSlopes(heads).forEach((m, h) => {
    for (let i = 0; i < seq; i++) for (let j = 0; j < seq; j++) out[(h * seq + i) * seq + j] = -m * Math.abs(i - j);
  });
  return out;
}

export interface AttentionBiasOptions {
  batch: number;
  seq: number;
  heads: number;
  /** [B·T] 1 for real tokens, 0 for pads; omitted means no padding. */
  keyMask?: Uint8Array;
  alibi: boolean;
}

/** The additive attention bias [B or 1, heads, T, T] (see the contract above). */
export function attentionBias(o: AttentionBiasOptions): tf.Tensor4D {
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    if (o.alibi) parts.push(tf.tensor4d(alibiValues(o.heads, o.seq), [1, o.heads, o.seq, o.seq]));
    if (o.keyMask) {
      const keys = new Float32Array(o.keyMask.length);
      for (let i = 0; i < keys.length; i++) keys[i] = o.keyMask[i] ? 0 : MASK_BIAS;
      parts.push(tf.tensor4d(keys, [o.batch, 1, 1, o.seq]));
    }
    if (parts.length === 0) return tf.zeros([1, o.heads, o.seq, o.seq]) as tf.Tensor4D;
    if (parts.length === 1) {
      const p = parts[0]!;
      return (p.shape[1] === o.heads ? p : tf.tile(p, [1, o.heads, o.seq, 1])) as tf.Tensor4D;
    }
    return tf.add(parts[0]!, parts[1]!) as tf.Tensor4D;
  });
}

export interface AttentionOptions {
  batch: number;
  seq: number;
  heads: number;
  /** Dropout on the attention probabilities (training only). */
  dropoutRate?: number;
  dropoutSeed?: number;
  /** Key the dropout mask by sample: the global index of the batch's first sample (kernels/dropout.ts). */
  firstSample?: number;
  /** What `bias` is made of ([B·T] 1 = real token; ALiBi or not), for a fused kernel that builds it itself. */
  keyMask?: Uint8Array;
  alibi?: boolean;
  /** The caller keeps only real-token rows of the output (an unpadded model); padded rows may come back as zeros. */
  realRowsOnly?: boolean;
  /**
   * q, k, v are the real rows [n,H] of an unpadded model (`real`: their flat positions), and so is the result.
   * `rowStart` (kernels/padding.ts packedRowStarts): each sample's first row, when samples are prefixes.
   */
  unpadded?: { real: RowIndex; rowStart: Int32Array | null };
}

/** The dropout stream's blocks when it is keyed by sample: one [heads, T, T] block per sample. */
function sampleBlocks(o: AttentionOptions): SampleBlocks | undefined {
  return o.firstSample === undefined ? undefined : { firstSample: o.firstSample, elements: new Array<number>(o.batch).fill(o.heads * o.seq * o.seq) };
}

/** The scaled keep mask [B, heads, T, T] the unfused path's dropout would apply; undefined without dropout. */
function attentionDropMask(o: AttentionOptions): Float32Array | undefined {
  const rate = o.dropoutRate ?? 0;
  if (rate <= 0) return undefined;
  const samples = sampleBlocks(o);
  return samples ? sampleDropoutMask(samples, rate, o.dropoutSeed ?? 0) : dropoutMask(o.batch * o.heads * o.seq * o.seq, rate, o.dropoutSeed ?? 0);
}

/**
 * q, k, v [B·T,H] (padded rows; the real rows [n,H] with `unpadded`) → context of the same shape. `bias` [B|1, heads, T, T] is added to the scaled scores.
 */
export function attention(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, biasOrBuild: tf.Tensor4D | (() => tf.Tensor4D), o: AttentionOptions): tf.Tensor2D {
  const { batch, seq, heads } = o;
  if (o.unpadded) {
    const { real, rowStart } = o.unpadded;
    if (onNative() && rowStart && o.alibi !== undefined) {
      const slopes = o.alibi ? alibiSlopes(heads) : undefined;
      return nativeAttention(q, k, v, { batch, seq, heads, slopes, rowStart, dropMask: attentionDropMask(o) });
    }
    const padded = (t: tf.Tensor2D) => repad(t, real, batch * seq);
    const context = attention(padded(q), padded(k), padded(v), biasOrBuild, { ...o, unpadded: undefined, realRowsOnly: true });
    return unpad(context, real);
  }
  const bias = typeof biasOrBuild === 'function' ? biasOrBuild : () => biasOrBuild;
  const samples = sampleBlocks(o);
  // native: one fused pass per (batch, head) tile, no [B,h,T,T] tensors kept (src/engine/native/fused.ts);
  // attention dropout applies the same keep mask the unfused path below would (kernels/dropout.ts).
  if (onNative()) {
    const dropMask = attentionDropMask(o);
    if (o.alibi === undefined) return nativeAttention(q, k, v, { batch, seq, heads, bias: bias(), dropMask });
    return nativeAttention(q, k, v, { batch, seq, heads, slopes: o.alibi ? alibiSlopes(heads) : undefined, keyMask: o.keyMask, skipPadQueries: o.realRowsOnly, dropMask });
  }
  const hidden = q.shape[1];
  const d = hidden / heads;
  const groups = batch * heads;
  const byHead = (x: tf.Tensor2D, perm: number[], shape: [number, number, number]) =>
    tf.reshape(tf.transpose(tf.reshape(x, [batch, seq, heads, d]), perm), shape) as tf.Tensor3D;
  const qh = byHead(tf.mul(q, 1 / Math.sqrt(d)) as tf.Tensor2D, [0, 2, 1, 3], [groups, seq, d]); // [G,T,d]
  const khT = byHead(k, [0, 2, 3, 1], [groups, d, seq]); // [G,d,T]
  const vh = byHead(v, [0, 2, 1, 3], [groups, seq, d]); // [G,T,d]
  const scores = tf.add(tf.reshape(batchMatMul(qh, khT), [batch, heads, seq, seq]), bias()); // [B,h,T,T]
  let probs = tf.softmax(scores) as tf.Tensor4D;
  if (o.dropoutRate && o.dropoutRate > 0) probs = dropout(probs, o.dropoutRate, o.dropoutSeed ?? 0, samples);
  const context = batchMatMul(tf.reshape(probs, [groups, seq, seq]) as tf.Tensor3D, vh); // [G,T,d]
  return tf.reshape(tf.transpose(tf.reshape(context, [batch, heads, seq, d]), [0, 2, 1, 3]), [batch * seq, hidden]) as tf.Tensor2D;
}
