/**
 * Fine-tuning head on the [CLS] token (Devlin et al. 2019, §4): pooled = tanh([CLS]·Wp + bp), then
 * dropout and a linear layer to `numLabels` outputs. numLabels ≥ 2: classification, mean softmax
 * cross-entropy over the batch; numLabels = 1: regression (e.g. STS-B), mean squared error.
 *
 *   const clf = new SequenceClassifier(encoder, 2, seed);
 *   const { value, grads } = tf.variableGrads(() => clf.loss(batch, labels, stepSeed), clf.weights.map(w => w.variable));
 *   const predictions = clf.predict(batch); // class ids, or regression values
 */
import * as tf from '@tensorflow/tfjs-core';
import { dropout } from '../../kernels/dropout.js';
import { mixSeed } from '../random.js';
import { gatherRows, rowIndex } from '../../kernels/gather.js';
import { linear } from '../../kernels/matmul.js';
import { UserError } from '../errors.js';
import type { Encoder } from './encoder.js';
import type { ModelWeight, NamedWeights, TokenBatch } from './types.js';
import { WeightStore } from './weights.js';

export class SequenceClassifier {
  private readonly head: WeightStore;

  constructor(
    readonly encoder: Encoder,
    readonly numLabels: number,
    seed: number,
  ) {
    if (!Number.isInteger(numLabels) || numLabels < 1) throw new UserError(`numLabels must be a positive integer, got ${numLabels}`);
    const H = encoder.config.hidden;
    this.head = new WeightStore(mixSeed(seed, 0xc15));
    this.head.add('cls.pool.w', [H, H], 'normal');
    this.head.add('cls.pool.b', [H], 'zeros');
    this.head.add('cls.out.w', [H, numLabels], 'normal');
    this.head.add('cls.out.b', [numLabels], 'zeros');
  }

  /** What fine-tuning trains: the encoder (without its MLM head) and this head. */
  get weights(): ModelWeight[] {
    return [...this.encoder.encoderWeights(), ...this.head.weights];
  }

  /** [B, numLabels] outputs (logits, or the regression value when numLabels = 1). */
  logits(batch: TokenBatch, dropoutSeed: number | null): tf.Tensor2D {
    const { hidden, layout } = this.encoder.encode(batch, dropoutSeed);
    const clsRows = Int32Array.from({ length: batch.batchSize }, (_, b) => {
      const row = layout.rowOf[b * batch.seqLen]!;
      if (row < 0) throw new Error(`sequence ${b} of the batch is empty (its first token is a pad)`);
      return row;
    });
    const w = (n: string) => this.head.get(n) as tf.Tensor as tf.Tensor2D;
    const b = (n: string) => this.head.get(n) as tf.Tensor as tf.Tensor1D;
    let pooled = tf.tanh(linear(gatherRows(hidden, rowIndex(clsRows)), w('cls.pool.w'), b('cls.pool.b'))) as tf.Tensor2D;
    if (dropoutSeed !== null) pooled = dropout(pooled, this.encoder.config.hiddenDropout, mixSeed(dropoutSeed, 0xc15));
    return linear(pooled, w('cls.out.w'), b('cls.out.b'));
  }

  /** Mean cross-entropy (labels: class ids) or mean squared error (numLabels = 1, labels: targets). */
  loss(batch: TokenBatch, labels: Int32Array | Float32Array | readonly number[], dropoutSeed: number | null): tf.Scalar {
    if (labels.length !== batch.batchSize) throw new Error(`${labels.length} labels for a batch of ${batch.batchSize}`);
    const out = this.logits(batch, dropoutSeed);
    if (this.numLabels === 1) return tf.losses.meanSquaredError(tf.tensor1d(Float32Array.from(labels)), tf.reshape(out, [batch.batchSize])) as tf.Scalar;
    for (const l of labels) if (!Number.isInteger(l) || l < 0 || l >= this.numLabels) throw new Error(`label ${l} is not a class id in [0, ${this.numLabels})`);
    const onehot = tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), this.numLabels);
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(out)), 1))) as tf.Scalar;
  }

  /** Class ids (argmax) or regression values, without dropout. */
  predict(batch: TokenBatch): Float32Array {
    return tf.tidy(() => {
      const out = this.logits(batch, null);
      return (this.numLabels === 1 ? tf.reshape(out, [batch.batchSize]) : tf.cast(tf.argMax(out, 1), 'float32')).dataSync() as Float32Array;
    });
  }

  /** Encoder weights (MLM head included) and the head's, for fine-tuning checkpoints. */
  exportWeights(): NamedWeights {
    const enc = this.encoder.exportWeights();
    const head = this.head.exportWeights();
    return { values: new Map([...enc.values, ...head.values]), shapes: new Map([...enc.shapes, ...head.shapes]) };
  }

  importWeights(w: NamedWeights, source?: string): void {
    const pick = (head: boolean): NamedWeights => {
      const keep = (name: string) => name.startsWith('cls.') === head;
      return {
        values: new Map([...w.values].filter(([n]) => keep(n))),
        shapes: new Map([...w.shapes].filter(([n]) => keep(n))),
      };
    };
    // Check both parts before changing either.
    const problems = [...this.encoder.weightMismatches(pick(false)), ...this.head.mismatches(pick(true))];
    if (problems.length > 0) throw new UserError(`${source ?? 'weights'} does not fit this classifier: ${problems.slice(0, 5).join('; ')}`);
    this.encoder.importWeights(pick(false), source);
    this.head.importWeights(pick(true), source);
  }

  /** Disposes the head's weights (the encoder belongs to the caller). */
  dispose(): void {
    this.head.dispose();
  }
}
