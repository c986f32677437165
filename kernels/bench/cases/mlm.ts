/**
 * The masked-token MLM head and loss: only the masked positions go through the transform and the tied
 * decoder (the [M, H] × [H, V] product dominates), then mean cross-entropy over them.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelCase } from '../types.js';
import { randomTensor, rowLengths, seqLen, vocabRows, type BenchSize } from './shapes.js';
import { gelu, layerNorm } from './standins.js';

/** Masked-token count for a batch padded 25% with MosaicBERT's 30% masking rate. */
export function maskedCount(size: BenchSize, maskRate = 0.3, padPercent = 25): number {
  const real = rowLengths(size.batch, seqLen, padPercent).reduce((a, b) => a + b, 0);
  return Math.round(real * maskRate);
}

export function mlmHeadLossCase(size: BenchSize): KernelCase {
  const masked = maskedCount(size);
  const { hidden } = size;
  return {
    name: `mlm-head-loss/${size.name}`,
    kernel: 'mlm-head-loss',
    shape: { masked, hidden, vocab: vocabRows, maskPercent: 30 },
    flops: 2 * masked * hidden * hidden + 2 * masked * hidden * vocabRows,
    setup() {
      const tokens = size.batch * seqLen;
      const states = randomTensor([tokens, hidden], 14, 1) as tf.Tensor2D;
      const positions = tf.tensor1d(Int32Array.from({ length: masked }, (_, i) => Math.floor((i * tokens) / masked)), 'int32');
      const labels = tf.tensor1d(Int32Array.from({ length: masked }, (_, i) => (i * 104729) % vocabRows), 'int32');
      const wTransform = randomTensor([hidden, hidden], 15) as tf.Tensor2D;
      const gamma = tf.ones([hidden]) as tf.Tensor1D;
      const beta = tf.zeros([hidden]) as tf.Tensor1D;
      const decoderT = randomTensor([hidden, vocabRows], 16) as tf.Tensor2D; // tied embedding, stored [H, V]
      const decoderBias = tf.zeros([vocabRows]);
      return {
        run: () => {
          const h = layerNorm(gelu(tf.matMul(tf.gather(states, positions), wTransform)), gamma, beta) as tf.Tensor2D; // [M, H]
          const logits = tf.add(tf.matMul(h, decoderT), decoderBias); // [M, V]
          const logProbs = tf.logSoftmax(logits);
          return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels, vocabRows), logProbs), -1)));
        },
        dispose: () => tf.dispose([states, positions, labels, wTransform, gamma, beta, decoderT, decoderBias]),
      };
    },
  };
}
