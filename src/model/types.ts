/**
 * The model's contract with the rest of mbench (training loop, fine-tuning, kernels suite).
 * Owned by src/model; other stages import only from here. Change additively and say so.
 */
import type * as tf from '@tensorflow/tfjs-core';

export type SizeName = 'tiny' | 'mini' | 'small' | 'medium' | 'base' | 'large';
export type PositionKind = 'learned' | 'alibi';
export type FeedForwardKind = 'gelu' | 'geglu';

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
}

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
