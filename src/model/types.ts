/**
 * The model's contract with the rest of mbench (training loop, fine-tuning, kernels suite).
 * Owned by src/model; other stages import only from here. Change additively and say so.
 */
import type * as tf from '@tensorflow/tfjs-core';

export type SizeName = 'tiny' | 'mini' | 'small' | 'medium' | 'base' | 'large';
/** The values of the switchable features, as lists for schemas (src/config/run-config.ts) and as types. */
export const POSITION_KINDS = ['learned', 'alibi'] as const;
export type PositionKind = (typeof POSITION_KINDS)[number];
export const FEED_FORWARD_KINDS = ['gelu', 'geglu'] as const;
export type FeedForwardKind = (typeof FEED_FORWARD_KINDS)[number];

/** The switchable features a recipe is made of (DESIGN.md, "Model features"). */
export interface ModelFeatures {
  positions: PositionKind;
  feedForward: FeedForwardKind;
  /** Unpad: drop pad tokens before projections/MLP/LayerNorm, re-pad only around attention. */
  unpad: boolean;
  attentionDropout: number;
  hiddenDropout: number;
  /** Embedding/decoder rows padded up to a multiple of this (8 → 30522 becomes 30528; 1 = no padding). */
  vocabMultiple: number;
}

export interface ModelConfig extends ModelFeatures {
  size: SizeName;
  layers: number;
  hidden: number;
  heads: number;
  /** Feed-forward inner width (for GeGLU: the width of each of the two input projections). */
  intermediate: number;
  /** Tokenizer vocabulary size (before padding to vocabMultiple). */
  vocabSize: number;
  maxSeqLen: number;
}

/** A batch of token sequences, row-major [batch, seqLen]. Pads are at the end of each row. */
export interface TokenBatch {
  batchSize: number;
  seqLen: number;
  inputIds: Int32Array;
  /** 0/1 segment ids for sentence pairs; all 0 when absent. */
  tokenTypeIds?: Int32Array;
  /** 1 for real tokens, 0 for pads. */
  attentionMask: Uint8Array;
  /**
   * Global index of row 0 among the samples of its optimizer step (default 0): dropout is keyed by it, so a
   * sample computed in any microbatch or on any rank is dropped the same way (kernels/dropout.ts).
   */
  firstSample?: number;
}

/** The label of a position that is not predicted (not masked, or a pad). */
export const IGNORE_LABEL = -100;

/** A masked-language-modelling batch: `labels` holds the original id at masked positions, -100 elsewhere. */
export interface MlmBatch extends TokenBatch {
  labels: Int32Array;
}

export interface MlmOutput {
  /** Mean cross-entropy over masked tokens. */
  loss: tf.Scalar;
  /** Number of masked tokens predicted correctly (argmax), as a scalar tensor. */
  correct: tf.Scalar;
  /** Number of masked tokens in the batch. */
  maskedCount: number;
}

/** Named weights for checkpoints: values and shapes keyed by stable name (e.g. `layer.0.attn.q.w`). */
export interface NamedWeights {
  values: Map<string, Float32Array>;
  shapes: Map<string, number[]>;
}

/** A trainable weight under its stable (checkpoint) name. `variable.name` is internal and unique per model. */
export interface ModelWeight {
  name: string;
  variable: tf.Variable;
}

/**
 * The pretraining model (src/model/encoder.ts builds it). `dropoutSeed` null means evaluation (no dropout);
 * a number seeds every dropout mask of the call, so a step is reproducible. `mlmLoss` is meant to run inside
 * tf.variableGrads / tf.grads.
 */
export interface MlmModel {
  readonly config: ModelConfig;
  readonly weights: readonly ModelWeight[];
  parameterCount(): number;
  mlmLoss(batch: MlmBatch, dropoutSeed: number | null): MlmOutput;
  /** Analytical training FLOPs (forward + backward) of one step on `batch` (src/model/flops.ts). */
  trainFlops(batch: MlmBatch): number;
  /** Copies of every weight, read with data() (webgpu has no synchronous read under Node). */
  exportWeights(): Promise<NamedWeights>;
  /** Replaces every weight; throws a UserError naming `source` on a missing, extra or mis-shaped weight. */
  importWeights(weights: NamedWeights, source?: string): void;
  dispose(): void;
}
