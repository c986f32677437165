/**
 * The BERT / MosaicBERT encoder with its MLM head, built from kernels/ and switched by ModelConfig features:
 * - positions: learned absolute embeddings, or none with an ALiBi attention bias (kernels/attention.ts)
 * - feed-forward: GELU MLP or GeGLU (kernels/feedforward.ts)
 * - unpad: compute on real tokens only, re-pad around attention (kernels/padding.ts)
 * - attention and hidden dropout, keyed by sample (TokenBatch.firstSample); vocabulary rows padded to a multiple
 * Post-LayerNorm. The MLM head (dense → GELU → LN → decoder tied to the word embeddings) runs on masked tokens
 * only. float32 throughout: tfjs has no bf16 and no low-precision LayerNorm.
 *
 *   const model = createEncoder(buildModelConfig({ recipe: 'mosaic', size: 'tiny', vocabSize: 30522 }), seed);
 *   const { value, grads } = tf.variableGrads(() => model.mlmLoss(batch, stepSeed).loss);
 */
import * as tf from '@tensorflow/tfjs-core';
import { attentionBias } from '../../kernels/attention.js';
import { dropout, sampleRows } from '../../kernels/dropout.js';
import { mixSeed } from '../random.js';
import { gatherRows, rowIndex } from '../../kernels/gather.js';
import { gelu } from '../../kernels/gelu.js';
import { packedRowStarts } from '../../kernels/padding.js';
import { layerNorm } from '../../kernels/layernorm.js';
import { linear } from '../../kernels/matmul.js';
import { tiedMlmLoss } from '../../kernels/mlm-loss.js';
import { stepShape, trainingFlops } from './flops.js';
import { batchLayout, type BatchLayout } from './layout.js';
import { addLayerWeights, encoderLayer } from './layer.js';
import { paddedVocabSize, validateModelConfig } from './recipes.js';
import { IGNORE_LABEL, type MlmBatch, type MlmModel, type MlmOutput, type ModelConfig, type ModelWeight, type NamedWeights, type TokenBatch } from './types.js';
import { WeightStore } from './weights.js';

/** Label value for positions that are not predicted (the Hugging Face convention). */
export { IGNORE_LABEL };

/** The encoder's output: hidden states on the model's rows and where each token landed. */
export interface Encoded {
  /** [rows, H]: B·T rows when padded, the real tokens when unpadded. */
  hidden: tf.Tensor2D;
  layout: BatchLayout;
}

export class Encoder implements MlmModel {
  readonly config: ModelConfig;
  readonly vocabRows: number;
  private readonly store: WeightStore;

  constructor(config: ModelConfig, seed: number) {
    validateModelConfig(config);
    this.config = config;
    this.vocabRows = paddedVocabSize(config);
    this.store = new WeightStore(seed);
    const H = config.hidden;
    const s = this.store;
    s.add('emb.word', [this.vocabRows, H], 'normal');
    if (config.positions === 'learned') s.add('emb.position', [config.maxSeqLen, H], 'normal');
    s.add('emb.type', [2, H], 'normal');
    s.add('emb.ln.gamma', [H], 'ones');
    s.add('emb.ln.beta', [H], 'zeros');
    for (let i = 0; i < config.layers; i++) addLayerWeights(s, config, i);
    s.add('mlm.transform.w', [H, H], 'normal');
    s.add('mlm.transform.b', [H], 'zeros');
    s.add('mlm.ln.gamma', [H], 'ones');
    s.add('mlm.ln.beta', [H], 'zeros');
    s.add('mlm.bias', [this.vocabRows], 'zeros');
  }

  get weights(): readonly ModelWeight[] {
    return this.store.weights;
  }

  /** The encoder's weights without the MLM head (what fine-tuning trains). */
  encoderWeights(): ModelWeight[] {
    return this.store.weights.filter((w) => !w.name.startsWith('mlm.'));
  }

  parameterCount(): number {
    return this.store.parameterCount();
  }

  /** A weight by its checkpoint name (throws on an unknown name). */
  weight(name: string): tf.Variable {
    return this.store.get(name);
  }

  private w2(name: string): tf.Tensor2D {
    return this.store.get(name) as tf.Tensor as tf.Tensor2D;
  }

  private w1(name: string): tf.Tensor1D {
    return this.store.get(name) as tf.Tensor as tf.Tensor1D;
  }

  private checkBatch(b: TokenBatch): void {
    if (this.config.positions === 'learned' && b.seqLen > this.config.maxSeqLen)
      throw new Error(`sequence length ${b.seqLen} exceeds the model's ${this.config.maxSeqLen} learned positions`);
    for (const id of b.inputIds) {
      if (id < 0 || id >= this.config.vocabSize) throw new Error(`token id ${id} is outside the vocabulary [0, ${this.config.vocabSize})`);
    }
  }

