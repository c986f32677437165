/**
 * Which way is better on the y axis: scores and accuracies are "higher is better", losses "lower is better".
 * Every comparison of two y values in the analysis (frontier, interpolation, fits, speedups) goes through the
 * few functions here, so no stage flips signs on its own and a new axis only has to name its direction.
 */
export type Direction = 'higher' | 'lower';

/** Whether `a` is strictly better than `b`. */
export const isBetter = (d: Direction, a: number, b: number): boolean => (d === 'higher' ? a > b : a < b);

/** Whether `y` has reached `level`: as good as it or better. */
export const reaches = (d: Direction, y: number, level: number): boolean => (d === 'higher' ? y >= level : y <= level);

/** Sort comparator: better values first. */
export const betterFirst =
  (d: Direction) =>
  (a: number, b: number): number =>
    d === 'higher' ? b - a : a - b;

/** What the pure analysis needs to know about a y metric: which way is better and how to print a value. */
export interface YMetric {
  direction: Direction;
  /** A value (or a difference of values, e.g. an RMSE) in the metric's display units, for tables and reasons. */
  format(v: number): string;
}

/** Scores print ×100 like GLUE tables. */
export const fmtScore = (y: number): string => (y * 100).toFixed(2);

/** Fine-tuning scores (the default y): fractions, higher is better, shown ×100. */
export const SCORE_METRIC: YMetric = { direction: 'higher', format: fmtScore };
