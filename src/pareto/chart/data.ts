/**
 * Stage 4a: the report's aggregates as flat chart rows in display units (x in the chosen time unit, scores
 * ×100), so the Vega-Lite specs only map fields to marks.
 */
import { xDisplayScale, type DisplayScale } from '../axes.js';
import type { Aggregate, ParetoReport, PointKind, Stat } from '../types.js';

export const KIND_LABEL: Record<PointKind, string> = {
  run: 'full schedule',
  intermediate: 'intermediate checkpoint',
  reference: 'reference',
};

export interface ChartRow {
  recipe: string;
  kind: string;
  /** Connects a recipe's points into one line (reference rows get their own). */
  series: string;
  config: string;
  n: number;
  x: number;
  y: number;
  /** Band / error bar ends; equal to y when there is one seed. */
  yLo: number;
  yHi: number;
  recipeFrontier: boolean;
  overallFrontier: boolean;
}

export interface TaskRow extends ChartRow {
  task: string;
}

export interface ChartData {
  scale: DisplayScale;
  recipes: string[];
  rows: ChartRow[];
  taskRows: TaskRow[];
  rules: { label: string; y: number }[];
}

const round = (v: number): number => Number(v.toPrecision(6));

function band(s: Stat): { y: number; yLo: number; yHi: number } {
  return { y: round(s.mean * 100), yLo: round((s.ciLow ?? s.mean) * 100), yHi: round((s.ciHigh ?? s.mean) * 100) };
}

/** Recipes in legend order: the baseline, then measured recipes, then reference-only ones (alphabetical). */
export function legendOrder(report: ParetoReport): string[] {
  const measured = new Set(report.aggregates.filter((a) => a.kind !== 'reference').map((a) => a.recipe));
  const rank = (r: string) => (r === report.baseline ? 0 : measured.has(r) ? 1 : 2);
  return [...report.recipes].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function chartData(report: ParetoReport): ChartData {
  const maxX = Math.max(...report.aggregates.map((a) => a.x.mean));
  const scale = xDisplayScale(report.x, maxX);
  const base = (a: Aggregate) => ({
    recipe: a.recipe,
    kind: KIND_LABEL[a.kind],
    series: a.kind === 'reference' ? `${a.recipe} (reference)` : a.recipe,
    config: a.configKey,
    n: a.x.n,
    x: round(a.x.mean * scale.factor),
    recipeFrontier: a.onRecipeFrontier,
    overallFrontier: a.onOverallFrontier,
  });
  const rows = report.aggregates.map((a) => ({ ...base(a), ...band(a.y) }));
  const taskRows = report.aggregates.flatMap((a) =>
    Object.entries(a.tasks).map(([task, s]) => ({ ...base(a), task, ...band(s) })),
  );
  return {
    scale,
    recipes: legendOrder(report),
    rows,
    taskRows,
    rules: report.rules.map((r) => ({ label: r.label, y: round(r.y * 100) })),
  };
}
