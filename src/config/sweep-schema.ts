/**
 * The sweep file schema (sweeps/*.yaml). One file describes a study: a grid of pretraining runs (`matrix` over
 * any run-config key, GitHub-Actions-style `include`/`exclude`), pretraining seeds, the fine-tuning suite and its
 * seeds, devices and price (for cost), and optional intermediate evaluation points (`evalAt`).
 * docs/sweeps.md is the user-facing reference; keep the two in step.
 */
import { z } from 'zod';
import { durationField, recipeFeatureShape, RUN_CONFIG_KEYS, runConfigShape } from './run-config.js';

type ConfigKey = (typeof RUN_CONFIG_KEYS)[number];

/** The schema of one config key's value, without the "unset" option. */
function valueSchema(key: ConfigKey): z.ZodType {
  const s = runConfigShape[key] as z.ZodType;
  return s instanceof z.ZodOptional ? (s.unwrap() as z.ZodType) : s;
}

const partialConfigShape = Object.fromEntries(RUN_CONFIG_KEYS.map((k) => [k, valueSchema(k).optional()])) as {
  [K in ConfigKey]: z.ZodOptional<z.ZodType>;
};

/** Some config keys with their values: `defaults`, `include`/`exclude` entries. */
export const PartialConfigSchema = z.strictObject(partialConfigShape);

const matrixAxesShape = Object.fromEntries(
  RUN_CONFIG_KEYS.map((k) => [k, z.array(valueSchema(k)).min(1, { message: 'empty: list at least one value' }).optional()]),
) as { [K in ConfigKey]: z.ZodOptional<z.ZodArray<z.ZodType>> };

export const MatrixSchema = z.strictObject({
  ...matrixAxesShape,
  include: z.array(PartialConfigSchema).optional(),
  exclude: z.array(PartialConfigSchema).optional(),
});

/** A named recipe: a base recipe plus feature overrides (for ablations). */
export const RecipeSchema = z.strictObject({
  base: z.string().min(1),
  ...recipeFeatureShape,
});

export const FINETUNE_SUITES = ['micro-glue', 'glue', 'none'] as const;

export const FinetuneSchema = z.strictObject({
  suite: z.enum(FINETUNE_SUITES),
  /** A subset of the suite's tasks; all of them when absent. */
  tasks: z.array(z.string().min(1)).min(1).optional(),
  /** `finetune` (default): the encoder and a [CLS] head trained per task and seed; `probe`: a linear probe on the
   *  frozen encoder, deterministic (seeds unused), the protocol of the micro-scale quickstart (docs/data.md). */
  method: z.enum(['finetune', 'probe']).optional(),
  /** Fine-tuning seeds: every task is fine-tuned once per seed and the scores averaged. */
  seeds: z.array(z.number().int().min(0)).min(1).default([1]),
  /** The GLUE data folder (suite: glue). */
  glueDir: z.string().min(1).optional(),
  /** Overrides every task's epochs (short studies); absent: each task's own (MosaicBERT's protocol). */
  epochs: z.number().int().min(1).optional(),
  /** Train each task on at most this many examples (the first N of its fixed, shuffled order): short studies. */
  maxTrainExamples: z.number().int().min(8).optional(),
  /** Overrides every task's peak learning rate; absent: each task's own. */
  lr: z.number().positive().max(1).optional(),
});

/** An sbatch option value: one line, no control characters (a newline would end the option in a batch script). */
const sbatchValue = z
  .string()
  .min(1)
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must be one line with no control characters (newline, tab, escape)');

export const SlurmSchema = z.strictObject({
  partition: sbatchValue.optional(),
  /** Time limit per array task, in sbatch's syntax (e.g. `4:00:00`). */
  time: sbatchValue.optional(),
  cpusPerTask: z.number().int().min(1).optional(),
  gpusPerTask: z.number().int().min(0).optional(),
  mem: sbatchValue.optional(),
  /** At most this many array tasks at once (`--array=…%N`). */
  concurrency: z.number().int().min(1).optional(),
  /** More sbatch options, one per list entry (passed as separate arguments, never through a shell). */
  extraArgs: z.array(sbatchValue).default([]),
});

export const MockSchema = z.strictObject({
  /** Simulated milliseconds of real time each mock step sleeps. */
  stepMs: z.number().min(0).max(60_000).default(10),
  /** Pretraining seeds whose mock runs fail with exit code 3 (to test failure reporting). */
  failSeeds: z.array(z.number().int()).default([]),
});

export const SweepFileSchema = z.strictObject({
  schemaVersion: z.literal(1).optional(),
  /** The study's name: results go to <results>/<name>/. */
  name: z.string().min(1),
  description: z.string().optional(),
  /** The recipe Pareto speedups are measured against. */
  baseline: z.string().min(1).default('bert'),
  /** `train` runs the real engine; `mock` fakes deterministic runs (tests, dry plumbing checks). */
  runner: z.enum(['train', 'mock']).default('train'),
  recipes: z.record(z.string(), RecipeSchema).optional(),
  defaults: PartialConfigSchema.optional(),
  matrix: MatrixSchema,
  /** Pretraining seeds: every matrix combination runs once per seed. */
  seeds: z.array(z.number().int().min(0)).min(1).default([1]),
  /** `finetune: none` (or `micro-glue`, `glue`) is short for `finetune: { suite: none }`. */
  finetune: z.preprocess((v) => (typeof v === 'string' ? { suite: v } : v), FinetuneSchema).optional(),
  /** Intermediate checkpoints evaluated as extra Pareto points (e.g. [0.25dur, 0.5dur] or [100ba]). */
  evalAt: z.array(durationField).min(1).optional(),
  /** Data-parallel ranks per run (one device each); the global batch `batchSize` is divided over them. */
  devices: z.number().int().min(1).default(1),
  /** Samples per microbatch on each device (gradient accumulation): memory, never the result or the run id. */
  microbatch: z.number().int().min(1).optional(),
  pricePerDeviceHour: z.number().min(0).optional(),
  slurm: SlurmSchema.optional(),
  mock: MockSchema.optional(),
  /** Refuse to expand to more runs than this (default 100,000: config/expand.ts). */
  maxRuns: z.number().int().min(1).optional(),
});

export type SweepFile = z.output<typeof SweepFileSchema>;
export type PartialConfig = z.output<typeof PartialConfigSchema>;
