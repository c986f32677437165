/**
 * Speedup vs the baseline at matched score: for a score level L,
 *
 *   speedup(L) = baseline cost to reach L / recipe cost to reach L
 *
 * (how MosaicBERT's paper states "reaches BERT-Base's average GLUE score N× faster"), once by interpolation
 * along each frontier and once from each recipe's fitted curve. Levels: every score on the baseline's
 * frontier (its best included) plus any chosen with --level.
 */
import { reachByFit } from './fit.js';
import { reachByInterpolation } from './interpolate.js';
import type { XY } from './frontier.js';
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
  if (recipe.x <= 0) return { value: null, bound: null };
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

export function speedups(baseline: RecipeCurve, others: readonly RecipeCurve[], baselineLevels: number[], chosenLevels: number[]): Speedup[] {
  const levels: { level: number; source: Speedup['levelSource'] }[] = [
    ...baselineLevels.map((level) => ({ level, source: 'baseline' as const })),
    ...chosenLevels.map((level) => ({ level, source: 'chosen' as const })),
  ];
  const maxX = (c: RecipeCurve): number => Math.max(...c.points.map((p) => p.x));
  const out: Speedup[] = [];
  for (const other of others) {
    for (const { level, source } of levels) {
      const bI = reachByInterpolation(baseline.points, level);
      const rI = reachByInterpolation(other.points, level);
      const interp = speedupOf(bI, rI);
      const bF = baseline.fit?.ok ? reachByFit(baseline.fit, level, maxX(baseline)) : null;
      const rF = other.fit?.ok ? reachByFit(other.fit, level, maxX(other)) : null;
      const fit = bF && rF ? speedupOf(bF, rF) : { value: null };
      out.push({
        recipe: other.recipe,
        level,
        levelSource: source,
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
