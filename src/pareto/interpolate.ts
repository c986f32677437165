/**
 * When does a recipe reach a score? Monotone interpolation along its Pareto frontier: the frontier is strictly
 * increasing in both cost and score, so the piecewise-linear curve through it is monotone and invertible, and
 * the cost at score L is read off it by linear interpolation between the two frontier points that bracket L.
 * No extrapolation: above the best score the level is never reached; below the first point we only know an
 * upper bound (the first point's cost).
 */
import { strictFrontier, type XY } from './frontier.js';
import type { Reach } from './types.js';

/** Cost at which the frontier of `points` first reaches `level`. */
export function reachByInterpolation(points: readonly XY[], level: number): Reach {
  const f = strictFrontier(points);
  const first = f[0];
  const last = f[f.length - 1];
  if (!first || !last) return { reached: false, reason: 'no points' };
  if (level > last.y) return { reached: false, reason: `never reaches it (best ${fmtScore(last.y)})` };
  if (level <= first.y) return { reached: true, x: first.x, bound: level < first.y ? 'atMost' : 'exact' };
  for (let i = 1; i < f.length; i++) {
    const a = f[i - 1]!;
    const b = f[i]!;
    if (level <= b.y) return { reached: true, x: a.x + ((level - a.y) * (b.x - a.x)) / (b.y - a.y), bound: 'exact' };
  }
  /* c8 ignore next */
  return { reached: false, reason: 'unreachable' };
}

/** Scores print ×100 like GLUE tables. */
export const fmtScore = (y: number): string => (y * 100).toFixed(2);
