/**
 * Recipe presets: the switchable model/MLM features each named recipe turns on (DESIGN.md "Model features").
 * `bert` is the baseline; `mosaic` differs in the six lines below, each with its reason. A sweep can define
 * more recipes (`recipes:` in the sweep file) as a base recipe plus overrides, e.g. for ablations.
 */
import type { FeedForwardKind, PositionKind } from '../model/types.js';

export interface RecipeFeatures {
  positions: PositionKind;
  feedForward: FeedForwardKind;
  unpad: boolean;
  attentionDropout: number;
  /** Embedding/decoder rows padded to a multiple of this. */
  vocabMultiple: number;
  /** MLM masking ratio during pretraining (evaluation always masks 15%). */
  maskRatio: number;
}

export const BUILTIN_RECIPES: Readonly<Record<string, RecipeFeatures>> = {
  bert: {
    positions: 'learned',
    feedForward: 'gelu',
    unpad: false,
    attentionDropout: 0.1,
    vocabMultiple: 1,
    maskRatio: 0.15,
  },
  mosaic: {
    positions: 'alibi', // ALiBi: no position table, extrapolates to longer sequences
    feedForward: 'geglu', // GeGLU: better quality per parameter than a GELU MLP
    unpad: true, // skip compute on pad tokens (samples are padded, not packed)
    attentionDropout: 0, // dropout in attention costs time and bought nothing in MosaicBERT's runs
    vocabMultiple: 8, // 30522 → 30528 rows: matmul shapes that tile evenly
    maskRatio: 0.3, // 30% masking learns faster per step (Wettig et al. 2022)
  },
};

export const RECIPE_FEATURE_KEYS = ['positions', 'feedForward', 'unpad', 'attentionDropout', 'vocabMultiple', 'maskRatio'] as const;
