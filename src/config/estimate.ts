/**
 * Size and cost of a run before running it, for `mbench sweep --dry-run`: parameter count, token positions and
 * training FLOPs. Both counts come from src/model/flops.ts, the account the run itself keeps, applied to the
 * model the run will build; only the batches are assumed: every position a real token (samples are padded, so
 * a run counts fewer) and `maskRatio` of them masked.
 */
import { parseRunDuration, type Duration } from './duration.js';
import type { Scalar } from './runConfig.js';
import { parameterCount, trainingFlops } from '../model/flops.js';
import { buildModelConfig, RECIPES } from '../model/recipes.js';
import type { ModelConfig, ModelFeatures } from '../model/types.js';
import { builtinSource } from '../data/builtin-source.js';

export interface RunEstimate {
  params: number;
  steps: number | null;
  /** Token positions processed (batch × seqLen × steps): an upper bound on real tokens, since samples are padded. */
  tokenPositions: number | null;
  flops: number | null;
}

let builtinVocab: number | undefined;

/**
 * The model a run of `config` builds (as src/launch/runners/train.ts and src/train/pretrain-run.ts do): the
 * recipe's features as the expanded config sets them, and the tokenizer's vocabulary — `vocabSize`, except
 * for the built-in corpus, whose word-level tokenizer has its own.
 */
export function plannedModel(config: Record<string, Scalar>): ModelConfig {
  const features = featuresOf(config);
  const vocabSize = config.corpus === 'builtin' ? (builtinVocab ??= builtinSource().tokenizer.vocabSize) : Number(config.vocabSize);
  const recipe = String(config.recipe) in RECIPES ? String(config.recipe) : 'bert'; // named recipes set every feature
  return buildModelConfig({ recipe, size: String(config.size), vocabSize, features });
}

/** The recipe features an expanded run config sets (the runner and the plan read them the same way). */
export function featuresOf(config: Record<string, Scalar>): Partial<ModelFeatures> {
  return {
    positions: config.positions as ModelFeatures['positions'],
    feedForward: config.feedForward as ModelFeatures['feedForward'],
    unpad: Boolean(config.unpad),
    attentionDropout: Number(config.attentionDropout),
    hiddenDropout: Number(config.hiddenDropout),
    vocabMultiple: Number(config.vocabMultiple),
  };
}

export function estimateRun(config: Record<string, Scalar>): RunEstimate {
  const model = plannedModel(config);
  const seq = Number(config.seqLen);
  const batch = Number(config.batchSize);
  const d = parseRunDuration(String(config.duration)) as Duration;
  const steps = d.unit === 'ba' ? d.value : d.unit === 'sp' ? Math.ceil(d.value / batch) : d.unit === 'tok' ? Math.ceil(d.value / (batch * seq)) : null;
  const tokenPositions = d.unit === 'tok' ? d.value : steps === null ? null : steps * batch * seq;
  const positions = batch * seq;
  const perStep = trainingFlops(model, { batchSize: batch, seqLen: seq, realTokens: positions, maskedTokens: Number(config.maskRatio) * positions });
  return { params: parameterCount(model), steps, tokenPositions, flops: steps === null ? null : steps * perStep };
}
