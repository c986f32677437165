/**
 * The run configuration: every key a sweep's `defaults`, `matrix`, `include` and `exclude` may set, with its check.
 * Values are scalars so a matrix can vary any of them and RunSummary.config can list them. Once a sweep is
 * expanded, every key is set (recipe features filled in from the recipe): a `ResolvedRunConfig`, RunSpec.config,
 * the typed settings src/config/pretrain-request.ts turns into a pretraining request.
 */
import { z } from 'zod';
import { BACKEND_CHOICES } from '../engine/backend-names.js';
import { SIZE_NAMES } from '../model/recipes.js';
import { FEED_FORWARD_KINDS, POSITION_KINDS, type SizeName } from '../model/types.js';
import { TRAINING_DEFAULTS } from '../train/defaults.js';
import { parseDuration, parseRunDuration, formatDuration } from './duration.js';

/** A zod field that parses with `parse` (a message on failure) and keeps the canonical spelling. */
const durationOf = (parse: typeof parseDuration) =>
  z.string().transform((text, ctx) => {
    const d = parse(text);
    if (typeof d === 'string') {
      ctx.addIssue({ code: 'custom', message: d });
      return z.NEVER;
    }
    return formatDuration(d);
  });

/** A duration string, normalised to its canonical spelling so `200 ba` and `200ba` give one run id. */
export const durationField = durationOf(parseDuration);

/** A run's length: a duration, or `0ba` for a random-init point (fine-tuned from the initial weights). */
export const runDurationField = durationOf(parseRunDuration);

/** The switchable features a recipe sets (src/config/recipes.ts); optional: a run or recipe may override any. */
export const recipeFeatureShape = {
  maskRatio: z.number().gt(0).lt(1).optional(),
  positions: z.enum(POSITION_KINDS).optional(),
  feedForward: z.enum(FEED_FORWARD_KINDS).optional(),
  unpad: z.boolean().optional(),
  attentionDropout: z.number().min(0).lt(1).optional(),
  vocabMultiple: z.number().int().min(1).max(4096).optional(),
};

/** The keys and their checks; recipe-dependent keys are optional here and filled from the recipe. */
export const runConfigShape = {
  recipe: z.string().min(1),
  size: z.enum(SIZE_NAMES as [SizeName, ...SizeName[]]),
  duration: runDurationField,
  vocabSize: z.number().int().min(16).max(1_000_000),
  seqLen: z.number().int().min(8).max(8192),
  batchSize: z.number().int().min(1).max(1_000_000),
  lr: z.number().positive().max(1),
  weightDecay: z.number().min(0).max(1),
  warmup: durationField,
  finalLrFraction: z.number().min(0).max(1),
  hiddenDropout: z.number().min(0).lt(1),
  checkpointEvery: durationField,
  /** Held-out samples of the full MLM evaluation at the end of the run and at evalAt points (0: none). */
  evalSamples: z.number().int().min(0).max(1_000_000),
  backend: z.enum(BACKEND_CHOICES),
  corpus: z.string().min(1),
  // Recipe features: unset means "as the recipe says".
  ...recipeFeatureShape,
};

export const RunConfigSchema = z.strictObject(runConfigShape);
export type RunConfigInput = z.input<typeof RunConfigSchema>;
export type RunConfig = z.output<typeof RunConfigSchema>;
export type RunConfigKey = keyof typeof runConfigShape;
export const RUN_CONFIG_KEYS = Object.keys(runConfigShape) as RunConfigKey[];

/** An expanded run's settings: every key set. What RunSpec.config holds and spec.json stores. */
export const ResolvedRunConfigSchema = RunConfigSchema.required();
export type ResolvedRunConfig = z.output<typeof ResolvedRunConfigSchema>;

/** Defaults under every sweep (src/train/defaults.ts); the recipe's features and the duration have none. */
export const BUILTIN_DEFAULTS = {
  recipe: TRAINING_DEFAULTS.recipe,
  size: TRAINING_DEFAULTS.size,
  vocabSize: TRAINING_DEFAULTS.vocabSize,
  seqLen: TRAINING_DEFAULTS.seqLen,
  batchSize: TRAINING_DEFAULTS.batchSize,
  lr: TRAINING_DEFAULTS.peakLr,
  weightDecay: TRAINING_DEFAULTS.weightDecay,
  warmup: TRAINING_DEFAULTS.warmup,
  finalLrFraction: TRAINING_DEFAULTS.finalLrRatio,
  hiddenDropout: TRAINING_DEFAULTS.hiddenDropout,
  checkpointEvery: `${TRAINING_DEFAULTS.checkpointEvery}ba`,
  evalSamples: TRAINING_DEFAULTS.fullEvalSamples,
  backend: TRAINING_DEFAULTS.backend,
  corpus: TRAINING_DEFAULTS.corpus,
} as const satisfies Partial<Record<RunConfigKey, string | number | boolean>>;

/** A scalar a matrix cell may hold. */
export const scalar = z.union([z.string(), z.number(), z.boolean()]);
export type Scalar = z.infer<typeof scalar>;
