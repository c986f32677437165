/**
 * The sequence classification / regression head on [CLS], as BERT's BertForSequenceClassification (Devlin et al.
 * 2019, §4): pooled = tanh(W_p · h_[CLS] + b_p); logits = W_c · dropout(pooled) + b_c, with numLabels outputs
 * (≥ 2: classification, mean softmax cross-entropy; 1: regression such as STS-B, mean squared error).
 * Weights are initialised like the encoder's (N(0, 0.02²), biases 0), keyed by the fine-tuning seed and the
 * weight's name; dropout is keyed by the step's dropout seed (salt 0x7ead).
 *
 *   const head = new ClassifierHead(config.hidden, numLabels, seed, config.hiddenDropout);
 *   const loss = () => classificationLoss(classifierLogits(encoder, head, batch, stepSeed), labels);
 *   // train [...encoder.encoderWeights(), ...head.weights]
 */
import * as tf from '@tensorflow/tfjs-core';
import { dropout } from '../../kernels/dropout.js';
import { gatherRows, rowIndex } from '../../kernels/gather.js';
import { linear } from '../../kernels/matmul.js';
import { UserError } from '../errors.js';
import { mixSeed } from '../random.js';
import type { Encoder } from './encoder.js';
import { initValues } from './init.js';
import type { ModelWeight, TokenBatch } from './types.js';

let headCounter = 0;

export class ClassifierHead {
  readonly weights: ModelWeight[] = [];
  /** tfjs variable names are global: each head gets its own prefix so two heads can live side by side. */
  private readonly prefix = `finetune-head${++headCounter}/`;

  constructor(
    readonly hidden: number,
    readonly numLabels: number,
    seed: number,
    readonly dropoutRate = 0.1,
  ) {
    if (!Number.isInteger(numLabels) || numLabels < 1) throw new UserError(`numLabels must be a positive integer, got ${numLabels}`);
    this.add('head.pooler.w', [hidden, hidden], true, seed);
    this.add('head.pooler.b', [hidden], false, seed);
    this.add('head.classifier.w', [hidden, numLabels], true, seed);
    this.add('head.classifier.b', [numLabels], false, seed);
  }

  private add(name: string, shape: number[], normal: boolean, seed: number): void {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = initValues(normal ? 'normal' : 'zeros', size, seed, name);
    this.weights.push({ name, variable: tf.variable(tf.tensor(values, shape, 'float32'), true, this.prefix + name) });
  }

  private w(i: number): tf.Variable {
    return this.weights[i]!.variable;
  }

  /** [B, H] hidden states at [CLS] → [B, numLabels] logits (or scores). */
  apply(cls: tf.Tensor2D, dropoutSeed: number | null): tf.Tensor2D {
    let pooled = tf.tanh(linear(cls, this.w(0) as tf.Tensor as tf.Tensor2D, this.w(1) as tf.Tensor as tf.Tensor1D));
    if (dropoutSeed !== null) pooled = dropout(pooled, this.dropoutRate, mixSeed(dropoutSeed, 0x7ead));
    return linear(pooled, this.w(2) as tf.Tensor as tf.Tensor2D, this.w(3) as tf.Tensor as tf.Tensor1D);
  }

  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}

/** Encoder + head forward pass: [B, numLabels]. Call inside tf.tidy or a gradient function. */
export function classifierLogits(encoder: Encoder, head: ClassifierHead, batch: TokenBatch, dropoutSeed: number | null): tf.Tensor2D {
  const { hidden, layout } = encoder.encode(batch, dropoutSeed);
  // [CLS] is position 0 of every row; it is a real token, so it has a row even when unpadded.
  const clsRows = Int32Array.from({ length: batch.batchSize }, (_, b) => layout.rowOf[b * batch.seqLen]!);
  return head.apply(gatherRows(hidden, rowIndex(clsRows)), dropoutSeed);
}

/** Mean softmax cross-entropy of [B, C] logits against class indices. */
export function classificationLoss(logits: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1]);
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

/** Mean squared error of [B, 1] scores against targets (STS-B). */
export function regressionLoss(scores: tf.Tensor2D, targets: Float32Array): tf.Scalar {
  return tf.mean(tf.squaredDifference(tf.reshape(scores, [-1]), tf.tensor1d(targets, 'float32'))) as tf.Scalar;
}
