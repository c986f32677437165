/**
 * The flat run configuration: every key a sweep's `defaults`, `matrix`, `include` and `exclude` may set.
 * Values are scalars so a matrix can vary any of them and RunSummary.config can list them.
 */
import { z } from 'zod';
import { BACKEND_CHOICES, DEFAULT_BACKEND } from '../engine/backend-names.js';
import { parseDuration, parseRunDuration, formatDuration } from './duration.js';

export const SIZES = ['tiny', 'mini', 'small', 'medium', 'base', 'large'] as const;
export const BACKENDS = BACKEND_CHOICES;

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
  positions: z.enum(['learned', 'alibi']).optional(),
  feedForward: z.enum(['gelu', 'geglu']).optional(),
  unpad: z.boolean().optional(),
  attentionDropout: z.number().min(0).lt(1).optional(),
  vocabMultiple: z.number().int().min(1).max(4096).optional(),
};

/** The keys and their checks; recipe-dependent keys are optional here and filled from the recipe. */
export const runConfigShape = {
  recipe: z.string().min(1),
  size: z.enum(SIZES),
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
  backend: z.enum(BACKENDS),
  corpus: z.string().min(1),
  // Recipe features: unset means "as the recipe says".
  ...recipeFeatureShape,
};

export const RunConfigSchema = z.strictObject(runConfigShape);
export type RunConfigInput = z.input<typeof RunConfigSchema>;
export type RunConfig = z.output<typeof RunConfigSchema>;
export const RUN_CONFIG_KEYS = Object.keys(runConfigShape) as Array<keyof typeof runConfigShape>;

/** Defaults under every sweep (DESIGN.md: AdamW lr 5e-4, wd 1e-5, warmup 6%, decay to 0.02×). */
export const BUILTIN_DEFAULTS: Partial<Record<keyof typeof runConfigShape, string | number | boolean>> = {
  recipe: 'bert',
  size: 'tiny',
  vocabSize: 30522,
  seqLen: 128,
  batchSize: 32,
  lr: 5e-4,
  weightDecay: 1e-5,
  warmup: '0.06dur',
  finalLrFraction: 0.02,
  hiddenDropout: 0.1,
  checkpointEvery: '50ba',
  evalSamples: 3072,
  backend: DEFAULT_BACKEND,
  corpus: 'default',
};

/** A scalar a matrix cell may hold. */
export const scalar = z.union([z.string(), z.number(), z.boolean()]);
export type Scalar = z.infer<typeof scalar>;
