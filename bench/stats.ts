/**
 * Robust statistics for kernel timings: medians and a distribution-free confidence interval for the shift
 * between two sample sets. Pure functions, no tfjs, pinned by exact-number tests
 * (test/bench/stats.test.ts).
 */

/** The median of `values` (mean of the two middle values for an even count). Throws on an empty array. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/**
 * The q-quantile (0 ≤ q ≤ 1) with linear interpolation between order statistics — Hyndman & Fan (1996),
 * "Sample quantiles in statistical packages", definition 7 (the default of R and NumPy).
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of an empty sample');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile level ${q} is outside [0, 1]`);
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Null distribution of the Mann–Whitney statistic U for sample sizes m and n (no ties): `p[u]` = P(U = u),
 * u = 0 … m·n. Recurrence of Mann & Whitney (1947), eq. (1), in probability form:
 *   p(m, n, u) = m/(m+n) · p(m−1, n, u−n) + n/(m+n) · p(m, n−1, u).
 * O(m·n·m·n) time; fine for the tens of rounds a benchmark has.
 */
export function mannWhitneyNullDistribution(m: number, n: number): Float64Array {
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 0 || n < 0) throw new Error(`bad sample sizes ${m}, ${n}`);
  // table[i][j] = distribution for sizes (i, j), built row by row keeping only rows i−1 and i.
  let prev: Float64Array[] = [];
  for (let i = 0; i <= m; i++) {
    const cur: Float64Array[] = [];
    for (let j = 0; j <= n; j++) {
      const dist = new Float64Array(i * j + 1);
      if (i === 0 || j === 0) dist[0] = 1;
      else {
        const fromI = prev[j]!; // sizes (i−1, j): the largest of all values came from the first sample → U += j
        const fromJ = cur[j - 1]!; // sizes (i, j−1)
        const wi = i / (i + j);
        const wj = j / (i + j);
        for (let u = 0; u < fromI.length; u++) dist[u + j]! += wi * fromI[u]!;
        for (let u = 0; u < fromJ.length; u++) dist[u]! += wj * fromJ[u]!;
      }
      cur.push(dist);
    }
    prev = cur;
  }
  return prev[n]!;
}

/**
 * The rank k of Moses' confidence interval: the largest k with P(U ≤ k−1) ≤ (1 − confidence)/2, so that
 * [D(k), D(mn+1−k)] over the sorted pairwise differences covers the shift with probability ≥ confidence.
 * Returns 0 when the samples are too small for any interval at this confidence.
 */
export function mosesRank(m: number, n: number, confidence: number): number {
  const alphaHalf = (1 - confidence) / 2;
  const dist = mannWhitneyNullDistribution(m, n);
  let cumulative = 0;
  let k = 0;
  // P(U ≤ k) accumulates; k+1 is admissible while P(U ≤ k) ≤ α/2. The 1e-12 absorbs float round-off.
  for (let u = 0; u < dist.length; u++) {
    cumulative += dist[u]!;
    if (cumulative <= alphaHalf + 1e-12) k = u + 1;
    else break;
  }
  return k;
}

export interface ShiftEstimate {
  /** Hodges–Lehmann estimate: the median of all pairwise differences b − a. */
  shift: number;
  /** Lower and upper end of the confidence interval for the shift; ±Infinity when the samples are too few. */
  low: number;
  high: number;
  confidence: number;
}

/**
 * Shift of sample `b` relative to sample `a` (b − a) with a distribution-free confidence interval:
 * the Hodges–Lehmann estimator (Hodges & Lehmann 1963) and Moses' interval from the order statistics of the
 * m·n pairwise differences (Moses 1965; Hollander & Wolfe, "Nonparametric Statistical Methods", 2nd ed., §4.3).
 * Assumes the two samples differ by a location shift; applied to log-times, the shift is a log-ratio.
 */
export function hodgesLehmannShift(a: readonly number[], b: readonly number[], confidence = 0.95): ShiftEstimate {
  if (a.length === 0 || b.length === 0) throw new Error('shift estimate needs two non-empty samples');
  const diffs: number[] = [];
  for (const y of b) for (const x of a) diffs.push(y - x);
  diffs.sort((p, q) => p - q);
  const k = mosesRank(a.length, b.length, confidence);
  return {
    shift: median(diffs),
    low: k >= 1 ? diffs[k - 1]! : -Infinity,
    high: k >= 1 ? diffs[diffs.length - k]! : Infinity,
    confidence,
  };
}
