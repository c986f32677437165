/**
 * Recipe presets as the sweep sees them: the model's switchable features (src/model/recipes.ts, where each
 * MosaicBERT change is explained) plus the MLM masking ratio, flattened into run-config keys. A sweep can define
 * more recipes (`recipes:` in the sweep file) as a base recipe plus overrides, e.g. for ablations.
 */
import { RECIPES } from '../model/recipes.js';
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

export const BUILTIN_RECIPES: Readonly<Record<string, RecipeFeatures>> = Object.fromEntries(
  Object.entries(RECIPES).map(([name, r]) => [
    name,
    {
      positions: r.features.positions,
      feedForward: r.features.feedForward,
      unpad: r.features.unpad,
      attentionDropout: r.features.attentionDropout,
      vocabMultiple: r.features.vocabMultiple,
      maskRatio: r.mlmRatio,
    },
  ]),
);

export const RECIPE_FEATURE_KEYS = ['positions', 'feedForward', 'unpad', 'attentionDropout', 'vocabMultiple', 'maskRatio'] as const;
