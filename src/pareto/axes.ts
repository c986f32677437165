/**
 * The axes `mbench pareto` can plot: what a point costs (x: --x) and what it buys (y: --y).
 * Units are fixed in the data (hours, USD, tokens, FLOPs; scores as fractions); charts and tables pick a
 * readable display unit (seconds or minutes for short runs, ×100 for scores).
 */
import { UserError, didYouMean } from '../errors.js';
import { X_AXES, type XAxis, type ParetoPoint } from './types.js';

export interface XAxisInfo {
  title: string;
  /** Short unit for table headers. */
  unit: string;
}

export const X_AXIS_INFO: Record<XAxis, XAxisInfo> = {
  hours: { title: 'Pretraining time', unit: 'h' },
  cost: { title: 'Pretraining cost', unit: 'USD' },
  tokens: { title: 'Pretraining tokens', unit: 'tokens' },
  flops: { title: 'Pretraining compute', unit: 'FLOPs' },
};

export function parseXAxis(value: string): XAxis {
  if ((X_AXES as readonly string[]).includes(value)) return value as XAxis;
  throw new UserError(`--x '${value}' is not an axis${didYouMean(value, X_AXES)}; use one of: ${X_AXES.join(', ')}`);
}

/** --y is `score` (the average over tasks) or one task's name as found in the runs. */
export function parseYAxis(value: string, tasks: readonly string[]): string {
  if (value === 'score' || tasks.includes(value)) return value;
  const known = ['score', ...tasks];
  throw new UserError(
    `--y '${value}' is neither 'score' nor a task found in the runs${didYouMean(value, known)}; use one of: ${known.join(', ')}`,
  );
}

export function xOf(p: Omit<ParetoPoint, 'x' | 'y'>, axis: XAxis): number | null {
  switch (axis) {
    case 'hours':
      return p.hours;
    case 'cost':
      return p.costUsd;
    case 'tokens':
      return p.tokens;
    case 'flops':
      return p.flops;
  }
}

export function yOf(p: Omit<ParetoPoint, 'x' | 'y'>, axis: string): number | null {
  if (axis === 'score') return p.score;
  return p.tasks[axis] ?? null;
}

/** What the missing value is called in an exclusion message. */
export function missingReason(x: number | null, y: number | null, xAxis: XAxis, yAxis: string): string {
  const parts: string[] = [];
  if (y === null) parts.push(yAxis === 'score' ? 'no average score (not fine-tuned?)' : `no score for task '${yAxis}'`);
  if (x === null) parts.push(xAxis === 'cost' ? 'no cost (no price per device-hour)' : `no ${xAxis}`);
  return parts.join('; ');
}

/** A display scale for time: seconds, minutes or hours, whichever keeps the largest value readable. */
export interface DisplayScale {
  factor: number;
  /** d3-format for axis labels: SI prefixes (1.6M, 2G) for counts. */
  format?: string;
  unit: string;
  title: string;
}

export function xDisplayScale(axis: XAxis, maxValue: number): DisplayScale {
  if (axis === 'hours') {
    if (maxValue < 1 / 30) return { factor: 3600, unit: 's', title: 'Pretraining time (seconds)' };
    if (maxValue < 2) return { factor: 60, unit: 'min', title: 'Pretraining time (minutes)' };
    return { factor: 1, unit: 'h', title: 'Pretraining time (hours)' };
  }
  if (axis === 'cost') return { factor: 1, unit: 'USD', title: 'Pretraining cost (USD)' };
  if (axis === 'tokens') return { factor: 1, unit: 'tokens', title: 'Pretraining tokens seen', format: '~s' };
  return { factor: 1, unit: 'FLOPs', title: 'Pretraining compute (FLOPs)', format: '~s' };
}

export function yTitle(axis: string): string {
  return axis === 'score' ? 'Average fine-tuning score (×100)' : `${axis} score (×100)`;
}
