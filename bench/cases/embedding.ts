/**
 * Token embedding lookup (kernels/gather.ts: a row gather from the [V, H] table) alone, and with its gradient
 * (the scatter-add of the output gradient into a [V, H] table, repeated ids summing).
 */
import * as tf from '@tensorflow/tfjs-core';
import { gatherRows, rowIndex } from '../../kernels/gather.js';
import type { KernelCase } from '../types.js';
import { randomTensor, seqLen, vocabRows, type BenchSize } from './shapes.js';

/** Token ids spread over the vocabulary with repeats, as text has (deterministic). */
function tokenIds(count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => ((((i * 7919 + ((i * i) % 97)) % 2000) * 13) % vocabRows));
}

function embeddingCase(size: BenchSize, withGradient: boolean): KernelCase {
  const tokens = size.batch * seqLen;
  const { hidden } = size;
  const gatherBytes = 4 * tokens * (2 * hidden + 1); // read T rows + ids, write T rows
  const scatterBytes = 4 * (tokens * (hidden + 1) + vocabRows * hidden); // read dY + ids, write the [V, H] gradient
  const kernel = withGradient ? 'embedding-grad' : 'embedding-gather';
  return {
    name: `${kernel}/${size.name}`,
    kernel,
    shape: { tokens, hidden, vocab: vocabRows },
    bytes: withGradient ? gatherBytes + scatterBytes : gatherBytes,
    setup() {
      const table = randomTensor([vocabRows, hidden], 12) as tf.Tensor2D;
      const index = rowIndex(tokenIds(tokens));
      const dy = randomTensor([tokens, hidden], 13) as tf.Tensor2D;
      const lookup = (t: tf.Tensor) => gatherRows(t as tf.Tensor2D, index);
      const lookupGrad = tf.grad(lookup);
      return {
        run: () => (withGradient ? lookupGrad(table, dy) : lookup(table)),
        dispose: () => tf.dispose([table, dy, index.rows, index.rows2d]),
      };
    },
  };
}

/** Gather of T rows from the [V, H] table. */
export function embeddingGatherCase(size: BenchSize): KernelCase {
  return embeddingCase(size, false);
}

/** Gather forward plus its gradient w.r.t. the table (scatter-add of dY into [V, H]). */
export function embeddingGradCase(size: BenchSize): KernelCase {
  return embeddingCase(size, true);
}
