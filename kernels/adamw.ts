/**
 * Decoupled AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", Algorithm 2), in the form of
 * torch.optim.AdamW: the weight decay shrinks the parameter directly (p ← p − lr·wd·p) instead of being added
 * to the gradient, so it is not rescaled by Adam's per-coordinate step sizes.
 *
 *   p ← p·(1 − lr·wd)                      (decay; skipped for biases and LayerNorm: every rank-1 parameter)
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 *
 * Defaults are MosaicBERT's (lr 5e-4, betas 0.9/0.98, eps 1e-6, wd 1e-5). Note: Composer's DecoupledAdamW, which
 * MosaicBERT ran, scales the decay by lr/peakLr instead of lr (p ← p·(1 − wd·lr/peakLr)); `decayScale: 'peak'`
 * selects that form.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AdamWConfig } from './adamw-config.js';

export { DEFAULT_ADAMW, type AdamWConfig } from './adamw-config.js';

/** Biases and LayerNorm scales/shifts are rank-1; only matrices (and embeddings) are decayed. */
export function isDecayed(shape: readonly number[]): boolean {
  return shape.length >= 2;
}

/** The multiplier a decayed parameter is scaled by before the Adam step. */
export function decayFactor(lr: number, peakLr: number, c: AdamWConfig): number {
  return 1 - c.weightDecay * (c.decayScale === 'peak' ? lr / peakLr : lr);
}

/** Bias corrections for step t (1-based): 1 − β1ᵗ and 1 − β2ᵗ. */
export function biasCorrections(t: number, c: Pick<AdamWConfig, 'beta1' | 'beta2'>): { bc1: number; bc2: number } {
  return { bc1: 1 - c.beta1 ** t, bc2: 1 - c.beta2 ** t };
}

/**
 * Reference update on plain arrays, in float64 — the formula the tfjs version is tested against.
 * Mutates p, m, v in place; t is the 1-based step number.
 */
export function adamwReferenceStep(
  p: Float64Array | number[],
  g: ArrayLike<number>,
  m: Float64Array | number[],
  v: Float64Array | number[],
  t: number,
  lr: number,
  peakLr: number,
  c: AdamWConfig,
  decayed: boolean,
): void {
  const { bc1, bc2 } = biasCorrections(t, c);
  const shrink = decayed ? decayFactor(lr, peakLr, c) : 1;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]!;
    m[i] = c.beta1 * m[i]! + (1 - c.beta1) * gi;
    v[i] = c.beta2 * v[i]! + (1 - c.beta2) * gi * gi;
    const denom = Math.sqrt(v[i]!) / Math.sqrt(bc2) + c.eps;
    p[i] = p[i]! * shrink - (lr / bc1) * (m[i]! / denom);
  }
}

/**
 * The same update as one fused loop over host memory, for backends whose tensors live in host memory (wasm, cpu,
 * native): one pass instead of ~14 tensor ops, each a full read and write of the parameter. `gScale` folds in
 * gradient clipping. m and v are updated in place; the new parameter values are returned in a fresh array.
 */
export function adamwHostStep(
  p: Float32Array,
  g: Float32Array,
  gScale: number,
  m: Float32Array,
  v: Float32Array,
  t: number,
  lr: number,
  peakLr: number,
  c: AdamWConfig,
  decayed: boolean,
): Float32Array {
  const { bc1, bc2 } = biasCorrections(t, c);
  const shrink = decayed ? decayFactor(lr, peakLr, c) : 1;
  const { beta1, beta2, eps } = c;
  const stepSize = lr / bc1;
  const invSqrtBc2 = 1 / Math.sqrt(bc2);
  const out = new Float32Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]! * gScale;
    const mi = beta1 * m[i]! + (1 - beta1) * gi;
    const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    out[i] = p[i]! * shrink - stepSize * (mi / (Math.sqrt(vi) * invSqrtBc2 + eps));
  }
  return out;
}

/** Optimizer state for one parameter: its first and second moments, same shape. */
export interface Moments {
  m: tf.Variable;
  v: tf.Variable;
}

