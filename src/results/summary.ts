/**
 * summary.json — the record a finished run leaves behind, and the only thing `mbench pareto` reads.
 * Written atomically and last: a run folder whose summary.json validates against `RunSummarySchema` is finished;
 * one without it is unfinished; one whose summary.json does not validate is damaged (set aside and redone).
 *
 * The schema is the single definition: the types below are inferred from it, so the writer, the readers and
 * the validation cannot drift apart. Units are in the names. Scores are fractions in the metric's own range
 * (accuracy/F1 in [0,1], Matthews correlation and Pearson/Spearman in [-1,1]); charts may show them ×100.
 */
import { readFileSync, renameSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from './atomic.js';
import { summaryPath } from './store.js';

export const SUMMARY_SCHEMA_VERSION = 1;

/**
 * A measurement that may be NaN or ±Infinity in memory (the loss of a run that trained no step, tokens/s of a run
 * that took no time, a diverged score). JSON has no such numbers — JSON.stringify writes null — so null on disk
 * reads back as NaN: the record a reader gets is the one the writer had.
 */
const measured = z.union([z.number(), z.null().transform(() => NaN)]);

const PretrainResultSchema = z.object({
  steps: z.number(),
  samples: z.number(),
  /** Real (non-pad) tokens seen by the model, the unit MosaicBERT's throughput is quoted in. */
  tokens: z.number(),
  /** Pretraining wall-clock seconds, excluding evaluation and checkpoint I/O (the Pareto x-axis). */
  wallSeconds: z.number(),
  /** One-off set-up outside wallSeconds: the untimed warm-up pass of each training session. */
  setupSeconds: z.number().optional(),
  /** Analytical training FLOPs (forward + backward, attention included). */
  flops: z.number(),
  tokensPerSecond: measured,
  /** Model FLOPs utilisation against the device's float32 peak; null when the peak is unknown. */
  mfu: z.number().nullable(),
  /** The MFU denominator (FLOP/s per device) and where it came from: 'measured' (native's FMA chains),
   * 'estimate', 'env MBENCH_PEAK_GFLOPS' or 'unknown'. Absent in results written before it was recorded. */
  peakFlopsPerSecond: z.number().nullable().optional(),
  peakSource: z.string().optional(),
  finalLoss: measured,
  /** MLM evaluation at 15% masking on held-out data, when run. */
  evalLoss: z.number().nullable(),
  evalAccuracy: z.number().nullable(),
  backend: z.string(),
  device: z.string(),
  devices: z.number(),
  /** Processes that trained, one per device (absent in older summaries: 1). */
  ranks: z.number().optional(),
  /** Samples per microbatch on each device (gradient accumulation); absent in older summaries. */
  microbatch: z.number().optional(),
  /** Milliseconds per step spent exchanging gradients between ranks (multi-device runs only). */
  communicationMsPerStep: z.number().optional(),
  /** Milliseconds per step rank 0 waited for the slowest rank before the exchange (load imbalance, not transfer). */
  rankWaitMsPerStep: z.number().optional(),
});

const TaskResultSchema = z.object({
  /** The task's primary metric name (accuracy, f1, mcc, pearson, spearman, ... or 'avg' of several). */
  metric: z.string(),
  /** Primary score per fine-tuning seed (best over the run's eval history, as MosaicBERT reports). */
  perSeed: z.array(measured),
  /** Mean over seeds of the primary score. */
  score: measured,
  /** Every metric averaged over seeds, e.g. {accuracy: 0.84, f1: 0.88}. */
  metrics: z.record(z.string(), measured),
});

const FinetuneResultSchema = z.object({
  suite: z.string(),
  /** How the tasks were scored: full fine-tuning (absent in older summaries) or a linear probe on the frozen encoder. */
  method: z.enum(['finetune', 'probe']).optional(),
  /** Fine-tuning seeds (empty for the deterministic probe). */
  seeds: z.array(z.number()),
  tasks: z.record(z.string(), TaskResultSchema),
  /** Fine-tuning wall-clock seconds (not on the Pareto x-axis). */
  wallSeconds: z.number(),
});

export const RunSummarySchema = z.object({
  schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION),
  /** Short content hash of the canonical RunSpec. */
  id: z.string(),
  sweep: z.string(),
  /** Human-readable run name, e.g. `mosaic-tiny-m0.3-v30528-200ba-s1`. */
  name: z.string(),
  /** Recipe (preset) name: `bert`, `mosaic`, or an ablation's name. */
  recipe: z.string().min(1),
  /** The run's configuration flattened to scalar values, without the seed: runs with equal `config`
   *  and recipe are repeats over pretraining seeds. Keys like `size`, `maskRatio`, `vocabSize`, `duration`. */
  config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  seed: z.number(),
  /** Set when the point is an intermediate checkpoint of a longer run (sweep `evalAt`), not a full schedule. */
  intermediateOf: z.string().nullable(),
  /** The full RunSpec as expanded from the sweep (typed in src/config/run-spec.ts; the store does not look inside). */
  spec: z.unknown(),
  params: z.number(),
  pretrain: PretrainResultSchema,
  finetune: FinetuneResultSchema.nullable(),
  /** Average of the task scores (tasks averaged equally), null when there was no fine-tuning. */
  score: z.number().nullable(),
  /** Price per device-hour (USD) and the cost of pretraining = wallSeconds/3600 × devices × price. */
  pricePerDeviceHour: z.number().nullable(),
  costUsd: z.number().nullable(),
  mbenchVersion: z.string(),
  gitCommit: z.string().nullable(),
  finishedAt: z.string(),
});

