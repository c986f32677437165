/**
 * The masked-token MLM head and loss, forward and backward, as the model trains it (src/model/encoder.ts):
 * only the masked rows go through dense → GELU → LayerNorm and the decoder tied to the word embeddings, then
 * mean cross-entropy (kernels/mlm-loss.ts). The [M, H] × [H, V] decoder product dominates.
 *
 * `mlm-decoder-xent` is the decoder and its cross-entropy alone (tiedMlmLoss with the gradients for h, table and
 * bias): on native the fused head (src/engine/native/mlm-head.ts), elsewhere the unfused tfjs ops; run it with
 * MBENCH_NATIVE_MLM_HEAD=unfused to time native's unfused path against it.
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

/**
 * The tied decoder + softmax cross-entropy on M masked rows [M, H] → loss, with d h, d table, d bias. `batch`
 * sets M as `npm run bench:train` has it (30% of batch × 128 tokens, no padding: 1229 rows at batch 32);
 * omitted, the suite's small batch of that size, 25% padded. Backward ≈ 2×
 * forward (dh = G·table, dtable = Gᵀ·h); the fused head recomputes the logits once more, not counted.
 */
export function mlmDecoderXentCase(size: BenchSize, batch?: number): KernelCase {
  const masked = batch === undefined ? maskedCount(size) : maskedCount({ ...size, batch }, 0.3, 0);
  const { hidden } = size;
  return {
    name: `mlm-decoder-xent/${size.name}${batch === undefined ? '' : `/batch${batch}`}`,
    kernel: 'mlm-decoder-xent',
    shape: { masked, hidden, vocab: vocabRows, maskPercent: 30 },
    flops: 3 * 2 * masked * hidden * vocabRows,
    setup() {
      const h = tf.variable(randomTensor([masked, hidden], 17, 1)) as tf.Variable<tf.Rank.R2>;
      const table = tf.variable(randomTensor([vocabRows, hidden], 18)) as tf.Variable<tf.Rank.R2>;
      const bias = tf.variable(tf.zeros([vocabRows])) as tf.Variable<tf.Rank.R1>;
      const labels = Int32Array.from({ length: masked }, (_, i) => (i * 104729) % vocabRows);
      return {
        run: () => Object.values(tf.variableGrads(() => tiedMlmLoss(h, table, bias, labels).loss, [h, table, bias]).grads),
        dispose: () => tf.dispose([h, table, bias]),
      };
    },
  };
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
