/**
 * The headline speedup's uncertainty: a percentile bootstrap over pretraining seeds (Efron & Tibshirani, "An
 * Introduction to the Bootstrap", 1993, ch. 13). Each replicate redraws, with replacement, the seeds of every
 * aggregate point (a recipe at one duration) from its own runs, recomputes each point's mean cost and mean y,
 * and then the whole headline: the baseline's best value on its frontier, the baseline's cost to it and the
 * recipe's cost to match it by interpolation along its frontier (./speedup.ts). The 2.5% and 97.5% quantiles of
 * the replicates' ratios make the 95% interval.
 *
 * A replicate in which the recipe never reaches the level counts as a ratio of 0 (the recipe is slower than
 * anything measured), one in which a random-init point already reaches it as +∞, so the interval's ends can
 * say "not reached" or "unbounded" honestly instead of dropping those draws. Replicates whose baseline is best at
 * zero cost have no headline and are left out, and counted. With three seeds per point the interval is coarse
 * (each point has 10 distinct resampled means): read it as "can the seeds' spread explain the ratio?". With one
 * seed per point there is no interval (null), and the text says so.
 */
import { mulberry32 } from '../random.js';
import type { YMetric } from './direction.js';
import { strictFrontier, type XY } from './frontier.js';
import { reachByInterpolation } from './interpolate.js';
import type { SpeedupInterval } from './types.js';

export const BOOTSTRAP_REPLICATES = 2000;
/** Fixed, so the same results always print the same interval. */
const BOOTSTRAP_SEED = 20231110;

/** One recipe's aggregate points, each as the runs (seeds) it averages. */
export type SeedGroups = ReadonlyArray<ReadonlyArray<XY>>;

/** The headline ratio (baseline's cost to its best ÷ the recipe's cost to match it) of one set of points. */
export function headlineRatio(baseline: readonly XY[], recipe: readonly XY[], metric: YMetric): number | null {
  const best = strictFrontier(baseline, metric.direction).at(-1);
  if (!best || best.x <= 0) return null;
  const b = reachByInterpolation(baseline, best.y, metric);
  const r = reachByInterpolation(recipe, best.y, metric);
  if (!b.reached) return null;
  if (!r.reached) return 0;
  return r.x <= 0 ? Infinity : b.x / r.x;
}

const meanPoint = (runs: ReadonlyArray<XY>): XY => ({
  x: runs.reduce((s, p) => s + p.x, 0) / runs.length,
  y: runs.reduce((s, p) => s + p.y, 0) / runs.length,
});

/** The p-quantile by nearest rank (defined for ±∞ entries, unlike interpolating definitions). */
function nearestRank(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function headlineInterval(
  baseline: SeedGroups,
  recipe: SeedGroups,
  metric: YMetric,
  replicates = BOOTSTRAP_REPLICATES,
  confidence = 0.95,
): SpeedupInterval | null {
  // One seed per point leaves nothing to resample: every draw is the point ratio, and a "95% interval" of zero
  // width would claim a certainty that a single seed cannot give.
  if ([...baseline, ...recipe].every((runs) => runs.length < 2)) return null;
  const random = mulberry32(BOOTSTRAP_SEED);
  const redraw = (groups: SeedGroups): XY[] =>
    groups.map((runs) => meanPoint(Array.from({ length: runs.length }, () => runs[Math.floor(random() * runs.length)]!)));
  const ratios: number[] = [];
  let undefinedDraws = 0;
  for (let i = 0; i < replicates; i++) {
    const ratio = headlineRatio(redraw(baseline), redraw(recipe), metric);
    if (ratio === null) undefinedDraws++;
    else ratios.push(ratio);
  }
  if (ratios.length === 0) return null;
  ratios.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return {
    confidence,
    low: Math.min(nearestRank(ratios, tail), Number.MAX_VALUE),
    high: Number.isFinite(nearestRank(ratios, 1 - tail)) ? nearestRank(ratios, 1 - tail) : null,
    replicates,
    notReached: ratios.filter((r) => r === 0).length,
    withoutHeadline: undefinedDraws,
  };
}
