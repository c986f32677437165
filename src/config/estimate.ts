/**
 * Size and cost of a run before running it, for `mbench sweep --dry-run`: parameter count, token positions and
 * training FLOPs. Both counts come from src/model/flops.ts, the account the run itself keeps, applied to the
 * model the run will build; only the batches are assumed: every position a real token (samples are padded, so
 * a run counts fewer) and `maskRatio` of them masked.
 */
import { BUILTIN_CORPUS, builtinSource } from '../data/builtin-source.js';
import { parameterCount, trainingFlops } from '../model/flops.js';
import { buildModelConfig } from '../model/recipes.js';
import type { ModelConfig } from '../model/types.js';
import { parseRunDuration, type Duration } from './duration.js';
import { modelOf } from './pretrain-request.js';
import type { ResolvedRunConfig } from './run-config.js';

export interface RunEstimate {
  params: number;
  steps: number | null;
  /** Token positions processed (batch × seqLen × steps): an upper bound on real tokens, since samples are padded. */
  tokenPositions: number | null;
  flops: number | null;
}

let builtinVocab: number | undefined;

/**
 * The model a run of `config` builds (src/config/pretrain-request.ts modelOf, as the run does): the recipe's
 * features as the expanded config sets them, and the tokenizer's vocabulary — `vocabSize`, except for the
 * built-in corpus, whose word-level tokenizer has its own.
 */
export function plannedModel(config: ResolvedRunConfig): ModelConfig {
  const vocabSize = config.corpus === BUILTIN_CORPUS ? (builtinVocab ??= builtinSource().tokenizer.vocabSize) : config.vocabSize;
  return buildModelConfig({ ...modelOf(config), vocabSize });
}

export function estimateRun(config: ResolvedRunConfig): RunEstimate {
  const model = plannedModel(config);
  const seq = config.seqLen;
  const batch = config.batchSize;
  const d = parseRunDuration(config.duration) as Duration;
  const steps = d.unit === 'ba' ? d.value : d.unit === 'sp' ? Math.ceil(d.value / batch) : d.unit === 'tok' ? Math.ceil(d.value / (batch * seq)) : null;
  const tokenPositions = d.unit === 'tok' ? d.value : steps === null ? null : steps * batch * seq;
  const positions = batch * seq;
  const perStep = trainingFlops(model, { batchSize: batch, seqLen: seq, realTokens: positions, maskedTokens: config.maskRatio * positions });
  return { params: parameterCount(model), steps, tokenPositions, flops: steps === null ? null : steps * perStep };
}
