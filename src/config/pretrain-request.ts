/**
 * The one way from a run's typed settings to pretraining: a ResolvedRunConfig (RunSpec.config) and where the run
 * happens (RunPlace) → the PretrainRequest that src/train/pretrain-run.ts resolves and runs. A sweep's run comes
 * here with its RunSpec (src/launch/runners/train.ts); `mbench pretrain` comes here too, its flags first turned
 * into the same settings (pretrainCommandRequest). Durations are parsed here, once.
 */
import { BUILTIN_CORPUS } from '../data/builtin-source.js';
import { tokenizerOfVocabSize, vocabSizeOfTokenizer } from '../data/tokenizers.js';
import { BACKEND_CHOICES } from '../engine/backend-names.js';
import { checkName, UserError } from '../errors.js';
import { RECIPE_NAMES, RECIPES, SIZE_NAMES } from '../model/recipes.js';
import type { ModelFeatures, SizeName } from '../model/types.js';
import { PRETRAIN_COMMAND_DEFAULTS, TRAINING_DEFAULTS } from '../train/defaults.js';
import { parseDuration, parseRunDuration } from '../train/duration.js';
import type { PretrainRequest } from '../train/pretrain-run.js';
import { batchSplit } from '../train/batch-split.js';
import { formatDuration } from './duration.js';
import { BUILTIN_RECIPES, RECIPE_FEATURE_KEYS } from './recipes.js';
import type { ResolvedRunConfig } from './run-config.js';

/** Where and how a run happens; nothing here changes what it computes except the seed. */
export interface RunPlace {
  outDir: string;
  seed: number;
  devices: number;
  /** Samples per microbatch on each device (absent: the device's whole share); never changes the result. */
  microbatch?: number;
  /** Sweep `evalAt` points inside this run, as canonical durations (RunSpec.intermediates[].at). */
  evalAt?: readonly string[];
  cacheRoot?: string;
  log?: (line: string) => void;
  // What only `mbench pretrain` sets (a sweep's runs take TRAINING_DEFAULTS):
  evalEvery?: number;
  evalBatches?: number;
  keepCheckpoints?: number;
  /** Corpus files or folders as `mbench pretrain --corpus a b` gives them; a sweep's run names one, config.corpus. */
  corpusFiles?: readonly string[];
}

/** The model a run builds: a built-in recipe and the features the run's settings give it. */
export interface RunModel {
  recipe: string;
  size: SizeName;
  features: ModelFeatures;
}

/** A sweep recipe (e.g. `bert+alibi`) sets every feature explicitly, so it is built on `bert` with those features. */
export function modelOf(config: ResolvedRunConfig): RunModel {
  return { recipe: config.recipe in RECIPES ? config.recipe : 'bert', size: config.size, features: featuresOf(config) };
}

/** The model features a run's settings set (the runner and the plan read them the same way). */
export function featuresOf(c: ResolvedRunConfig): ModelFeatures {
  return { positions: c.positions, feedForward: c.feedForward, unpad: c.unpad, attentionDropout: c.attentionDropout, hiddenDropout: c.hiddenDropout, vocabMultiple: c.vocabMultiple };
}

/**
 * The data a run reads: its corpus (`default` is the embedded one, `builtin` the few-KB text with its own
 * word-level tokenizer) and the tokenizer its vocabSize names (30522: bert-base-uncased; else WordPiece of that size).
 */
export function pretrainDataOf(config: Pick<ResolvedRunConfig, 'corpus' | 'vocabSize'>): { corpus: string[]; tokenizer?: string } {
  if (config.corpus === BUILTIN_CORPUS) return { corpus: [BUILTIN_CORPUS] };
  const tokenizer = tokenizerOfVocabSize(config.vocabSize);
  return { corpus: config.corpus === TRAINING_DEFAULTS.corpus ? [] : [config.corpus], ...(tokenizer !== undefined && { tokenizer }) };
}

/** A run's settings → its pretraining request. */
export function pretrainRequest(config: ResolvedRunConfig, run: RunPlace): PretrainRequest {
  const model = modelOf(config);
  const data = pretrainDataOf(config);
  const every = parseDuration(config.checkpointEvery, 'checkpointEvery', { allowZero: true });
  return {
    recipe: config.recipe,
    modelRecipe: model.recipe,
    features: model.features,
    size: model.size,
    outDir: run.outDir,
    duration: parseRunDuration(config.duration, 'duration'),
    warmup: parseDuration(config.warmup, 'warmup', { allowZero: true }),
    seed: run.seed,
    batchSize: config.batchSize,
    seqLen: config.seqLen,
    peakLr: config.lr,
    finalLrRatio: config.finalLrFraction,
    weightDecay: config.weightDecay,
    maskRatio: config.maskRatio,
    backend: config.backend,
    corpus: run.corpusFiles ?? data.corpus,
    ...(data.tokenizer !== undefined && { tokenizer: data.tokenizer }),
    ...(run.cacheRoot !== undefined && { cacheRoot: run.cacheRoot }),
    devices: run.devices,
    ...(run.microbatch !== undefined && { microbatch: run.microbatch }),
    evalEvery: run.evalEvery ?? TRAINING_DEFAULTS.evalEvery,
    // evalSamples 0 means no held-out evaluation at all, periodic included.
    evalBatches: config.evalSamples === 0 ? 0 : (run.evalBatches ?? TRAINING_DEFAULTS.evalBatches),
    fullEvalSamples: config.evalSamples,
    // An interval in other units than steps is left to the loop's default (TRAINING_DEFAULTS.checkpointEvery).
    ...(every.unit === 'ba' && { checkpointEvery: every.value }),
    keepCheckpoints: run.keepCheckpoints ?? TRAINING_DEFAULTS.keepCheckpoints,
    evalAt: (run.evalAt ?? []).map((at) => parseDuration(at, 'evalAt')),
    ...(run.log && { log: run.log }),
  };
}

