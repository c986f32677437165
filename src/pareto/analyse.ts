/**
 * Stage 3: from normalized points to the whole analysis — placement on the chosen axes (runs missing a value
 * are excluded and counted), aggregation over seeds, frontiers per recipe and overall, curve fits and
 * speedups vs the baseline, all in the y axis's direction (higher or lower is better). Pure: the same points
 * and options always give the same report.
 *
 * Random-init points (no pretraining, x = 0) take part like any run: nothing is cheaper, so each is on its
 * recipe's frontier (its line starts there) unless another zero-cost point beats it; it anchors the fit at
 * t = 0; and levels it already reaches give no speedup (see ./speedup.ts).
 */
import { UserError, didYouMean } from '../errors.js';
import { parseYAxis, xOf, yAxisInfo, yOf, missingReason } from './axes.js';
import { aggregate, aggregateKey, type PlacedPoint } from './aggregate.js';
import { headlineInterval, type SeedGroups } from './bootstrap.js';
import { fitSaturating } from './fit.js';
import { paretoFrontier, strictFrontier } from './frontier.js';
import { speedups, type RecipeCurve } from './speedup.js';
import type { RawPoint } from './load.js';
import type { Aggregate, Exclusion, ParetoPoint, ParetoReport, ReferenceRule, XAxis } from './types.js';

export interface AnalyseOptions {
  sweep: string | null;
  x: XAxis;
  /** 'score', 'mlm-accuracy', 'mlm-loss' or a task name. */
  y: string;
  /** Recipe to compare against; default `bert` when present, else no speedups. */
  baseline?: string | null;
  /** Extra y levels (the axis's units: fractions, or nats for mlm-loss) to time every recipe at. */
  levels?: number[];
  rules?: ReferenceRule[];
  /** Count intermediate checkpoints in frontiers, fits and speedups (they are always drawn). */
  includeIntermediate?: boolean;
}

export const DEFAULT_BASELINE = 'bert';

