/**
 * A small stand-in masked-language model for testing the training loop on the cpu backend:
 * token + learned position embeddings → one dense GELU-free tanh layer → tied decoder on masked positions only.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MlmBatch, MlmOutput, ModelConfig } from '../../src/model/types.js';
import type { NamedWeight, TrainableMlm } from '../../src/train/types.js';
import { IGNORE_LABEL } from '../../src/data/masking.js';
import { Rng } from '../../src/random.js';

export function standInConfig(vocabSize: number, hidden = 16, maxSeqLen = 32): ModelConfig {
  return {
    size: 'tiny', layers: 1, hidden, heads: 1, intermediate: hidden, vocabSize, maxSeqLen,
    positions: 'learned', feedForward: 'gelu', unpad: false, attentionDropout: 0, hiddenDropout: 0.1, vocabMultiple: 1,
  };
}

export function createStandIn(config: ModelConfig, seed: number): TrainableMlm {
  const rng = new Rng(seed);
  const init = (shape: number[], scale: number): tf.Variable => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = (rng.next() * 2 - 1) * scale;
    return tf.variable(tf.tensor(data, shape));
  };
  const H = config.hidden;
  const weights: NamedWeight[] = [
    { name: 'embeddings.tokens', variable: init([config.vocabSize, H], 0.1) },
    { name: 'embeddings.positions', variable: init([config.maxSeqLen, H], 0.1) },
    { name: 'dense.kernel', variable: init([H, H], 1 / Math.sqrt(H)) },
    { name: 'dense.bias', variable: tf.variable(tf.zeros([H])) },
    { name: 'decoder.bias', variable: tf.variable(tf.zeros([config.vocabSize])) },
  ];
  const [tok, pos, kernel, bias, decBias] = weights.map((w) => w.variable) as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  return {
    config,
    weights,
    mlmLoss(batch: MlmBatch, dropoutSeed: number | null): MlmOutput {
      const { batchSize: B, seqLen: L } = batch;
      const masked: number[] = [];
      const targets: number[] = [];
      batch.labels.forEach((l, i) => {
        if (l !== IGNORE_LABEL) {
          masked.push(i);
          targets.push(l);
        }
      });
      const positions = new Int32Array(B * L).map((_, i) => i % L);
      // One-hot matmuls instead of gathers: gather's gradient (UnsortedSegmentSum) is very slow on cpu.
      const onehot = (ids: ArrayLike<number>, depth: number): tf.Tensor2D => tf.oneHot(tf.tensor1d(Int32Array.from(ids), 'int32'), depth) as tf.Tensor2D;
      const x = tf.add(tf.matMul(onehot(batch.inputIds, config.vocabSize), tok), tf.matMul(onehot(positions, config.maxSeqLen), pos)); // [B·L, H]
      let h = tf.tanh(tf.add(tf.matMul(x, kernel), bias)); // [B·L, H]
      if (dropoutSeed !== null) h = tf.dropout(h, config.hiddenDropout, undefined, dropoutSeed);
      const hm = tf.matMul(onehot(masked, B * L), h); // [M, H]
      const logits = tf.add(tf.matMul(hm, tok, false, true), decBias); // [M, V]
      const labels = tf.tensor1d(targets, 'int32');
      const logp = tf.logSoftmax(logits);
      const loss = tf.neg(tf.mean(tf.sum(tf.mul(logp, tf.oneHot(labels, config.vocabSize)), -1))) as tf.Scalar;
      const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'float32')) as tf.Scalar;
      return { loss, correct, maskedCount: masked.length };
    },
    trainFlops: (batch) => 6 * (config.hidden * config.hidden) * batch.batchSize * batch.seqLen,
    dispose: () => tf.dispose(weights.map((w) => w.variable)),
  };
}
