/**
 * From names to a running pretraining job: picks the backend, opens the token source, builds the model config
 * from the recipe and size, and calls `pretrain`. `mbench pretrain` and the sweep runner (`mbench run`) both
 * come through here, so a run means the same thing from either.
 */
import { DEFAULT_BACKEND } from '../engine/backend-names.js';
import { useBackend } from '../engine/backends.js';
import { prepareData } from '../data/default-source.js';
import type { PretrainSource } from '../data/types.js';
import { createEncoder } from '../model/encoder.js';
import { buildModelConfig, mlmRatioOf } from '../model/recipes.js';
import type { ModelFeatures } from '../model/types.js';
import { UserError } from '../errors.js';
import type { PretrainResult } from '../results/summary.js';
import { builtinSource } from '../data/builtin-source.js';
import { parseDuration, parseRunDuration } from './duration.js';
import { pretrain, type PretrainHooks, type PretrainOptions } from './pretrain.js';

/** `--corpus builtin`: the few-KB built-in text with a word-level tokenizer (seconds, for demos and tests). */
export const BUILTIN_CORPUS = 'builtin';

export interface PretrainRequest {
  recipe: string;
  size: string;
  outDir: string;
  duration: string;
  backend?: string;
  seed?: number;
  batchSize?: number;
  seqLen?: number;
  peakLr?: number;
  warmup?: string;
  /** Defaults to the recipe's ratio (bert 0.15, mosaic 0.30). */
  maskRatio?: number;
  /** Per-feature overrides (ablations). */
  features?: Partial<ModelFeatures>;
  /** Corpus files/folders; empty = the embedded default corpus; [BUILTIN_CORPUS] = the built-in text. */
  corpus?: readonly string[];
  tokenizer?: string;
  cacheRoot?: string;
  evalEvery?: number;
  evalBatches?: number;
  /** Held-out samples of the full evaluation at the end (and evalAt points). */
  evalSamples?: number;
  checkpointEvery?: number;
  keepCheckpoints?: number;
  /** Logs data preparation (tokenizer, token cache) lines. */
  log?: (line: string) => void;
}

export const REQUEST_DEFAULTS = { backend: DEFAULT_BACKEND, seed: 1, batchSize: 32, seqLen: 128, maxSeqLen: 512 } as const;

/** Checks a request's numbers before anything slow happens; errors name the flag. */
export function checkRequest(r: PretrainRequest): void {
  parseRunDuration(r.duration, '--duration');
  if (r.warmup !== undefined) parseDuration(r.warmup, '--warmup', { allowZero: true });
  const int = (flag: string, v: number | undefined, min: number): void => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min)) throw new UserError(`${flag} must be an integer ≥ ${min}, got ${v}`);
  };
  int('--batch', r.batchSize, 1);
  int('--seq', r.seqLen, 3);
  int('--seed', r.seed, 0);
  int('--eval-every', r.evalEvery, 0);
  int('--eval-batches', r.evalBatches, 0);
  int('--eval-samples', r.evalSamples, 0);
  int('--checkpoint-every', r.checkpointEvery, 0);
  int('--keep-checkpoints', r.keepCheckpoints, 0);
  if (r.peakLr !== undefined && !(r.peakLr > 0 && Number.isFinite(r.peakLr))) throw new UserError(`--lr must be a positive number, got ${r.peakLr}`);
  if (r.maskRatio !== undefined && !(r.maskRatio > 0 && r.maskRatio < 1)) throw new UserError(`--mask-ratio must be between 0 and 1, got ${r.maskRatio}`);
  if ((r.seqLen ?? REQUEST_DEFAULTS.seqLen) > REQUEST_DEFAULTS.maxSeqLen) throw new UserError(`--seq must be at most ${REQUEST_DEFAULTS.maxSeqLen}`);
}

export async function openSource(r: Pick<PretrainRequest, 'corpus' | 'tokenizer' | 'cacheRoot' | 'log'>): Promise<PretrainSource> {
  if (r.corpus?.length === 1 && r.corpus[0] === BUILTIN_CORPUS) {
    if (r.tokenizer !== undefined) throw new UserError(`--tokenizer cannot be used with --corpus ${BUILTIN_CORPUS} (it has its own word-level tokenizer)`);
    return builtinSource();
  }
  return (await prepareData({ corpus: r.corpus, tokenizer: r.tokenizer, cacheRoot: r.cacheRoot, log: r.log })).source;
}

/** Resolves a request into PretrainOptions (backend activated, data ready, model config built). */
export async function resolvePretrain(r: PretrainRequest): Promise<PretrainOptions> {
  checkRequest(r);
  buildModelConfig({ recipe: r.recipe, size: r.size, vocabSize: 8, features: r.features }); // names first, before slow work
  const backend = await useBackend(r.backend ?? REQUEST_DEFAULTS.backend);
  r.log?.(`backend ${backend.name}${backend.reason ? ` (${backend.reason})` : ''} — ${backend.device}`);
  const source = await openSource(r);
  const model = buildModelConfig({ recipe: r.recipe, size: r.size, vocabSize: source.tokenizer.vocabSize, maxSeqLen: REQUEST_DEFAULTS.maxSeqLen, features: r.features });
  return {
    recipe: r.recipe,
    model,
    createModel: createEncoder,
    source,
    outDir: r.outDir,
    duration: r.duration,
    seed: r.seed ?? REQUEST_DEFAULTS.seed,
    batchSize: r.batchSize ?? REQUEST_DEFAULTS.batchSize,
    seqLen: r.seqLen ?? REQUEST_DEFAULTS.seqLen,
    maskRatio: r.maskRatio ?? mlmRatioOf(r.recipe),
    ...(r.peakLr !== undefined && { peakLr: r.peakLr }),
    ...(r.warmup !== undefined && { warmup: r.warmup }),
    ...(r.evalEvery !== undefined && { evalEvery: r.evalEvery }),
    ...(r.evalBatches !== undefined && { evalBatches: r.evalBatches }),
    ...(r.evalSamples !== undefined && { fullEvalSamples: r.evalSamples }),
    ...(r.checkpointEvery !== undefined && { checkpointEvery: r.checkpointEvery }),
    ...(r.keepCheckpoints !== undefined && { keepCheckpoints: r.keepCheckpoints }),
    backend: backend.name,
    device: backend.device,
    peakFlopsPerSecond: backend.peakFlopsPerSecond,
  };
}

/** One call for callers (the sweep runner): resolve the request, then pretrain. */
export async function runPretraining(r: PretrainRequest, hooks: PretrainHooks = {}): Promise<PretrainResult> {
  return pretrain(await resolvePretrain(r), hooks);
}
