/**
 * Dropout with a reproducible mask: keep each element with probability 1 − rate and scale kept ones by
 * 1/(1 − rate) (inverted dropout). The mask comes from a small JS generator (src/random.ts) keyed on `seed`, so
 * the same seed gives the same mask on every backend, and a resumed run drops the same units. Generating the
 * mask in JS is ~20× faster than tf.randomUniform on wasm; on `native` the addon draws the same numbers on
 * every thread (the generator is counter-based).
 *
 * Keyed by sample: a tensor whose rows belong to the samples of a batch (SampleBlocks) can draw each sample's
 * block of the mask from its own stream, keyed on (seed, global sample index). A sample is then dropped the same
 * way whichever microbatch, rank or batch position computes it, so splitting a step's batch into microbatches or
 * over devices (src/train/pretrain.ts) trains the same model.
 *
 * Contract: `dropout(x, rate, seed, samples?)`; rate 0 returns x itself; dx = dy·mask.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, mixSeed } from '../src/random.js';
import { nativeDropoutMask, onNative } from '../src/engine/native/fused.js';

/** The scaled keep mask of `size` elements: 0 or 1/(1 − rate). */
export function dropoutMask(size: number, rate: number, seed: number): Float32Array {
  if (onNative()) return nativeDropoutMask([mixSeed(seed)], [size], rate); // the same numbers, on every thread
  const rng = new Rng(mixSeed(seed));
  const keep = 1 / (1 - rate);
  const mask = new Float32Array(size);
  for (let i = 0; i < size; i++) mask[i] = rng.next() >= rate ? keep : 0;
  return mask;
}

/**
 * How a tensor's elements (row-major) divide into samples: sample `firstSample + s` owns the next `elements[s]`
 * elements. A batch's samples are consecutive in every layout the encoder uses (padded, unpadded, [B,h,T,T]).
 */
export interface SampleBlocks {
  /** Global index of the batch's first sample within its optimizer step. */
  firstSample: number;
  /** Elements per sample, in order; they sum to the tensor's size. */
  elements: ArrayLike<number>;
}

/** Blocks of `rowsPerSample[s] × width` elements: a [rows, width] tensor whose rows are grouped by sample. */
export function sampleRows(firstSample: number, rowsPerSample: ArrayLike<number>, width: number): SampleBlocks {
  return { firstSample, elements: Array.from(rowsPerSample, (r) => r * width) };
}

/** The scaled keep mask of a tensor divided into samples, each sample's block from the stream (seed, its index). */
export function sampleDropoutMask(blocks: SampleBlocks, rate: number, seed: number): Float32Array {
  if (onNative()) {
    const states = Array.from(blocks.elements, (_, s) => mixSeed(seed, blocks.firstSample + s));
    return nativeDropoutMask(states, blocks.elements, rate);
  }
  let size = 0;
  for (let s = 0; s < blocks.elements.length; s++) size += blocks.elements[s]!;
  const keep = 1 / (1 - rate);
  const mask = new Float32Array(size);
  let at = 0;
  for (let s = 0; s < blocks.elements.length; s++) {
    const rng = new Rng(mixSeed(seed, blocks.firstSample + s));
    for (const end = at + blocks.elements[s]!; at < end; at++) mask[at] = rng.next() >= rate ? keep : 0;
  }
  return mask;
}

export function dropout<T extends tf.Tensor>(x: T, rate: number, seed: number, samples?: SampleBlocks): T {
  if (rate <= 0) return x;
  if (rate >= 1) throw new Error(`dropout rate must be < 1, got ${rate}`);
  const values = samples ? sampleDropoutMask(samples, rate, seed) : dropoutMask(x.size, rate, seed);
  if (values.length !== x.size) throw new Error(`dropout: the sample blocks cover ${values.length} elements, the tensor has ${x.size}`);
  const mask = tf.tensor(values, x.shape, 'float32');
  return tf.mul(x, mask) as T;
}