/** `mbench pretrain`'s options, one per flag; absent ones take TRAINING_DEFAULTS / PRETRAIN_COMMAND_DEFAULTS. */
export interface PretrainCommandOptions {
  out: string;
  recipe?: string;
  size?: string;
  duration?: string;
  backend?: string;
  seed?: number;
  batch?: number;
  seq?: number;
  lr?: number;
  warmup?: string;
  maskRatio?: number;
  /** Corpus files or folders; absent or empty: the embedded corpus; [BUILTIN_CORPUS]: the built-in text. */
  corpus?: readonly string[];
  tokenizer?: string;
  evalEvery?: number;
  evalBatches?: number;
  evalSamples?: number;
  checkpointEvery?: number;
  keepCheckpoints?: number;
  /** Data-parallel ranks (default 1) and samples per microbatch on each (default: its whole share). */
  devices?: number;
  microbatch?: number;
  log?: (line: string) => void;
}

/**
 * `mbench pretrain`'s flags → the settings a sweep's run of the same recipe has → pretrainRequest. Bad values are
 * UserErrors naming the flag, raised before anything slow happens or anything is written.
 */
export function pretrainCommandRequest(o: PretrainCommandOptions): PretrainRequest {
  const d = TRAINING_DEFAULTS;
  const int = (flag: string, v: number | undefined, min: number): void => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min)) throw new UserError(`${flag} must be an integer ≥ ${min}, got ${v}`);
  };
  const duration = parseRunDuration(o.duration ?? PRETRAIN_COMMAND_DEFAULTS.duration, '--duration');
  const warmup = parseDuration(o.warmup ?? d.warmup, '--warmup', { allowZero: true });
  int('--batch', o.batch, 1);
  int('--seq', o.seq, 3);
  int('--seed', o.seed, 0);
  int('--eval-every', o.evalEvery, 0);
  int('--eval-batches', o.evalBatches, 0);
  int('--eval-samples', o.evalSamples, 0);
  int('--checkpoint-every', o.checkpointEvery, 0);
  int('--keep-checkpoints', o.keepCheckpoints, 0);
  int('--devices', o.devices, 1);
  int('--microbatch', o.microbatch, 1);
  batchSplit(o.batch ?? d.batchSize, o.devices ?? 1, o.microbatch);
  if (o.lr !== undefined && !(o.lr > 0 && Number.isFinite(o.lr))) throw new UserError(`--lr must be a positive number, got ${o.lr}`);
  if (o.maskRatio !== undefined && !(o.maskRatio > 0 && o.maskRatio < 1)) throw new UserError(`--mask-ratio must be between 0 and 1, got ${o.maskRatio}`);
  if ((o.seq ?? d.seqLen) > d.maxSeqLen) throw new UserError(`--seq must be at most ${d.maxSeqLen}`);
  const recipe = checkName('recipe', o.recipe ?? PRETRAIN_COMMAND_DEFAULTS.recipe, RECIPE_NAMES);
  const size = checkName('size', o.size ?? d.size, SIZE_NAMES);
  const backend = checkName('backend', o.backend ?? d.backend, BACKEND_CHOICES);
  const corpus = o.corpus ?? [];
  if (corpus.length === 1 && corpus[0] === BUILTIN_CORPUS && o.tokenizer !== undefined) {
    throw new UserError(`--tokenizer cannot be used with --corpus ${BUILTIN_CORPUS} (it has its own word-level tokenizer)`);
  }
  const features = BUILTIN_RECIPES[recipe]!;
  const config: ResolvedRunConfig = {
    recipe,
    size,
    duration: formatDuration(duration),
    vocabSize: o.tokenizer === undefined ? d.vocabSize : vocabSizeOfTokenizer(o.tokenizer),
    seqLen: o.seq ?? d.seqLen,
    batchSize: o.batch ?? d.batchSize,
    lr: o.lr ?? d.peakLr,
    weightDecay: d.weightDecay,
    warmup: formatDuration(warmup),
    finalLrFraction: d.finalLrRatio,
    hiddenDropout: d.hiddenDropout,
    checkpointEvery: `${o.checkpointEvery ?? d.checkpointEvery}ba`,
    evalSamples: o.evalSamples ?? d.fullEvalSamples,
    backend,
    // The files go on as RunPlace.corpusFiles (a sweep's corpus is one path); here they only name the corpus.
    corpus: corpus.length === 0 ? d.corpus : corpus.join(', '),
    ...(Object.fromEntries(RECIPE_FEATURE_KEYS.map((k) => [k, features[k]])) as Pick<ResolvedRunConfig, (typeof RECIPE_FEATURE_KEYS)[number]>),
    maskRatio: o.maskRatio ?? features.maskRatio,
  };
  return pretrainRequest(config, {
    outDir: o.out,
    seed: o.seed ?? d.seed,
    devices: o.devices ?? 1,
    ...(o.microbatch !== undefined && { microbatch: o.microbatch }),
    evalEvery: o.evalEvery ?? PRETRAIN_COMMAND_DEFAULTS.evalEvery,
    ...(o.evalBatches !== undefined && { evalBatches: o.evalBatches }),
    ...(o.keepCheckpoints !== undefined && { keepCheckpoints: o.keepCheckpoints }),
    ...(corpus.length > 0 && { corpusFiles: corpus }),
    ...(o.log && { log: o.log }),
  });
}