export function zeroMoments(p: tf.Variable): Moments {
  // tidy disposes the zero tensors; each variable keeps its own reference to the data.
  return tf.tidy(() => ({ m: tf.variable(tf.zerosLike(p), false), v: tf.variable(tf.zerosLike(p), false) }));
}

/**
 * A backend's own AdamW update (same formula): p, m, v updated with gradient g·gScale. Only backends registered
 * with `registerFusedClipping` are handed a gScale other than 1.
 */
export type FusedAdamW = (
  p: tf.Variable,
  g: tf.Tensor,
  m: tf.Variable,
  v: tf.Variable,
  s: { beta1: number; beta2: number; eps: number; shrink: number; lr: number; t: number; gScale?: number },
) => void;

const fusedByBackend = new Map<string, FusedAdamW>();
const sumSquaresByBackend = new Map<string, (g: tf.Tensor) => number>();

/** Lets a backend (e.g. `native`, src/engine/native) run adamwApply as one fused kernel instead of ~12 tfjs ops. */
export function registerFusedAdamW(backend: string, fn: FusedAdamW): void {
  fusedByBackend.set(backend, fn);
}

/**
 * Lets a backend clip without copying every gradient: `sumSquares(g)` = Σ g² (synchronously, as a number), and
 * its fused AdamW applies the clip factor as gScale (the optimizer's clipped step then reads each gradient twice,
 * once for the norm and once in the update).
 */
export function registerFusedClipping(backend: string, fused: FusedAdamW, sumSquares: (g: tf.Tensor) => number): void {
  fusedByBackend.set(backend, fused);
  sumSquaresByBackend.set(backend, sumSquares);
}

/** The active backend's Σ g² when it registered fused clipping, else undefined. */
export function fusedSumSquares(backend: string = tf.getBackend()): ((g: tf.Tensor) => number) | undefined {
  return sumSquaresByBackend.get(backend);
}

/** One AdamW update of `p` with gradient g·gScale on the active backend; t is the 1-based step number. */
export function adamwApply(p: tf.Variable, g: tf.Tensor, s: Moments, t: number, lr: number, peakLr: number, c: AdamWConfig, gScale = 1): void {
  const shrink = isDecayed(p.shape) ? decayFactor(lr, peakLr, c) : 1;
  const backend = tf.getBackend();
  const fused = fusedByBackend.get(backend);
  if (fused && (gScale === 1 || sumSquaresByBackend.has(backend))) return fused(p, g, s.m, s.v, { beta1: c.beta1, beta2: c.beta2, eps: c.eps, shrink, lr, t, gScale });
  if (fused) {
    const scaled = tf.mul(g, gScale);
    fused(p, scaled, s.m, s.v, { beta1: c.beta1, beta2: c.beta2, eps: c.eps, shrink, lr, t });
    scaled.dispose();
    return;
  }
  adamwOps(p, g, s, t, lr, peakLr, c, gScale);
}

/** adamwApply as plain tfjs ops (~12 elementwise passes), whatever the backend has registered. */
export function adamwOps(p: tf.Variable, g: tf.Tensor, s: Moments, t: number, lr: number, peakLr: number, c: AdamWConfig, gScale = 1): void {
  const { bc1, bc2 } = biasCorrections(t, c);
  const shrink = isDecayed(p.shape) ? decayFactor(lr, peakLr, c) : 1;
  tf.tidy(() => {
    const gs = gScale === 1 ? g : tf.mul(g, gScale);
    const m = tf.add(tf.mul(s.m, c.beta1), tf.mul(gs, 1 - c.beta1));
    const v = tf.add(tf.mul(s.v, c.beta2), tf.mul(tf.square(gs), 1 - c.beta2));
    const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), c.eps);
    const step = tf.mul(tf.div(m, denom), lr / bc1);
    const decayed = shrink === 1 ? p : tf.mul(p, shrink);
    s.m.assign(m);
    s.v.assign(v);
    p.assign(tf.sub(decayed, step));
  });
}
