/**
 * When does a recipe reach a level? Monotone interpolation along its Pareto frontier: the frontier is strictly
 * increasing in cost and strictly improving in y (up for scores, down for loss), so the piecewise-linear curve
 * through it is monotone and invertible, and the cost at level L is read off it by linear interpolation
 * between the two frontier points that bracket L. No extrapolation: beyond the best value the level is never
 * reached; short of the first point we only know an upper bound (the first point's cost). A random-init point
 * (x = 0) is the frontier's first point, so levels between it and the first trained run are interpolated.
 */
import { reaches, SCORE_METRIC, type YMetric } from './direction.js';
import { strictFrontier, type XY } from './frontier.js';
import type { Reach } from './types.js';

export { fmtScore } from './direction.js';

/** Cost at which the frontier of `points` first reaches `level` (as good or better, in the metric's direction). */
export function reachByInterpolation(points: readonly XY[], level: number, metric: YMetric = SCORE_METRIC): Reach {
  const d = metric.direction;
  const f = strictFrontier(points, d);
  const first = f[0];
  const last = f[f.length - 1];
  if (!first || !last) return { reached: false, reason: 'no points' };
  if (!reaches(d, last.y, level)) return { reached: false, reason: `never reaches it (best ${metric.format(last.y)})` };
  if (reaches(d, first.y, level)) return { reached: true, x: first.x, bound: first.y === level ? 'exact' : 'atMost' };
  for (let i = 1; i < f.length; i++) {
    const a = f[i - 1]!;
    const b = f[i]!;
    if (reaches(d, b.y, level)) return { reached: true, x: a.x + ((level - a.y) * (b.x - a.x)) / (b.y - a.y), bound: 'exact' };
  }
  /* c8 ignore next */
  return { reached: false, reason: 'unreachable' };
}
