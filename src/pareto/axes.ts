/**
 * The axes `mbench pareto` can plot: what a point costs (x: --x) and what it buys (y: --y).
 * Units are fixed in the data (hours, USD, tokens, FLOPs; scores and accuracy as fractions, loss in nats);
 * charts and tables pick a readable display unit (seconds or minutes for short runs, ×100 for scores and
 * accuracy). Each y axis carries its direction (./direction.ts): the analysis asks it, never the axis name.
 */
import { UserError, didYouMean } from '../errors.js';
import { fmtScore, type YMetric } from './direction.js';
import { asFraction } from './reference.js';
import { X_AXES, type XAxis, type ParetoPoint, type PointKind } from './types.js';

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

/**
 * The held-out MLM axes: masked-token loss and accuracy on held-out text at 15% masking, measured right after
 * pretraining (summary.json `pretrain.evalLoss` / `evalAccuracy`). At micro scale they measure pretraining
 * where fine-tuning scores barely move.
 */
export const MLM_Y_AXES = ['mlm-accuracy', 'mlm-loss'] as const;
export type MlmYAxis = (typeof MLM_Y_AXES)[number];

/** Everything the stages need to know about a y axis beyond its values. */
export interface YAxisInfo extends YMetric {
  name: string;
  /** Running text: 'average score', 'held-out MLM loss'. */
  label: string;
  /** Chart headings: 'Score', 'Held-out MLM loss'. */
  heading: string;
  /** Chart axis title, with the display unit. */
  title: string;
  /** Short form with the display unit, for table heads and tooltips: 'score ×100', 'MLM loss (nats)'. */
  short: string;
  /** The display unit after a word: 'level ×100', 'level %', 'level (nats)'. */
  unitSuffix: string;
  /** How values are printed, in running text: 'scores ×100', 'loss in nats'. */
  valuesNote: string;
  /** A value with its unit, for sentences: '45.00', '36.94%', '2.938 nats'. */
  withUnit(v: number): string;
  /** Display value = value × factor (charts). */
  factor: number;
  /** d3-format of a display value in tooltips. */
  tooltipFormat: string;
  /** The display values the metric can take; charts never draw beyond them. */
  valid: readonly [number, number];
  /** A --level or --rule value as typed → the axis's own units (scores and accuracy also take percentages). */
  fromUser(v: number): number;
}

const MLM_Y_AXIS_INFO: Record<MlmYAxis, YAxisInfo> = {
  'mlm-accuracy': {
    name: 'mlm-accuracy',
    direction: 'higher',
    format: fmtScore,
    label: 'held-out MLM accuracy',
    heading: 'Held-out MLM accuracy',
    title: 'Held-out MLM accuracy (%)',
    short: 'MLM accuracy %',
    unitSuffix: '%',
    valuesNote: 'accuracy in %',
    withUnit: (v) => `${fmtScore(v)}%`,
    factor: 100,
    tooltipFormat: '.2f',
    valid: [0, 100],
    fromUser: asFraction,
  },
  'mlm-loss': {
    name: 'mlm-loss',
    direction: 'lower',
    format: (v) => v.toFixed(3),
    label: 'held-out MLM loss',
    heading: 'Held-out MLM loss',
    title: 'Held-out MLM loss (nats; lower is better)',
    short: 'MLM loss (nats)',
    unitSuffix: '(nats)',
    valuesNote: 'loss in nats',
    withUnit: (v) => `${v.toFixed(3)} nats`,
    factor: 1,
    tooltipFormat: '.3f',
    valid: [0, Infinity],
    fromUser: (v) => v,
  },
};

export const isMlmAxis = (name: string): name is MlmYAxis => (MLM_Y_AXES as readonly string[]).includes(name);

/** The description of --y `name`: score, a held-out MLM axis, or (any other name) a task's score. */
export function yAxisInfo(name: string): YAxisInfo {
  if (isMlmAxis(name)) return MLM_Y_AXIS_INFO[name];
  const score = name === 'score';
  return {
    name,
    direction: 'higher',
    format: fmtScore,
    label: score ? 'average score' : name,
    heading: score ? 'Score' : `${name} score`,
    title: score ? 'Average fine-tuning score (×100)' : `${name} score (×100)`,
    short: score ? 'score ×100' : `${name} ×100`,
    unitSuffix: '×100',
    valuesNote: 'scores ×100',
    withUnit: fmtScore,
    factor: 100,
    tooltipFormat: '.2f',
    // Matthews correlation can be negative; nothing exceeds 1
    valid: [-100, 100],
    fromUser: asFraction,
  };
}

/** --y is `score` (the average over tasks), `mlm-accuracy`, `mlm-loss`, or one task's name as found in the runs. */
export function parseYAxis(value: string, tasks: readonly string[]): string {
  if (value === 'score' || isMlmAxis(value) || tasks.includes(value)) return value;
  const known = ['score', ...MLM_Y_AXES, ...tasks];
  throw new UserError(
    `--y '${value}' is neither 'score' nor a task found in the runs, nor a held-out MLM axis${didYouMean(value, known)}; use one of: ${known.join(', ')}`,
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
  if (axis === 'mlm-accuracy') return p.mlmAccuracy;
  if (axis === 'mlm-loss') return p.mlmLoss;
  return p.tasks[axis] ?? null;
}

/** What the missing value is called in an exclusion message. */
export function missingReason(x: number | null, y: number | null, xAxis: XAxis, yAxis: string, kind: PointKind = 'run'): string {
  const parts: string[] = [];
  if (y === null) {
    if (isMlmAxis(yAxis)) parts.push(kind === 'reference' ? 'reference rows have no MLM evaluation' : 'no held-out MLM evaluation');
    else parts.push(yAxis === 'score' ? 'no average score (not fine-tuned?)' : `no score for task '${yAxis}'`);
  }
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
