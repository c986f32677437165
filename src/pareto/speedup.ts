/**
 * Speedup vs the baseline at a matched level: for a level L on the y axis,
 *
 *   speedup(L) = baseline cost to reach L / recipe cost to reach L
 *
 * where "reach" means as good as L or better in the axis's direction (a score at least L, a loss at most L).
 * This is how MosaicBERT's paper states "reaches BERT-Base's average GLUE score N× faster"; at L = the
 * baseline's best value it is the headline number (the baseline's time to its best ÷ the recipe's time to
 * match it). Computed once by interpolation along each frontier and once from each recipe's fitted curve.
 * Levels: every value on the baseline's frontier past its random-init point (its best included) plus any
 * chosen with --level. A level reached at zero cost (by a random-init point) gives no ratio.
 */
import { SCORE_METRIC, type YMetric } from './direction.js';
import { reachByFit } from './fit.js';
import { reachByInterpolation } from './interpolate.js';
import { strictFrontier, type XY } from './frontier.js';
import type { FitResult, Reach, Speedup } from './types.js';

export interface RecipeCurve {
  recipe: string;
  /** The recipe's aggregate points (means over seeds). */
  points: XY[];
  fit: FitResult | null;
}

type Bound = Speedup['speedupInterpBound'];

/** The ratio and what it is: exact, or a bound when one side's cost is only an upper bound. */
export function speedupOf(baseline: Reach, recipe: Reach): { value: number | null; bound: Bound } {
  if (!baseline.reached || !recipe.reached) return { value: null, bound: null };
  // zero cost on either side (a random-init point already at the level): a ratio of 0 or ∞ says nothing
  if (recipe.x <= 0 || baseline.x <= 0) return { value: null, bound: null };
  const bound: Bound =
    baseline.bound === 'exact'
      ? recipe.bound === 'exact'
        ? 'exact'
        : 'atLeast'
      : recipe.bound === 'exact'
        ? 'atMost'
        : 'unknown';
  return { value: baseline.x / recipe.x, bound };
}

export function speedups(
  baseline: RecipeCurve,
  others: readonly RecipeCurve[],
  baselineLevels: number[],
  chosenLevels: number[],
  metric: YMetric = SCORE_METRIC,
): Speedup[] {
  const levels: { level: number; source: Speedup['levelSource'] }[] = [
    ...baselineLevels.map((level) => ({ level, source: 'baseline' as const })),
    ...chosenLevels.map((level) => ({ level, source: 'chosen' as const })),
  ];
  const maxX = (c: RecipeCurve): number => Math.max(...c.points.map((p) => p.x));
  const baselineBest = strictFrontier(baseline.points, metric.direction).at(-1)?.y;
  const out: Speedup[] = [];
  for (const other of others) {
    for (const { level, source } of levels) {
      const bI = reachByInterpolation(baseline.points, level, metric);
      const rI = reachByInterpolation(other.points, level, metric);
      const interp = speedupOf(bI, rI);
      const bF = baseline.fit?.ok ? reachByFit(baseline.fit, level, maxX(baseline), metric.format) : null;
      const rF = other.fit?.ok ? reachByFit(other.fit, level, maxX(other), metric.format) : null;
      const fit = bF && rF ? speedupOf(bF, rF) : { value: null };
      out.push({
        recipe: other.recipe,
        level,
        levelSource: source,
        atBaselineBest: source === 'baseline' && level === baselineBest,
        baselineInterp: bI,
        recipeInterp: rI,
        speedupInterp: interp.value,
        speedupInterpBound: interp.bound,
        baselineFit: bF,
        recipeFit: rF,
        speedupFit: fit.value,
      });
    }
  }
  return out;
}