export type PretrainResult = z.output<typeof PretrainResultSchema>;
export type TaskResult = z.output<typeof TaskResultSchema>;
export type FinetuneResult = z.output<typeof FinetuneResultSchema>;
export type RunSummary = z.output<typeof RunSummarySchema>;

/** What a run folder's summary.json says about the run: the three states a reader must tell apart. */
export type SummaryRead =
  | { state: 'finished'; path: string; summary: RunSummary }
  | { state: 'missing'; path: string }
  /** The file is there but is not a summary this mbench can use; `reason` says what is wrong with it. */
  | { state: 'damaged'; path: string; reason: string };

/** Where a damaged summary.json is moved so the run can be redone without losing the evidence. */
export const damagedSummaryPath = (runDir: string): string => `${summaryPath(runDir)}.bad`;

/** Reads and validates `<runDir>/summary.json`. Never throws for a bad file: damage is a state, not an error. */
export function readSummary(runDir: string): SummaryRead {
  const path = summaryPath(runDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: 'missing', path };
    return { state: 'damaged', path, reason: `cannot read (${code ?? String(err)})` };
  }
  const reason = validationProblem(text);
  if (typeof reason === 'string') return { state: 'damaged', path, reason };
  return { state: 'finished', path, summary: reason.summary };
}

/** The run folder holds a summary.json that validates. */
export const isFinished = (runDir: string): boolean => readSummary(runDir).state === 'finished';

/** One line for a damaged summary: the file and what is wrong with it. */
export const damageLine = (read: Extract<SummaryRead, { state: 'damaged' }>): string => `${read.path}: ${read.reason}`;

/**
 * Writes `<runDir>/summary.json` atomically, after checking the bytes read back as a finished summary: a record
 * the readers would call damaged is refused here (and the run fails with the reason) rather than written and
 * redone by every later sweep.
 */
export function writeSummary(runDir: string, summary: RunSummary): void {
  const text = JSON.stringify(summary, null, 2) + '\n';
  const problem = validationProblem(text);
  if (typeof problem === 'string') throw new Error(`refusing to write ${summaryPath(runDir)}: it would not read back (${problem})`);
  writeFileAtomic(summaryPath(runDir), text);
}

/**
 * Moves a damaged summary.json to summary.json.bad (replacing an older one), so the folder reads as unfinished.
 * Callers hold the run's lock, which every writer of summary.json holds too. False when it was already gone.
 */
export function setAsideSummary(runDir: string): boolean {
  try {
    renameSync(summaryPath(runDir), damagedSummaryPath(runDir));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

function validationProblem(text: string): string | { summary: RunSummary } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof raw === 'object' && raw !== null && version !== undefined && version !== SUMMARY_SCHEMA_VERSION) {
    return `not a summary.json mbench can read (schemaVersion ${JSON.stringify(version)}; this mbench reads ${SUMMARY_SCHEMA_VERSION})`;
  }
  const parsed = RunSummarySchema.safeParse(raw);
  if (parsed.success) return { summary: parsed.data };
  const issue = parsed.error.issues[0];
  return `not a summary.json mbench can read (${issue?.path.join('.') || '(root)'}: ${issue?.message})`;
}