export function analyse(raw: readonly RawPoint[], opts: AnalyseOptions): ParetoReport {
  const tasks = [...new Set(raw.flatMap((p) => Object.keys(p.tasks)))].sort();
  const yAxis = parseYAxis(opts.y, tasks);
  const metric = yAxisInfo(yAxis);
  const direction = metric.direction;
  const includeIntermediate = opts.includeIntermediate ?? false;
  const warnings: string[] = [];

  // 3a. place every point on the axes; a point missing either value is excluded, with the reason.
  const points: ParetoPoint[] = raw.map((p) => ({ ...p, x: xOf(p, opts.x), y: yOf(p, yAxis) }));
  const excluded: Exclusion[] = [];
  const placed: PlacedPoint[] = [];
  for (const p of points) {
    if (p.x === null || p.y === null) excluded.push({ id: p.id, name: p.name, reason: missingReason(p.x, p.y, opts.x, yAxis, p.kind) });
    else placed.push(p as PlacedPoint);
  }
  if (excluded.length) {
    const noun = points.some((p) => p.kind === 'reference') ? 'points' : points.length === 1 ? 'run' : 'runs';
    warnings.push(`${excluded.length} of ${points.length} ${noun} excluded: ${summarizeReasons(excluded)}`);
  }
  if (placed.length === 0) {
    throw new UserError(
      `no run can be placed on --x ${opts.x} / --y ${yAxis}: all ${points.length} excluded (${summarizeReasons(excluded)})`,
    );
  }

  // 3b. aggregate over seeds; 3c. frontiers over the aggregates that count.
  const aggregates = aggregate(placed);
  const counts = (a: Aggregate): boolean => a.kind !== 'intermediate' || includeIntermediate;
  const xy = (a: Aggregate) => ({ x: a.x.mean, y: a.y.mean, a });
  const recipes = [...new Set(aggregates.map((a) => a.recipe))].sort();
  const recipeFrontiers: Record<string, string[]> = {};
  const curves = new Map<string, RecipeCurve>();
  for (const recipe of recipes) {
    const own = aggregates.filter((a) => a.recipe === recipe && counts(a)).map(xy);
    const front = paretoFrontier(own, direction);
    for (const f of front) f.a.onRecipeFrontier = true;
    recipeFrontiers[recipe] = front.map((f) => f.a.key);
    // 3d. the saturating fit, on every counted run of the recipe (seeds as replicates, not their means).
    const runs = placed.filter((p) => p.recipe === recipe && (p.kind !== 'intermediate' || includeIntermediate));
    curves.set(recipe, { recipe, points: own.map(({ x, y }) => ({ x, y })), fit: runs.length ? fitSaturating(recipe, runs, metric) : null });
  }
  const overall = paretoFrontier(aggregates.filter(counts).map(xy), direction);
  for (const f of overall) f.a.onOverallFrontier = true;

  // 3e. speedups vs the baseline.
  let baseline: string | null = opts.baseline ?? (recipes.includes(DEFAULT_BASELINE) ? DEFAULT_BASELINE : null);
  if (opts.baseline && !recipes.includes(opts.baseline)) {
    throw new UserError(`--baseline '${opts.baseline}' is not a recipe in these results${didYouMean(opts.baseline, recipes)}; recipes: ${recipes.join(', ')}`);
  }
  let speeds: ParetoReport['speedups'] = [];
  const baseCurve = baseline ? curves.get(baseline) : undefined;
  if (baseline && baseCurve && baseCurve.points.length) {
    const others = recipes.filter((r) => r !== baseline).map((r) => curves.get(r)!).filter((c) => c.points.length);
    // a level the baseline holds at zero cost (its random-init point) has no speedup to give
    const levels = strictFrontier(baseCurve.points, direction).filter((p) => p.x > 0).map((p) => p.y);
    speeds = speedups(baseCurve, others, levels, opts.levels ?? [], metric);
    // the headline's interval: a bootstrap over each point's seeds
    const runsOf = new Map<string, PlacedPoint[]>();
    for (const p of placed) runsOf.set(aggregateKey(p), [...(runsOf.get(aggregateKey(p)) ?? []), p]);
    const groupsOf = (recipe: string): SeedGroups =>
      aggregates.filter((a) => a.recipe === recipe && counts(a)).map((a) => (runsOf.get(a.key) ?? []).map(({ x, y }) => ({ x, y })));
    for (const sp of speeds) {
      if (sp.atBaselineBest && sp.speedupInterp !== null) sp.interval = headlineInterval(groupsOf(baseline), groupsOf(sp.recipe), metric);
    }
    if (!levels.length) {
      warnings.push(`no speedups at ${baseline}'s values: none of its pretrained runs is better than its random-init point on ${yAxis}`);
    }
  } else if (baseline) {
    warnings.push(`baseline '${baseline}' has no full-schedule runs to compare against`);
    baseline = null;
  } else if (recipes.length > 1) {
    warnings.push(`no baseline: no recipe named '${DEFAULT_BASELINE}'; choose one with --baseline RECIPE for speedups`);
  }
  const intermediates = aggregates.filter((a) => a.kind === 'intermediate').length;
  if (intermediates && !includeIntermediate) {
    warnings.push(`${intermediates} intermediate-checkpoint point${intermediates === 1 ? '' : 's'} drawn but not counted in frontiers (add --intermediate to count them)`);
  }

  return {
    schemaVersion: 1,
    sweep: opts.sweep,
    x: opts.x,
    y: yAxis,
    yDirection: direction,
    baseline,
    includeIntermediate,
    recipes,
    tasks,
    points,
    excluded,
    aggregates,
    recipeFrontiers,
    overallFrontier: overall.map((f) => f.a.key),
    fits: [...curves.values()].flatMap((c) => (c.fit ? [c.fit] : [])),
    speedups: speeds,
    rules: opts.rules ?? [],
    warnings,
  };
}

function summarizeReasons(excluded: readonly Exclusion[]): string {
  const counts = new Map<string, number>();
  for (const e of excluded) counts.set(e.reason, (counts.get(e.reason) ?? 0) + 1);
  return [...counts].map(([reason, n]) => `${n} with ${reason}`).join(', ');
}
