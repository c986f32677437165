/**
 * Learning-rate schedule: linear warmup from 0 to the peak, then linear decay to `finalRatio` × peak at the end of
 * the run — Composer's LinearWithWarmupScheduler(t_warmup, alpha_f), which MosaicBERT uses with t_warmup = 0.06dur
 * and alpha_f = 0.02 (mosaicml/examples bert/yamls/main/mosaic-bert-base-uncased.yaml; the values are in ./defaults.ts).
 *
 * Progress is a fraction of the run in [0, 1]: step/totalSteps for counted runs, trainSeconds/budgetSeconds for
 * wall-clock runs, so one function serves both.
 */
export interface LrSchedule {
  peakLr: number;
  /** Warmup length as a fraction of the run (0.06 = 6%). */
  warmupFraction: number;
  /** Multiplier reached at the end of the run (0.02). */
  finalRatio: number;
}

/** The LR multiplier in [finalRatio, 1] at `progress` ∈ [0, 1]. */
export function lrMultiplier(progress: number, warmupFraction: number, finalRatio: number): number {
  const t = Math.min(1, Math.max(0, progress));
  if (warmupFraction > 0 && t < warmupFraction) return t / warmupFraction;
  if (warmupFraction >= 1) return 1;
  return 1 + (finalRatio - 1) * ((t - warmupFraction) / (1 - warmupFraction));
}

/** The learning rate at `progress` ∈ [0, 1]. */
export function learningRate(progress: number, s: LrSchedule): number {
  return s.peakLr * lrMultiplier(progress, s.warmupFraction, s.finalRatio);
}
