/**
 * Model sizes and the two recipes, as compositions of switchable features (DESIGN.md, "Model features").
 *
 * MosaicBERT (Portes et al. 2023, "MosaicBERT: A Bidirectional Encoder Optimized for Fast Pretraining") differs
 * from the BERT baseline in the lines marked ◆ below and in its MLM masking ratio. Everything is float32:
 * tfjs has no bf16 and no low-precision LayerNorm, so those two MosaicBERT tricks are absent here.
 */
import { UserError, checkName } from '../errors.js';
import type { ModelConfig, ModelFeatures, SizeName } from './types.js';

export interface SizeSpec {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
}

/** BERT miniature names (Turc et al. 2019, "Well-Read Students Learn Better") plus base and large. */
export const SIZES: Readonly<Record<SizeName, SizeSpec>> = {
  tiny: { layers: 2, hidden: 128, heads: 2, intermediate: 512 },
  mini: { layers: 4, hidden: 256, heads: 4, intermediate: 1024 },
  small: { layers: 4, hidden: 512, heads: 8, intermediate: 2048 },
  medium: { layers: 8, hidden: 512, heads: 8, intermediate: 2048 },
  base: { layers: 12, hidden: 768, heads: 12, intermediate: 3072 },
  large: { layers: 24, hidden: 1024, heads: 16, intermediate: 4096 },
};
export const SIZE_NAMES = Object.keys(SIZES) as SizeName[];

export type RecipeName = 'bert' | 'mosaic';

export interface Recipe {
  features: ModelFeatures;
  /** Fraction of real tokens masked during pretraining (evaluation always masks 15%). */
  mlmRatio: number;
}

const BERT: Recipe = {
  features: {
    positions: 'learned',
    feedForward: 'gelu',
    unpad: false,
    attentionDropout: 0.1,
    hiddenDropout: 0.1,
    vocabMultiple: 1,
  },
  mlmRatio: 0.15,
};

const MOSAIC: Recipe = {
  features: {
    ...BERT.features,
    positions: 'alibi', // ◆ ALiBi bias instead of learned positions: extrapolates to longer sequences
    feedForward: 'geglu', // ◆ gated GELU feed-forward: better quality per step
    unpad: true, // ◆ no compute on pad tokens outside the attention core
    attentionDropout: 0, // ◆ attention dropout off (it also blocks fused attention kernels)
    vocabMultiple: 8, // ◆ 30522 → 30528 rows: friendlier matmul shapes
  },
  mlmRatio: 0.3, // ◆ 30% masking trains faster per token (Wettig et al. 2022)
};

export const RECIPES: Readonly<Record<RecipeName, Recipe>> = { bert: BERT, mosaic: MOSAIC };
export const RECIPE_NAMES = Object.keys(RECIPES) as RecipeName[];

/** MLM masking ratio during pretraining for a recipe. */
export function mlmRatioOf(recipe: string): number {
  return RECIPES[checkName('recipe', recipe, RECIPE_NAMES)].mlmRatio;
}

/** Evaluation masking ratio, the same for every recipe. */
export const EVAL_MLM_RATIO = 0.15;

/** Rows of the learned position table (BERT's 512), and the longest sequence any recipe is built for. */
export const DEFAULT_MAX_SEQ_LEN = 512;

export interface ModelConfigRequest {
  recipe: string;
  size: string;
  /** Tokenizer vocabulary size (before padding to vocabMultiple). */
  vocabSize: number;
  /** Longest sequence (learned position table rows); default DEFAULT_MAX_SEQ_LEN. */
  maxSeqLen?: number;
  /** Per-feature overrides for ablations (e.g. mosaic with unpad: false). */
  features?: Partial<ModelFeatures>;
}

/** Builds a validated ModelConfig; unknown names and impossible values are UserErrors. */
export function buildModelConfig(r: ModelConfigRequest): ModelConfig {
  const recipe = RECIPES[checkName('recipe', r.recipe, RECIPE_NAMES)];
  const size = checkName('size', r.size, SIZE_NAMES);
  const config: ModelConfig = { ...recipe.features, ...r.features, size, ...SIZES[size], vocabSize: r.vocabSize, maxSeqLen: r.maxSeqLen ?? DEFAULT_MAX_SEQ_LEN };
  validateModelConfig(config);
  return config;
}

/** Throws a UserError naming the first impossible field of `c`. */
export function validateModelConfig(c: ModelConfig): void {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v <= 0) throw new UserError(`model ${name} must be a positive integer, got ${v}`);
  };
  positiveInt('vocabSize', c.vocabSize);
  positiveInt('maxSeqLen', c.maxSeqLen);
  positiveInt('vocabMultiple', c.vocabMultiple);
  positiveInt('layers', c.layers);
  positiveInt('hidden', c.hidden);
  positiveInt('heads', c.heads);
  positiveInt('intermediate', c.intermediate);
  if (c.hidden % c.heads !== 0) throw new UserError(`model hidden size ${c.hidden} is not divisible by ${c.heads} heads`);
  for (const [name, rate] of [['attentionDropout', c.attentionDropout], ['hiddenDropout', c.hiddenDropout]] as const) {
    if (!(rate >= 0 && rate < 1)) throw new UserError(`model ${name} must be in [0, 1), got ${rate}`);
  }
  checkName('positions kind', c.positions, ['learned', 'alibi']);
  checkName('feed-forward kind', c.feedForward, ['gelu', 'geglu']);
}

/** Embedding/decoder rows: vocabSize rounded up to a multiple of vocabMultiple (30522, 8 → 30528). */
export function paddedVocabSize(c: Pick<ModelConfig, 'vocabSize' | 'vocabMultiple'>): number {
  return Math.ceil(c.vocabSize / c.vocabMultiple) * c.vocabMultiple;
}
