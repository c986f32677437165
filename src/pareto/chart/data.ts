/**
 * Stage 4a: the report's aggregates as flat chart rows in display units (x in the chosen time unit, scores
 * and accuracy ×100, loss in nats), so the Vega-Lite specs only map fields to marks.
 */
import { xDisplayScale, yAxisInfo, type DisplayScale } from '../axes.js';
import { clamp, drawRange, type DrawRange } from './domain.js';
import type { Aggregate, ParetoReport, PointKind, Stat } from '../types.js';

export const KIND_LABEL: Record<PointKind, string> = {
  run: 'full schedule',
  intermediate: 'intermediate checkpoint',
  'random-init': 'random init',
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
  /** The true 95% CI ends (tooltips); equal to y when there is one seed. */
  yLo: number;
  yHi: number;
  /** The band / error bar as drawn: the CI clamped to the plotted y range. */
  bandLo: number;
  bandHi: number;
  /** The time (x) CI as drawn: never below zero; equal to x with one seed. */
  xLo: number;
  xHi: number;
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
  /** The main chart's y range (from points and rules, with headroom). */
  yRange: DrawRange;
  /** Each task panel's y range. */
  taskRanges: Record<string, DrawRange>;
}

const round = (v: number): number => Number(v.toPrecision(6));

/** Mean and CI ends of `s` in display units (× `factor`). */
function band(s: Stat, factor: number): { y: number; yLo: number; yHi: number } {
  return { y: round(s.mean * factor), yLo: round((s.ciLow ?? s.mean) * factor), yHi: round((s.ciHigh ?? s.mean) * factor) };
}

/** Task panels are fine-tuning scores, whatever the main chart's y. */
const TASK_SCORE = yAxisInfo('score');

/** Recipes in legend order: the baseline, then measured recipes, then reference-only ones (alphabetical). */
export function legendOrder(report: Pick<ParetoReport, 'recipes' | 'aggregates' | 'baseline'>): string[] {
  const measured = new Set(report.aggregates.filter((a) => a.kind !== 'reference').map((a) => a.recipe));
  const rank = (r: string) => (r === report.baseline ? 0 : measured.has(r) ? 1 : 2);
  return [...report.recipes].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function chartData(report: ParetoReport): ChartData {
  const maxX = Math.max(...report.aggregates.map((a) => a.x.mean));
  const scale = xDisplayScale(report.x, maxX);
  const toX = (v: number | null, fallback: number) => round(Math.max(0, (v ?? fallback) * scale.factor));
  const base = (a: Aggregate) => ({
    recipe: a.recipe,
    kind: KIND_LABEL[a.kind],
    series: a.kind === 'reference' ? `${a.recipe} (reference)` : a.recipe,
    config: a.configKey,
    n: a.x.n,
    x: round(a.x.mean * scale.factor),
    xLo: toX(a.x.ciLow, a.x.mean),
    xHi: toX(a.x.ciHigh, a.x.mean),
    recipeFrontier: a.onRecipeFrontier,
    overallFrontier: a.onOverallFrontier,
  });
  const yAxis = yAxisInfo(report.y);
  const rules = report.rules.map((r) => ({ label: r.label, y: round(r.y * yAxis.factor) }));
  const rawRows = report.aggregates.map((a) => ({ ...base(a), ...band(a.y, yAxis.factor) }));
  const yRange = rangeOf(rawRows, rules.map((r) => r.y), yAxis.valid);
  const rows = rawRows.map((r) => clampBand(r, yRange));
  const rawTaskRows = report.aggregates.flatMap((a) =>
    Object.entries(a.tasks).map(([task, s]) => ({ ...base(a), task, ...band(s, TASK_SCORE.factor) })),
  );
  const taskRanges: Record<string, DrawRange> = {};
  for (const task of new Set(rawTaskRows.map((r) => r.task))) {
    taskRanges[task] = rangeOf(rawTaskRows.filter((r) => r.task === task), [], TASK_SCORE.valid);
  }
  const taskRows = rawTaskRows.map((r) => clampBand(r, taskRanges[r.task]!));
  return { scale, recipes: legendOrder(report), rows, taskRows, rules, yRange, taskRanges };
}

/** The y range of some rows: from their means (and `extra` values such as rules), bands within reach. */
function rangeOf(rows: readonly { y: number; yLo: number; yHi: number; n: number }[], extra: readonly number[], valid: readonly [number, number]): DrawRange {
  const ends = rows.filter((r) => r.n > 1).flatMap((r) => [r.yLo, r.yHi]);
  return drawRange([...rows.map((r) => r.y), ...extra], ends, valid);
}

function clampBand<T extends { yLo: number; yHi: number }>(r: T, range: DrawRange): T & { bandLo: number; bandHi: number } {
  return { ...r, bandLo: clamp(r.yLo, range.lo, range.hi), bandHi: clamp(r.yHi, range.lo, range.hi) };
}
