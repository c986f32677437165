/**
 * Summary statistics over pretraining seeds: mean, sample standard deviation, and the two-sided 95%
 * confidence interval of the mean with Student's t distribution (small n, unknown variance):
 *
 *   mean ± t_{1−α/2, n−1} · s / √n,   s² = Σ(xᵢ − mean)² / (n − 1)
 *
 * (Student 1908; e.g. NIST/SEMATECH e-Handbook of Statistical Methods §7.2.2.1). The t quantile comes from
 * stdlib's Student-t quantile (inverse regularized incomplete beta), not a table.
 */
import tQuantileOf from '@stdlib/stats-base-dists-t-quantile';
import type { Stat } from './types.js';

/** Two-sided confidence level used for every interval mbench reports. */
export const CONFIDENCE = 0.95;

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation (Bessel's n − 1); null for fewer than two values. */
export function sampleSd(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (values.length - 1));
}

/** t_{p, dof}: the p-quantile of Student's t with `dof` degrees of freedom. */
export function tQuantile(p: number, dof: number): number {
  return tQuantileOf(p, dof);
}

/** Half-width of the two-sided `confidence` interval of the mean: t_{1−α/2, n−1} · sd / √n. */
export function ciHalfWidth(sd: number, n: number, confidence = CONFIDENCE): number {
  return tQuantile(1 - (1 - confidence) / 2, n - 1) * (sd / Math.sqrt(n));
}

/** Mean, sd and 95% CI of `values` (non-empty). With one value the spread is unknown: sd and CI are null. */
export function describe(values: readonly number[], confidence = CONFIDENCE): Stat {
  if (values.length === 0) throw new Error('describe() needs at least one value');
  const m = mean(values);
  const sd = sampleSd(values);
  if (sd === null) return { n: values.length, mean: m, sd: null, ciLow: null, ciHigh: null };
  const h = ciHalfWidth(sd, values.length, confidence);
  return { n: values.length, mean: m, sd, ciLow: m - h, ciHigh: m + h };
}
