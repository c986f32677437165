/**
 * Stage 4a': what the charts draw, kept readable however wide the statistics are. With two pretraining seeds
 * the 95% CI is mean ± 12.71·s/√2, often wider than the whole metric; drawn as is, it sets the y axis to
 * ±800 and flattens every line. So the axes are set from the points (and reference rules) with a little
 * headroom, bands may reach a bounded distance beyond them, and anything further is clamped to the plot
 * (the report, tables, CSV and JSON keep the true intervals; only the drawing is clipped, and says so).
 */

/**
 * Scores (×100 in the charts) are fractions in [−1, 1]: Matthews correlation can be negative, nothing exceeds 1.
 * Other y axes bring their own range (../axes.ts `valid`: accuracy 0…100, loss 0…∞). Every axis is linear and
 * the x axis starts at zero, so random-init points (x = 0) need no special case; no scale here is logarithmic.
 */
export const SCORE_RANGE: readonly [number, number] = [-100, 100];

/** Headroom around the points: this fraction of their span, at least `MIN_HEADROOM` display units. */
export const HEADROOM = 0.08;
export const MIN_HEADROOM = 0.5;
/** How far beyond the points a CI band may still be drawn whole, as a fraction of the points' span. */
export const BAND_REACH = 0.25;

export interface DrawRange {
  lo: number;
  hi: number;
  /** Whether some band end lay outside [lo, hi] and was clamped. */
  clipped: boolean;
}

/**
 * The y range to plot: the points' extent, widened to take in band ends up to `BAND_REACH`·span beyond it,
 * plus headroom, within `valid`. `bandEnds` are the CI ends (null where a point has no interval).
 */
export function drawRange(
  points: readonly number[],
  bandEnds: readonly (number | null)[],
  valid: readonly [number, number] = SCORE_RANGE,
): DrawRange {
  const finite = points.filter(Number.isFinite);
  if (!finite.length) return { lo: valid[0], hi: Number.isFinite(valid[1]) ? valid[1] : valid[0] + 1, clipped: false };
  const pLo = Math.min(...finite);
  const pHi = Math.max(...finite);
  const span = Math.max(pHi - pLo, 2 * MIN_HEADROOM);
  const ends = bandEnds.filter((v): v is number => v !== null && Number.isFinite(v));
  const bLo = Math.min(pLo, ...ends);
  const bHi = Math.max(pHi, ...ends);
  const reachLo = Math.max(bLo, pLo - BAND_REACH * span);
  const reachHi = Math.min(bHi, pHi + BAND_REACH * span);
  const pad = Math.max(HEADROOM * (reachHi - reachLo), MIN_HEADROOM);
  // round outwards to a tick step so the frame ends on a label, then keep within the metric's range
  const step = tickStep((reachHi - reachLo + 2 * pad) / 8);
  const lo = Math.max(valid[0], tidy(Math.floor((reachLo - pad) / step) * step));
  const hi = Math.min(valid[1], tidy(Math.ceil((reachHi + pad) / step) * step));
  return { lo, hi, clipped: bLo < lo || bHi > hi };
}

/** The smallest of 1, 2, 5 × 10^k that is ≥ `raw`. */
export function tickStep(raw: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw * (1 - 1e-9))!;
}

/** Clamps v into [lo, hi]. */
export const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

const tidy = (v: number): number => Number(v.toPrecision(6));

/** The subtitle's note when a band was clipped. */
export const CLIPPED_NOTE = '95% CI bands clipped to the plot (true intervals in the tables, CSV and JSON).';
