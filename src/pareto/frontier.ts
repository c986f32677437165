/**
 * Pareto frontiers: the points no other point beats on both axes. x is a cost (less is better: hours, USD,
 * tokens, FLOPs), y a score (more is better). Point p is dominated when some q has q.x ≤ p.x and q.y ≥ p.y
 * with at least one strict. Exact ties (equal x and y) do not dominate each other: both stay on the frontier.
 */

export interface XY {
  x: number;
  y: number;
}

/** The non-dominated points, sorted by x ascending (so y is non-decreasing along the result). O(n log n). */
export function paretoFrontier<T extends XY>(points: readonly T[]): T[] {
  // Sort by cost ascending; at equal cost the best score first, so it shadows the rest.
  const sorted = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x || b.y - a.y);
  const frontier: T[] = [];
  for (const p of sorted) {
    const last = frontier[frontier.length - 1];
    if (last === undefined || p.y > last.y || (p.y === last.y && p.x === last.x)) frontier.push(p);
  }
  return frontier;
}

/** The frontier with exact ties collapsed to one point each: strictly increasing in both x and y. */
export function strictFrontier<T extends XY>(points: readonly T[]): T[] {
  const out: T[] = [];
  for (const p of paretoFrontier(points)) {
    const last = out[out.length - 1];
    if (!last || last.x !== p.x || last.y !== p.y) out.push(p);
  }
  return out;
}
