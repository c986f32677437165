/**
 * summary.json — the record a finished run leaves behind, and the only thing `mbench pareto` reads.
 * Written atomically and last: a run directory without summary.json is unfinished.
 *
 * Units are in the names. Scores are fractions in the metric's own range (accuracy/F1 in [0,1], Matthews
 * correlation and Pearson/Spearman in [-1,1]); charts may show them ×100 as GLUE tables do.
 */
export const SUMMARY_SCHEMA_VERSION = 1;

export interface PretrainResult {
  steps: number;
  samples: number;
  /** Real (non-pad) tokens seen by the model, the unit MosaicBERT's throughput is quoted in. */
  tokens: number;
  /** Pretraining wall-clock seconds, excluding evaluation and checkpoint I/O (the Pareto x-axis). */
  wallSeconds: number;
  /** One-off set-up outside wallSeconds: the untimed warm-up pass of each training session. */
  setupSeconds?: number;
  /** Analytical training FLOPs (forward + backward, attention included). */
  flops: number;
  tokensPerSecond: number;
  /** Model FLOPs utilisation against the device's float32 peak; null when the peak is unknown. */
  mfu: number | null;
  finalLoss: number;
  /** MLM evaluation at 15% masking on held-out data, when run. */
  evalLoss: number | null;
  evalAccuracy: number | null;
  backend: string;
  device: string;
  devices: number;
}

export interface TaskResult {
  /** The task's primary metric name (accuracy, f1, mcc, pearson, spearman, ... or 'avg' of several). */
  metric: string;
  /** Primary score per fine-tuning seed (best over the run's eval history, as MosaicBERT reports). */
  perSeed: number[];
  /** Mean over seeds of the primary score. */
  score: number;
  /** Every metric averaged over seeds, e.g. {accuracy: 0.84, f1: 0.88}. */
  metrics: Record<string, number>;
}

export interface FinetuneResult {
  suite: string;
  /** How the tasks were scored: full fine-tuning (absent in older summaries) or a linear probe on the frozen encoder. */
  method?: 'finetune' | 'probe';
  /** Fine-tuning seeds (empty for the deterministic probe). */
  seeds: number[];
  tasks: Record<string, TaskResult>;
  /** Fine-tuning wall-clock seconds (not on the Pareto x-axis). */
  wallSeconds: number;
}

export interface RunSummary {
  schemaVersion: typeof SUMMARY_SCHEMA_VERSION;
  /** Short content hash of the canonical RunSpec. */
  id: string;
  sweep: string;
  /** Human-readable run name, e.g. `mosaic-tiny-m0.3-v30528-200ba-s1`. */
  name: string;
  /** Recipe (preset) name: `bert`, `mosaic`, or an ablation's name. */
  recipe: string;
  /** The run's configuration flattened to scalar values, without the seed: runs with equal `config`
   *  and recipe are repeats over pretraining seeds. Keys like `size`, `maskRatio`, `vocabSize`, `duration`. */
  config: Record<string, string | number | boolean>;
  seed: number;
  /** Set when the point is an intermediate checkpoint of a longer run (sweep `evalAt`), not a full schedule. */
  intermediateOf: string | null;
  /** The full RunSpec as expanded from the sweep. */
  spec: unknown;
  params: number;
  pretrain: PretrainResult;
  finetune: FinetuneResult | null;
  /** Average of the task scores (tasks averaged equally), null when there was no fine-tuning. */
  score: number | null;
  /** Price per device-hour (USD) and the cost of pretraining = wallSeconds/3600 × devices × price. */
  pricePerDeviceHour: number | null;
  costUsd: number | null;
  mbenchVersion: string;
  gitCommit: string | null;
  finishedAt: string;
}
