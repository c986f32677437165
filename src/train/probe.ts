/**
 * Linear probe: the encoder stays frozen; each example becomes one feature vector, and a linear model is fit on
 * the training features and scored on the dev splits. At micro scale full fine-tuning of a tiny encoder is
 * dominated by the fine-tuning run itself (its seed, learning rate and how often it collapses to the majority
 * class; docs/data.md has the measurements), so what pretraining put into the representation is read more
 * directly by a probe (Alain & Bengio 2016, "Understanding intermediate layers using linear classifier probes").
 *
 * Features: [mean over real tokens of the last hidden states ‖ hidden state at [CLS]], 2H values, standardised
 * with the training set's mean and standard deviation. Model: multinomial logistic regression (classification)
 * or least squares (regression) with an L2 penalty `PROBE_L2`, fit by full-batch gradient descent for a fixed
 * number of iterations from zero weights — convex and deterministic: no seed, the same features give the same
 * score.
 */
import * as tf from '@tensorflow/tfjs-core';
import { scoreTask } from '../data/tasks.js';
import { createEncoder, type Encoder } from '../model/encoder.js';
import type { ModelConfig, NamedWeights } from '../model/types.js';
import type { EncodedTask } from './finetune.js';
import type { EncodedExample } from './finetune-batches.js';
import { makeBatch } from './finetune-batches.js';

/** L2 penalty on the weights (not the bias), per example; chosen on micro-GLUE's sentiment and spam (docs/data.md). */
export const PROBE_L2 = 1e-2;
/** Gradient steps, each of size 1/L (L: the loss's curvature bound, see stepSize), so descent never diverges. */
export const PROBE_ITERATIONS = 300;
const FEATURE_BATCH = 64;

/** [n, 2H] features of `examples` (row-major), computed without dropout. */
export async function probeFeatures(encoder: Encoder, examples: readonly EncodedExample[], pad: number, maxSeqLen: number): Promise<{ values: Float64Array; dim: number }> {
  let values: Float64Array | null = null;
  let dim = 0;
  for (let start = 0; start < examples.length; start += FEATURE_BATCH) {
    const idx = Array.from({ length: Math.min(FEATURE_BATCH, examples.length - start) }, (_, i) => start + i);
    const b = makeBatch(examples, idx, pad, maxSeqLen);
    // Not through tf.tidy's return value: tidy walks returned objects element by element looking for tensors,
    // which for a [rows·H] typed array costs more than the forward pass.
    let rowOf: Int32Array = new Int32Array(0);
    const states = tf.tidy(() => {
      const enc = encoder.encode(b, null);
      rowOf = enc.layout.rowOf;
      return enc.hidden;
    });
    const h = states.shape[1];
    const hidden = (await states.data().finally(() => states.dispose())) as Float32Array;
    if (values === null) {
      dim = 2 * h;
      values = new Float64Array(examples.length * dim);
    }
    for (let r = 0; r < b.batchSize; r++) {
      const out = (start + r) * dim;
      let count = 0;
      for (let t = 0; t < b.seqLen; t++) {
        if (!b.attentionMask[r * b.seqLen + t]) continue;
        const row = rowOf[r * b.seqLen + t]!;
        for (let k = 0; k < h; k++) values[out + k] = values[out + k]! + (hidden[row * h + k]!);
        count++;
      }
      for (let k = 0; k < h; k++) values[out + k] = values[out + k]! / (Math.max(1, count));
      const cls = rowOf[r * b.seqLen]!;
      for (let k = 0; k < h; k++) values[out + h + k] = hidden[cls * h + k]!;
    }
  }
  return { values: values ?? new Float64Array(0), dim };
}

export interface Standardiser {
  mean: Float64Array;
  scale: Float64Array;
}

/** Per-feature mean and 1/std of the training features (a constant feature gets scale 0: it carries nothing). */
export function fitStandardiser(x: Float64Array, n: number, dim: number): Standardiser {
  const mean = new Float64Array(dim);
  const scale = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k] = mean[k]! + (x[i * dim + k]! / n);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) scale[k] = scale[k]! + ((x[i * dim + k]! - mean[k]!) ** 2 / n);
  for (let k = 0; k < dim; k++) scale[k] = scale[k]! > 1e-12 ? 1 / Math.sqrt(scale[k]!) : 0;
  return { mean, scale };
}

export function standardise(x: Float64Array, n: number, dim: number, s: Standardiser): Float64Array {
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) out[i * dim + k] = (x[i * dim + k]! - s.mean[k]!) * s.scale[k]!;
  return out;
}

/** A linear model: outputs = x·W + b, W [dim, outputs] row-major. */
export interface LinearModel {
  dim: number;
  outputs: number;
  w: Float64Array;
  b: Float64Array;
}

/**
 * Fits the probe. `outputs` = number of classes (softmax cross-entropy) or 1 with `regression` (squared error).
 * Loss = mean over examples + (l2 / 2)·‖W‖²; plain gradient descent, so the result depends only on the data.
 */
