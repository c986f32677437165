/**
 * Pareto frontiers: the points no other point beats on both axes. x is a cost (less is better: hours, USD,
 * tokens, FLOPs); y is better in its axis's direction (./direction.ts: higher for scores and accuracy, lower for
 * loss). Point p is dominated when some q has q.x ≤ p.x and q.y as good as p.y, with at least one strictly
 * better. Exact ties (equal x and y) do not dominate each other: both stay on the frontier.
 */
import { betterFirst, isBetter, type Direction } from './direction.js';

export interface XY {
  x: number;
  y: number;
}

/**
 * The non-dominated points, sorted by x ascending (so y only improves along the result: non-decreasing for
 * 'higher', non-increasing for 'lower'). O(n log n).
 */
export function paretoFrontier<T extends XY>(points: readonly T[], direction: Direction = 'higher'): T[] {
  // Sort by cost ascending; at equal cost the best y first, so it shadows the rest.
  const byY = betterFirst(direction);
  const sorted = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x || byY(a.y, b.y));
  const frontier: T[] = [];
  for (const p of sorted) {
    const last = frontier[frontier.length - 1];
    if (last === undefined || isBetter(direction, p.y, last.y) || (p.y === last.y && p.x === last.x)) frontier.push(p);
  }
  return frontier;
}

/** The frontier with exact ties collapsed to one point each: strictly increasing in x, strictly improving in y. */
export function strictFrontier<T extends XY>(points: readonly T[], direction: Direction = 'higher'): T[] {
  const out: T[] = [];
  for (const p of paretoFrontier(points, direction)) {
    const last = out[out.length - 1];
    if (!last || last.x !== p.x || last.y !== p.y) out.push(p);
  }
  return out;
}
