/**
 * The records that flow through `mbench pareto`, stage by stage:
 *
 *   1. load      RunSummary files (+ reference CSV rows)  → ParetoPoint[]   (one per run, normalized units)
 *   2. aggregate ParetoPoint[] grouped by recipe+config    → Aggregate[]     (mean, sd, 95% CI over seeds)
 *   3. analyse   Aggregate[]                              → frontiers, fits, speedups  (ParetoReport)
 *   4. present   ParetoReport                             → table, CSV, JSON, Vega-Lite spec → SVG/PNG/HTML
 *
 * Every stage is a pure function of the previous stage's record; only 1 and 4 touch the disk.
 */

/** The x axis: what a point costs. All are "less is better". */
import type { Direction } from './direction.js';

export const X_AXES = ['hours', 'cost', 'tokens', 'flops'] as const;
export type XAxis = (typeof X_AXES)[number];

/**
 * Where a point came from. 'random-init': a run with no pretraining (duration `0ba`: 0 steps, 0 tokens, zero
 * time and cost) — the randomly initialised model's held-out MLM values and fine-tuning scores, drawn at x = 0
 * as the start of its recipe's line.
 */
export type PointKind = 'run' | 'intermediate' | 'random-init' | 'reference';

/** One run (or one reference row), in normalized units. `x`/`y` are the chosen axes; null = missing. */
export interface ParetoPoint {
  kind: PointKind;
  /** Run id, or `ref:<line>` for a reference row. */
  id: string;
  name: string;
  sweep: string;
  recipe: string;
  /** Canonical text of the run's configuration (without the seed): equal keys are repeats over seeds. */
  configKey: string;
  config: Record<string, string | number | boolean>;
  seed: number | null;
  hours: number | null;
  costUsd: number | null;
  tokens: number | null;
  flops: number | null;
  /** Average fine-tuning score (fraction), null when the run has none. */
  score: number | null;
  /** Primary score per task (fraction). */
  tasks: Record<string, number>;
  /** Held-out MLM loss (nats) and accuracy (fraction) at 15% masking after pretraining; null when not evaluated. */
  mlmLoss: number | null;
  mlmAccuracy: number | null;
  x: number | null;
  y: number | null;
}

/** Mean, sample standard deviation and a two-sided 95% Student-t interval over n values. */
export interface Stat {
  n: number;
  mean: number;
  /** null when n < 2 */
  sd: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

/** One configuration of one recipe, aggregated over its pretraining seeds. */
export interface Aggregate {
  key: string;
  kind: PointKind;
  recipe: string;
  configKey: string;
  config: Record<string, string | number | boolean>;
  seeds: (number | null)[];
  runIds: string[];
  x: Stat;
  y: Stat;
  hours: Stat | null;
  tasks: Record<string, Stat>;
  /** Held-out MLM loss and accuracy over the seeds that have them (whatever the y axis). */
  mlmLoss: Stat | null;
  mlmAccuracy: Stat | null;
  onRecipeFrontier: boolean;
  onOverallFrontier: boolean;
}

/** y = c1 ∓ c2·exp(−(c3·t)^c4) (− when higher is better, + when lower is), fitted to a recipe's runs. */
export interface SaturatingFit {
  recipe: string;
  ok: true;
  /** Absent means 'higher' (the score axes; reports written before MLM axes existed). */
  direction?: Direction;
  c1: number;
  c2: number;
  c3: number;
  c4: number;
  n: number;
  rSquared: number;
  rmse: number;
  iterations: number;
}
export interface FailedFit {
  recipe: string;
  ok: false;
  n: number;
  reason: string;
}
export type FitResult = SaturatingFit | FailedFit;

/** When a recipe reaches a level. `bound` = 'atMost' when its first frontier point is already past it. */
export type Reach =
  | { reached: true; x: number; bound: 'exact' | 'atMost'; extrapolated?: boolean }
  | { reached: false; reason: string };

export interface Speedup {
  recipe: string;
  /** The y level (the axis's own units: fraction, or nats) the recipe is timed at. */
  level: number;
  /** 'baseline' = a value on the baseline's frontier; 'chosen' = a --level. */
  levelSource: 'baseline' | 'chosen';
  /** The level is the baseline's best value: this row is the headline speedup. */
  atBaselineBest: boolean;
  baselineInterp: Reach;
  recipeInterp: Reach;
  /** baseline x / recipe x, by interpolation along the frontiers; null when either never reaches the level. */
  speedupInterp: number | null;
  /** 'atLeast' (≥) when the recipe's cost is only an upper bound, 'atMost' when the baseline's is. */
  speedupInterpBound: 'exact' | 'atLeast' | 'atMost' | 'unknown' | null;
  baselineFit: Reach | null;
  recipeFit: Reach | null;
  speedupFit: number | null;
  /** The headline row's seed-bootstrap interval of `speedupInterp` (./bootstrap.ts); null on other rows. */
  interval?: SpeedupInterval | null;
}

/** A percentile-bootstrap interval of a speedup (0 = the recipe did not reach the level, ∞ = at zero cost). */
export interface SpeedupInterval {
  confidence: number;
  /** 0 when more than the tail's share of replicates never reached the level. */
  low: number;
  /** null when more than the tail's share reached it at zero cost (unbounded; JSON has no ∞). */
  high: number | null;
  replicates: number;
  /** Replicates in which the recipe never reached the baseline's best. */
  notReached: number;
  /** Replicates left out: the baseline's best was its random-init point, so there was no headline. */
  withoutHeadline: number;
}

export interface ReferenceRule {
  label: string;
  /** On the y axis, in its own units (a score as a fraction, a loss in nats). */
  y: number;
}

export interface Exclusion {
  id: string;
  name: string;
  reason: string;
}

export interface ParetoReport {
  schemaVersion: 1;
  sweep: string | null;
  x: XAxis;
  /** 'score', 'mlm-accuracy', 'mlm-loss' or a task name. */
  y: string;
  /** Which way is better on y: 'lower' for mlm-loss, 'higher' otherwise. */
  yDirection: Direction;
  baseline: string | null;
  includeIntermediate: boolean;
  recipes: string[];
  tasks: string[];
  points: ParetoPoint[];
  excluded: Exclusion[];
  aggregates: Aggregate[];
  /** Aggregate keys on each recipe's frontier, sorted by x. */
  recipeFrontiers: Record<string, string[]>;
  overallFrontier: string[];
  fits: FitResult[];
  speedups: Speedup[];
  rules: ReferenceRule[];
  warnings: string[];
}
