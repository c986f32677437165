/**
 * CSV export: runs.csv (every run, included or not, with why not) and aggregates.csv (one row per recipe ×
 * configuration: mean, sd and 95% CI over seeds, frontier flags, per-task and held-out MLM stats). Numbers are
 * written in full precision (JavaScript's shortest round-tripping form) in their own units (hours, USD,
 * scores and accuracy as fractions, loss in nats), missing values as empty cells. `x_axis`/`y_axis` name what
 * `x`/`y` are and `y_direction` which way is better; `kind` is run, intermediate, random-init or reference (a
 * random-init row has x = 0).
 */
import { stringify } from 'csv-stringify/sync';
import type { Exporter, OutputFile } from './exporter.js';
import type { ParetoReport, Stat } from '../types.js';

type Cell = string | number | boolean | null;

const cast = { boolean: (v: boolean) => (v ? 'true' : 'false'), number: (v: number) => String(v) };

function table(rows: Record<string, Cell>[], columns: string[]): string {
  return stringify(rows, { header: true, columns, cast });
}

export function runsCsv(report: ParetoReport): string {
  const excluded = new Map(report.excluded.map((e) => [e.id, e.reason]));
  const taskCols = report.tasks.map((t) => `task_${t}`);
  const columns = [
    'kind', 'sweep', 'id', 'name', 'recipe', 'config', 'seed', 'hours', 'cost_usd', 'tokens', 'flops', 'score', ...taskCols,
    'mlm_loss', 'mlm_accuracy', 'x_axis', 'x', 'y_axis', 'y_direction', 'y', 'included', 'excluded_reason',
  ];
  const rows = report.points.map((p) => {
    const row: Record<string, Cell> = {
      kind: p.kind,
      sweep: p.sweep,
      id: p.id,
      name: p.name,
      recipe: p.recipe,
      config: p.configKey,
      seed: p.seed,
      hours: p.hours,
      cost_usd: p.costUsd,
      tokens: p.tokens,
      flops: p.flops,
      score: p.score,
      mlm_loss: p.mlmLoss,
      mlm_accuracy: p.mlmAccuracy,
      x_axis: report.x,
      x: p.x,
      y_axis: report.y,
      y_direction: report.yDirection,
      y: p.y,
      included: !excluded.has(p.id),
      excluded_reason: excluded.get(p.id) ?? null,
    };
    for (const t of report.tasks) row[`task_${t}`] = p.tasks[t] ?? null;
    return row;
  });
  return table(rows, columns);
}

const STAT_FIELDS = ['mean', 'sd', 'ci_low', 'ci_high'] as const;
const statCells = (prefix: string, s: Stat | null | undefined): Record<string, Cell> => ({
  [`${prefix}_mean`]: s?.mean ?? null,
  [`${prefix}_sd`]: s?.sd ?? null,
  [`${prefix}_ci_low`]: s?.ciLow ?? null,
  [`${prefix}_ci_high`]: s?.ciHigh ?? null,
});

export function aggregatesCsv(report: ParetoReport): string {
  const statCols = (prefix: string) => STAT_FIELDS.map((f) => `${prefix}_${f}`);
  const columns = [
    'kind', 'recipe', 'config', 'n', 'seeds', 'run_ids',
    'x_axis', ...statCols('x'), 'y_axis', 'y_direction', ...statCols('y'), ...statCols('hours'),
    'on_recipe_frontier', 'on_overall_frontier',
    ...report.tasks.flatMap((t) => statCols(`task_${t}`)),
    ...statCols('mlm_loss'), ...statCols('mlm_accuracy'),
  ];
  const rows = report.aggregates.map((a) => {
    const row: Record<string, Cell> = {
      kind: a.kind,
      recipe: a.recipe,
      config: a.configKey,
      n: a.x.n,
      seeds: a.seeds.map((s) => (s === null ? '' : String(s))).join(' '),
      run_ids: a.runIds.join(' '),
      x_axis: report.x,
      ...statCells('x', a.x),
      y_axis: report.y,
      y_direction: report.yDirection,
      ...statCells('y', a.y),
      ...statCells('hours', a.hours),
      on_recipe_frontier: a.onRecipeFrontier,
      on_overall_frontier: a.onOverallFrontier,
    };
    for (const t of report.tasks) Object.assign(row, statCells(`task_${t}`, a.tasks[t]));
    Object.assign(row, statCells('mlm_loss', a.mlmLoss), statCells('mlm_accuracy', a.mlmAccuracy));
    return row;
  });
  return table(rows, columns);
}

export const csvExporter: Exporter = {
  format: 'csv',
  files: (ctx): OutputFile[] => [
    { name: 'runs.csv', data: runsCsv(ctx.report) },
    { name: 'aggregates.csv', data: aggregatesCsv(ctx.report) },
  ],
};
