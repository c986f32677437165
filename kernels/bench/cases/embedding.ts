/**
 * Token embedding lookup (gather of rows from the [V, H] table) and its gradient (scatter-add of the output
 * gradient back into a [V, H] table; repeated ids sum).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelCase } from '../types.js';
import { randomTensor, seqLen, vocabRows, type BenchSize } from './shapes.js';

/** Token ids spread over the vocabulary with repeats, as text has (deterministic). */
function tokenIds(count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => (i * 7919 + ((i * i) % 97)) % 2000 * 13 % vocabRows);
}

/** Gather T rows of H floats: reads and writes 4·T·H bytes each (plus 4·T of ids). */
export function embeddingGatherCase(size: BenchSize): KernelCase {
  const tokens = size.batch * seqLen;
  return {
    name: `embedding-gather/${size.name}`,
    kernel: 'embedding-gather',
    shape: { tokens, hidden: size.hidden, vocab: vocabRows },
    bytes: 4 * tokens * (2 * size.hidden + 1),
    setup() {
      const table = randomTensor([vocabRows, size.hidden], 12);
      const ids = tf.tensor1d(tokenIds(tokens), 'int32');
      return { run: () => tf.gather(table, ids), dispose: () => tf.dispose([table, ids]) };
    },
  };
}

/**
 * Scatter-add dY [T, H] into a zero [V, H] gradient: reads 4·T·H, writes the whole 4·V·H table.
 * (tf.scatterND sums duplicate indices on wasm and cpu; tfjs's own gather gradient, UnsortedSegmentSum,
 * is missing on wasm.)
 */
export function embeddingGradCase(size: BenchSize): KernelCase {
  const tokens = size.batch * seqLen;
  return {
    name: `embedding-grad/${size.name}`,
    kernel: 'embedding-grad',
    shape: { tokens, hidden: size.hidden, vocab: vocabRows },
    bytes: 4 * (tokens * (size.hidden + 1) + vocabRows * size.hidden),
    setup() {
      const dy = randomTensor([tokens, size.hidden], 13);
      const ids = tf.tensor2d(tokenIds(tokens), [tokens, 1], 'int32');
      return { run: () => tf.scatterND(ids, dy, [vocabRows, size.hidden]), dispose: () => tf.dispose([dy, ids]) };
    },
  };
}
