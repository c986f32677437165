/**
 * Stage 2: group points by (kind, recipe, configuration) — runs that differ only in their pretraining seed —
 * and describe each group: mean, sd and 95% Student-t interval of x, y, hours, every task score and the
 * held-out MLM loss and accuracy.
 */
import { describe } from './stats.js';
import type { Aggregate, ParetoPoint, PointKind, Stat } from './types.js';

/** Points whose x and y are both known. */
export type PlacedPoint = ParetoPoint & { x: number; y: number };

const KEY_PREFIX: Record<PointKind, string> = { run: '', intermediate: 'ckpt:', 'random-init': 'init:', reference: 'ref:' };

export const aggregateKey = (p: Pick<ParetoPoint, 'kind' | 'recipe' | 'configKey'>): string => `${KEY_PREFIX[p.kind]}${p.recipe}|${p.configKey}`;

const statOf = (values: number[]): Stat | null => (values.length ? describe(values) : null);
const known = (values: (number | null)[]): number[] => values.filter((v): v is number => v !== null);

export function aggregate(points: readonly PlacedPoint[]): Aggregate[] {
  const groups = new Map<string, PlacedPoint[]>();
  for (const p of points) {
    const key = aggregateKey(p);
    const g = groups.get(key);
    if (g) g.push(p);
    else groups.set(key, [p]);
  }
  const out: Aggregate[] = [];
  for (const [key, group] of groups) {
    const first = group[0]!;
    const taskNames = [...new Set(group.flatMap((p) => Object.keys(p.tasks)))].sort();
    const tasks: Record<string, Stat> = {};
    for (const t of taskNames) {
      const s = statOf(group.flatMap((p) => (p.tasks[t] === undefined ? [] : [p.tasks[t]!])));
      if (s) tasks[t] = s;
    }
    out.push({
      key,
      kind: first.kind,
      recipe: first.recipe,
      configKey: first.configKey,
      config: first.config,
      seeds: group.map((p) => p.seed),
      runIds: group.map((p) => p.id),
      x: describe(group.map((p) => p.x)),
      y: describe(group.map((p) => p.y)),
      hours: statOf(known(group.map((p) => p.hours))),
      tasks,
      mlmLoss: statOf(known(group.map((p) => p.mlmLoss))),
      mlmAccuracy: statOf(known(group.map((p) => p.mlmAccuracy))),
      onRecipeFrontier: false,
      onOverallFrontier: false,
    });
  }
  return out.sort((a, b) => a.recipe.localeCompare(b.recipe) || a.x.mean - b.x.mean || a.key.localeCompare(b.key));
}
