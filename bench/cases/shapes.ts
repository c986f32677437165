/**
 * The shapes the suite measures at: BERT miniature sizes (DESIGN.md), sequence length 128, and padding
 * fractions 0/25/50% made by giving rows different lengths, as document-per-sample data does.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface BenchSize {
  name: 'tiny' | 'mini' | 'base';
  hidden: number;
  heads: number;
  /** Feed-forward inner width (for GeGLU: each of the two input projections). */
  intermediate: number;
  /**
   * Rows per batch: small, so that one call of the slowest case takes tens of milliseconds on wasm (where a
   * batched matmul runs at ~1 GFLOP/s) and the default suite fits in a minute. Throughput per token is what
   * the suite compares; seq 128 and the hidden sizes are the real ones.
   */
  batch: number;
}

export const seqLen = 128;
/** bert-base-uncased's 30522 rows padded to a multiple of 8 (MosaicBERT). */
export const vocabRows = 30528;

export const sizes: Record<BenchSize['name'], BenchSize> = {
  tiny: { name: 'tiny', hidden: 128, heads: 2, intermediate: 512, batch: 4 },
  mini: { name: 'mini', hidden: 256, heads: 4, intermediate: 1024, batch: 2 },
  base: { name: 'base', hidden: 768, heads: 12, intermediate: 3072, batch: 1 },
};

export type PadPercent = 0 | 25 | 50;

/**
 * Row lengths whose pads make up `padPercent` of the batch: lengths spread evenly around the mean
 * (1 − pad)·seq, so rows differ as real documents do, and the total is exact.
 */
export function rowLengths(batch: number, seq: number, padPercent: number): number[] {
  const total = Math.round(batch * seq * (1 - padPercent / 100));
  const mean = total / batch;
  const spread = Math.min(mean, seq - mean) * 0.5;
  const lengths = Array.from({ length: batch }, (_, i) =>
    Math.round(batch === 1 ? mean : mean - spread + (2 * spread * i) / (batch - 1)),
  );
  // Fix rounding so the lengths sum to `total` exactly, staying within [1, seq].
  let diff = total - lengths.reduce((a, b) => a + b, 0);
  for (let i = 0; diff !== 0; i = (i + 1) % batch) {
    const step = Math.sign(diff);
    const next = lengths[i]! + step;
    if (next >= 1 && next <= seq) {
      lengths[i] = next;
      diff -= step;
    }
  }
  return lengths;
}

/** 0/1 attention mask [batch·seq] (pads at the end of each row), the model's TokenBatch layout. */
export function batchMask(lengths: readonly number[], seq: number): Uint8Array {
  const mask = new Uint8Array(lengths.length * seq);
  lengths.forEach((len, row) => mask.fill(1, row * seq, row * seq + len));
  return mask;
}

/** Deterministic pseudo-random normal tensor (so runs measure identical inputs). */
export function randomTensor(shape: number[], seed = 1, scale = 0.02): tf.Tensor {
  return tf.randomNormal(shape, 0, scale, 'float32', seed);
}
