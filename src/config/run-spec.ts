/**
 * RunSpec: one pretraining run (+ its fine-tuning) as expanded from a sweep, the record `mbench run` executes.
 * Its `id` is a short hash of the canonical spec (keys sorted at every level), so re-expanding a sweep finds
 * the same runs whatever the key order in the file; it is the run's folder name.
 */
import { createHash } from 'node:crypto';
import { BadFileError } from '../errors.js';
import { ResolvedRunConfigSchema, type ResolvedRunConfig } from './run-config.js';
import type { FINETUNE_SUITES } from './sweep-schema.js';

export const RUN_SPEC_SCHEMA_VERSION = 1;

export interface FinetuneSpec {
  suite: Exclude<(typeof FINETUNE_SUITES)[number], 'none'>;
  /** null: every task of the suite. */
  tasks: string[] | null;
  seeds: number[];
  /** Set only for the linear probe (absent = full fine-tuning, so older run ids stay as they were). */
  method?: 'probe';
  glueDir: string | null;
  /** Epochs for every task; null: each task's own. */
  epochs: number | null;
  /** Train on at most this many examples per task (the first N of its fixed order); null: all. */
  maxTrainExamples: number | null;
  /** Peak learning rate for every task; null: each task's own. */
  lr: number | null;
}

export interface MockSpec {
  stepMs: number;
  /** Exit with this code instead of finishing (from the sweep's mock.failSeeds). */
  failWithExitCode: number | null;
}

/** An intermediate checkpoint of a run evaluated as its own Pareto point (sweep `evalAt`). */
export interface IntermediatePoint {
  id: string;
  name: string;
  /** Where in the run, as a canonical duration (`100ba`, `0.5dur`). */
  at: string;
}

export interface RunSpec {
  schemaVersion: typeof RUN_SPEC_SCHEMA_VERSION;
  id: string;
  sweep: string;
  /** Human-readable, e.g. `mosaic-tiny-200ba-s1`; not unique by itself across include'd variants. */
  name: string;
  runner: 'train' | 'mock';
  recipe: string;
  /** The sweep's baseline recipe (for Pareto speedups). */
  baseline: string;
  /** Every run-config key, validated and resolved (recipe features filled in, keys sorted), without the seed:
   *  the typed settings of the run, and RunSummary.config. */
  config: ResolvedRunConfig;
  seed: number;
  finetune: FinetuneSpec | null;
  devices: number;
  /** Samples per microbatch on each device (sweep `microbatch`); null: the device's whole share. Not in the id:
   *  it changes memory, never what the run computes. Absent in spec.json files of older versions. */
  microbatch?: number | null;
  pricePerDeviceHour: number | null;
  intermediates: IntermediatePoint[];
  mock: MockSpec | null;
}

/** Everything that changes what a run computes; the id hashes exactly this. Price, names, the sweep and the
 *  microbatch do not. */
export function identity(spec: Omit<RunSpec, 'id' | 'intermediates'> & { evalAt: string[] }): unknown {
  return {
    schemaVersion: spec.schemaVersion,
    runner: spec.runner,
    recipe: spec.recipe,
    config: spec.config,
    seed: spec.seed,
    finetune: spec.finetune,
    devices: spec.devices,
    evalAt: spec.evalAt,
    mock: spec.mock,
  };
}

/**
 * A RunSpec's settings as read back from spec.json, checked against the schema they were validated with when the
 * sweep was expanded (a spec.json edited by hand, or written by another mbench version, fails here, by name).
 */
export function checkedConfig(spec: RunSpec, file: string): ResolvedRunConfig {
  const parsed = ResolvedRunConfigSchema.safeParse(spec.config);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new BadFileError(file, `config.${issue.path.join('.')}: ${issue.message}; rerun \`mbench sweep\` to rewrite it`);
}

/** JSON with object keys sorted at every level (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** 12 hex digits of SHA-256 of the canonical JSON: 48 bits, collisions negligible for any sweep. */
export function shortHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 12);
}
