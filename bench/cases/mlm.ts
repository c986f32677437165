/**
 * The masked-token MLM head and loss, forward and backward, as the model trains it (src/model/encoder.ts):
 * only the masked rows go through dense → GELU → LayerNorm and the decoder tied to the word embeddings, then
 * mean cross-entropy (kernels/mlm-loss.ts). The [M, H] × [H, V] decoder product dominates.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gatherRows, rowIndex } from '../../kernels/gather.js';
import { gelu } from '../../kernels/gelu.js';
import { layerNorm } from '../../kernels/layernorm.js';
import { linear } from '../../kernels/matmul.js';
import { tiedMlmLoss } from '../../kernels/mlm-loss.js';
import type { KernelCase } from '../types.js';
import { randomTensor, rowLengths, seqLen, vocabRows, type BenchSize } from './shapes.js';

/** Masked-token count for a batch padded 25%, at MosaicBERT's 30% masking rate. */
export function maskedCount(size: BenchSize, maskRate = 0.3, padPercent = 25): number {
  const real = rowLengths(size.batch, seqLen, padPercent).reduce((a, b) => a + b, 0);
  return Math.round(real * maskRate);
}

export function mlmHeadLossCase(size: BenchSize): KernelCase {
  const masked = maskedCount(size);
  const { hidden } = size;
  const forward = 2 * masked * hidden * hidden + 2 * masked * hidden * vocabRows;
  return {
    name: `mlm-head-loss/${size.name}`,
    kernel: 'mlm-head-loss',
    shape: { masked, hidden, vocab: vocabRows, maskPercent: 30 },
    flops: 3 * forward, // backward ≈ 2× forward
    setup() {
      const tokens = size.batch * seqLen;
      const states = randomTensor([tokens, hidden], 14, 1) as tf.Tensor2D;
      const rows = rowIndex(Int32Array.from({ length: masked }, (_, i) => Math.floor((i * tokens) / masked)));
      const labels = Int32Array.from({ length: masked }, (_, i) => (i * 104729) % vocabRows);
      const w = {
        transform: tf.variable(randomTensor([hidden, hidden], 15)) as tf.Variable<tf.Rank.R2>,
        transformBias: tf.variable(tf.zeros([hidden])) as tf.Variable<tf.Rank.R1>,
        gamma: tf.variable(tf.ones([hidden])) as tf.Variable<tf.Rank.R1>,
        beta: tf.variable(tf.zeros([hidden])) as tf.Variable<tf.Rank.R1>,
        table: tf.variable(randomTensor([vocabRows, hidden], 16)) as tf.Variable<tf.Rank.R2>, // tied word embeddings [V, H]
        bias: tf.variable(tf.zeros([vocabRows])) as tf.Variable<tf.Rank.R1>,
      };
      const loss = () => {
        const h = layerNorm(gelu(linear(gatherRows(states, rows), w.transform, w.transformBias)), w.gamma, w.beta); // [M, H]
        return tiedMlmLoss(h, w.table, w.bias, labels).loss;
      };
      return {
        run: () => Object.values(tf.variableGrads(loss).grads),
        dispose: () => tf.dispose([states, rows.rows, rows.rows2d, ...Object.values(w)]),
      };
    },
  };
}