export function fitLinear(x: Float64Array, labels: ArrayLike<number>, n: number, dim: number, outputs: number, regression: boolean, l2 = PROBE_L2, iterations = PROBE_ITERATIONS): LinearModel {
  const step = stepSize(x, n, dim, regression, l2);
  const w = new Float64Array(dim * outputs);
  const b = new Float64Array(outputs);
  const gw = new Float64Array(dim * outputs);
  const gb = new Float64Array(outputs);
  const z = new Float64Array(outputs);
  for (let it = 0; it < iterations; it++) {
    gw.fill(0);
    gb.fill(0);
    for (let i = 0; i < n; i++) {
      logits(x, i, dim, w, b, outputs, z);
      if (regression) z[0] = z[0]! - labels[i]!;
      else softmaxMinusOneHot(z, labels[i]!);
      for (let o = 0; o < outputs; o++) {
        const d = z[o]! / n;
        gb[o] = gb[o]! + (d);
        for (let k = 0; k < dim; k++) gw[k * outputs + o] = gw[k * outputs + o]! + (x[i * dim + k]! * d);
      }
    }
    for (let j = 0; j < w.length; j++) w[j] = w[j]! - (step * (gw[j]! + l2 * w[j]!));
    for (let o = 0; o < outputs; o++) b[o] = b[o]! - (step * gb[o]!);
  }
  return { dim, outputs, w, b };
}

/**
 * 1/L for gradient descent: the squared-error loss's Hessian is [x 1]ᵀ[x 1]/n (+ l2), softmax cross-entropy's
 * is at most half of that (Böhning 1992), so L = c·λmax + l2 with λmax, the largest eigenvalue of the
 * bias-augmented Gram matrix, estimated by 50 power iterations (and rounded up by 10%).
 */
export function stepSize(x: Float64Array, n: number, dim: number, regression: boolean, l2: number): number {
  let v = new Float64Array(dim + 1).fill(1 / Math.sqrt(dim + 1));
  let lambda = 0;
  for (let it = 0; it < 50; it++) {
    const next = new Float64Array(dim + 1);
    for (let i = 0; i < n; i++) {
      let dot = v[dim]!;
      for (let k = 0; k < dim; k++) dot += x[i * dim + k]! * v[k]!;
      for (let k = 0; k < dim; k++) next[k] = next[k]! + (x[i * dim + k]! * dot) / n;
      next[dim] = next[dim]! + dot / n;
    }
    lambda = Math.hypot(...next);
    if (lambda === 0) break;
    v = next.map((e) => e / lambda);
  }
  return 1 / ((regression ? 1 : 0.5) * lambda * 1.1 + l2);
}

/** Predicted class per row (argmax), or the predicted value for regression. */
export function predictLinear(m: LinearModel, x: Float64Array, n: number, regression: boolean): number[] {
  const z = new Float64Array(m.outputs);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    logits(x, i, m.dim, m.w, m.b, m.outputs, z);
    if (regression) out.push(z[0]!);
    else {
      let best = 0;
      for (let o = 1; o < m.outputs; o++) if (z[o]! > z[best]!) best = o;
      out.push(best);
    }
  }
  return out;
}

function logits(x: Float64Array, i: number, dim: number, w: Float64Array, b: Float64Array, outputs: number, z: Float64Array): void {
  for (let o = 0; o < outputs; o++) z[o] = b[o]!;
  for (let k = 0; k < dim; k++) {
    const v = x[i * dim + k]!;
    if (v === 0) continue;
    for (let o = 0; o < outputs; o++) z[o] = z[o]! + (v * w[k * outputs + o]!);
  }
}

/** z ← softmax(z) − onehot(label): the cross-entropy gradient with respect to the logits. */
function softmaxMinusOneHot(z: Float64Array, label: number): void {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let o = 0; o < z.length; o++) {
    z[o] = Math.exp(z[o]! - max);
    sum += z[o]!;
  }
  for (let o = 0; o < z.length; o++) z[o] = z[o]! / sum - (o === label ? 1 : 0);
}

/**
 * A linear probe of one task: features of the frozen encoder (pretrained weights, or the random initialisation
 * of `initSeed` when there are none), a linear model fit on the training split, the task's metrics on its dev
 * splits.
 */
export async function probeTask(config: ModelConfig, weights: NamedWeights | null, data: EncodedTask, pad: number, initSeed: number): Promise<Record<string, number>> {
  const { spec } = data.task;
  const encoder = createEncoder(config, initSeed);
  try {
    if (weights) encoder.importWeights(weights, 'the pretrained weights');
    const max = spec.hyper.maxSeqLen;
    const train = await probeFeatures(encoder, data.train, pad, max);
    const n = data.train.length;
    const s = fitStandardiser(train.values, n, train.dim);
    const regression = spec.kind === 'regression';
    const fit = fitLinear(standardise(train.values, n, train.dim, s), data.train.map((e) => e.label), n, train.dim, regression ? 1 : spec.numLabels, regression);
    const predictions: Record<string, number[]> = {};
    for (const [split, examples] of Object.entries(data.dev)) {
      const f = await probeFeatures(encoder, examples, pad, max);
      predictions[split] = predictLinear(fit, standardise(f.values, examples.length, f.dim, s), examples.length, regression);
    }
    return scoreTask(spec, data.task.dev, predictions);
  } finally {
    encoder.dispose();
  }
}