  /** Hidden states of the final layer. Call inside tf.tidy (or a gradient function). */
  encode(b: TokenBatch, dropoutSeed: number | null): Encoded {
    this.checkBatch(b);
    const c = this.config;
    const layout = batchLayout(b, c.unpad);
    const n = layout.positions.length;
    const ids = new Int32Array(n);
    const types = new Int32Array(n);
    const pos = new Int32Array(n);
    // Rows of each sample (consecutive in both layouts): dropout masks are drawn per sample, keyed on its index.
    const rowsPerSample = new Int32Array(b.batchSize);
    layout.positions.forEach((p, r) => {
      ids[r] = b.inputIds[p]!;
      types[r] = b.tokenTypeIds?.[p] ?? 0;
      pos[r] = p % b.seqLen;
      const sample = Math.floor(p / b.seqLen);
      rowsPerSample[sample] = rowsPerSample[sample]! + 1;
    });
    const samples = { firstSample: b.firstSample ?? 0, rowsPerSample };

    // 1. Embeddings on the model's rows: word + token type (+ learned position), LayerNorm, dropout.
    let x = tf.add(gatherRows(this.w2('emb.word'), rowIndex(ids)), gatherRows(this.w2('emb.type'), rowIndex(types))) as tf.Tensor2D;
    if (c.positions === 'learned') x = tf.add(x, gatherRows(this.w2('emb.position'), rowIndex(pos)));
    x = layerNorm(x, this.w1('emb.ln.gamma'), this.w1('emb.ln.beta'));
    if (dropoutSeed !== null) x = dropout(x, c.hiddenDropout, mixSeed(dropoutSeed, 0xe3b), sampleRows(samples.firstSample, rowsPerSample, c.hidden));

    // 2. Layers. The attention bias (ALiBi + key mask) is built once per batch, when a layer first needs it (the
    // native backend's fused attention applies ALiBi and the mask itself).
    let bias: tf.Tensor4D | null = null;
    const biasOnce = () => (bias ??= attentionBias({ batch: b.batchSize, seq: b.seqLen, heads: c.heads, keyMask: b.attentionMask, alibi: c.positions === 'alibi' }));
    const ctx = { config: c, batch: b.batchSize, seq: b.seqLen, real: layout.unpadded ? rowIndex(layout.positions) : null, rowStart: layout.unpadded ? packedRowStarts(b.attentionMask, b.batchSize, b.seqLen) : null, bias: biasOnce, keyMask: b.attentionMask, dropoutSeed, samples };
    for (let i = 0; i < c.layers; i++) x = encoderLayer(x, this.store, ctx, i);
    return { hidden: x, layout };
  }

  /** Masked-token MLM loss (mean cross-entropy over positions whose label is not IGNORE_LABEL). */
  mlmLoss(batch: MlmBatch, dropoutSeed: number | null): MlmOutput {
    const { hidden, layout } = this.encode(batch, dropoutSeed);
    const rows: number[] = [];
    const labels: number[] = [];
    batch.labels.forEach((label, p) => {
      if (label === IGNORE_LABEL) return;
      if (label < 0 || label >= this.config.vocabSize) throw new Error(`MLM label ${label} at position ${p} is outside the vocabulary`);
      const row = layout.rowOf[p]!;
      if (row < 0) throw new Error(`MLM label at position ${p}, which is a pad`);
      rows.push(row);
      labels.push(label);
    });
    if (rows.length === 0) return { loss: tf.mul(tf.sum(hidden), 0) as tf.Scalar, correct: tf.scalar(0), maskedCount: 0 };
    // The head on masked rows only: dense → GELU → LayerNorm → tied decoder + cross-entropy.
    const masked = gatherRows(hidden, rowIndex(Int32Array.from(rows)));
    const t = layerNorm(gelu(linear(masked, this.w2('mlm.transform.w'), this.w1('mlm.transform.b'))), this.w1('mlm.ln.gamma'), this.w1('mlm.ln.beta'));
    const { loss, correct } = tiedMlmLoss(t, this.w2('emb.word'), this.w1('mlm.bias'), Int32Array.from(labels));
    return { loss, correct, maskedCount: rows.length };
  }

  trainFlops(batch: MlmBatch): number {
    return trainingFlops(this.config, stepShape(batch));
  }

  exportWeights(): Promise<NamedWeights> {
    return this.store.exportWeights();
  }

  importWeights(weights: NamedWeights, source?: string): void {
    this.store.importWeights(weights, source);
  }

  /** Problems importing `weights` would raise (missing, extra or mis-shaped names); empty when they fit. */
  weightMismatches(weights: NamedWeights): string[] {
    return this.store.mismatches(weights);
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** Builds an encoder with weights initialised deterministically from `seed`. */
export function createEncoder(config: ModelConfig, seed: number): Encoder {
  return new Encoder(config, seed);
}
