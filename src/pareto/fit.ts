/**
 * A saturating learning curve fitted to y vs cost:
 *
 *   higher is better (scores, accuracy):  y(t) = c1 − c2 · exp(−(c3 · t)^c4)     rises to c1
 *   lower is better (loss):               y(t) = c1 + c2 · exp(−(c3 · t)^c4)     falls to c1
 *
 *   c1: asymptote, c2 ≥ 0: total gain, c3: 1/time scale, c4: shape; y(0) = c1 ∓ c2 (a random-init point)
 *
 * (a Weibull-type growth curve, as used for accuracy-vs-compute extrapolation, e.g. Domhan et al. 2015,
 * "Speeding up automatic hyperparameter optimization of deep neural networks by extrapolation of learning
 * curves", the `weibull` family). Least squares by Levenberg–Marquardt (ml-levenberg-marquardt) with the
 * analytical Jacobian, from a small grid of starts; t is scaled by its maximum so c3 starts near 1. A falling
 * curve is fitted as the rising curve of its mirror image −y (same residuals, so the same R² and RMSE), and
 * its asymptote is mirrored back: the only place the direction turns into a sign.
 */
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { isBetter, SCORE_METRIC, type Direction, type YMetric } from './direction.js';
import type { XY } from './frontier.js';
import type { FitResult, Reach, SaturatingFit } from './types.js';

/** Four parameters need at least five points to leave one degree of freedom for the fit's quality… */
export const MIN_FIT_POINTS = 5;
/** …spread over at least four distinct costs, or the curve's shape is not determined. */
export const MIN_FIT_COSTS = 4;
/** The least share of variance a fit must explain before its speedups are reported. */
export const MIN_FIT_R2 = 0.5;

export const saturating =
  (c1: number, c2: number, c3: number, c4: number, direction: Direction = 'higher') =>
  (t: number): number =>
    direction === 'higher' ? c1 - c2 * Math.exp(-Math.pow(c3 * t, c4)) : c1 + c2 * Math.exp(-Math.pow(c3 * t, c4));

export function fitSaturating(recipe: string, points: readonly XY[], metric: YMetric = SCORE_METRIC): FitResult {
  const direction = metric.direction;
  const mirror = direction === 'higher' ? 1 : -1;
  const pts = points
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && p.x >= 0)
    .map((p) => ({ x: p.x, y: mirror * p.y }));
  const n = pts.length;
  const distinct = new Set(pts.map((p) => p.x)).size;
  if (n < MIN_FIT_POINTS || distinct < MIN_FIT_COSTS) {
    return { recipe, ok: false, n, reason: `${n} run${n === 1 ? '' : 's'} at ${distinct} cost${distinct === 1 ? '' : 's'}; the fit needs ${MIN_FIT_POINTS} runs at ${MIN_FIT_COSTS} or more` };
  }
  const tMax = Math.max(...pts.map((p) => p.x));
  if (!(tMax > 0)) return { recipe, ok: false, n, reason: 'all points at zero cost' };
  const u = pts.map((p) => p.x / tMax);
  const y = pts.map((p) => p.y);
  const yMin = Math.min(...y);
  const yMax = Math.max(...y);
  if (yMax - yMin < 1e-9) return { recipe, ok: false, n, reason: 'its values do not vary, so there is no curve to fit' };
  const span = Math.max(yMax - yMin, 1e-6);

  // Parameters in scaled time: [c1, c2, k = c3·tMax, c4].
  const model = ([c1, c2, k, c4]: number[]) => saturating(c1!, c2!, k!, c4!);
  const jacobian =
    ([, c2, k, c4]: number[]) =>
    (t: number): number[] => {
      const kt = k! * t;
      const z = kt > 0 ? Math.pow(kt, c4!) : 0;
      const e = Math.exp(-z);
      return [1, -e, kt > 0 ? (c2! * e * c4! * z) / k! : 0, kt > 0 ? c2! * e * z * Math.log(kt) : 0];
    };

  let best: { p: number[]; sse: number; iterations: number } | null = null;
  for (const k0 of [0.5, 1, 3, 10]) {
    for (const c40 of [0.5, 1, 2]) {
      const c10 = yMax + 0.1 * span;
      const start = [c10, (c10 - yMin) / Math.exp(-Math.pow(k0 * Math.min(...u), c40)), k0, c40];
      try {
        const r = levenbergMarquardt({ x: u, y }, model, {
          initialValues: start,
          jacobianFunction: jacobian,
          minValues: [yMin - 10 * span, 0, 1e-6, 0.05],
          maxValues: [yMax + 100 * span, 1e3 * span + 10, 1e6, 20],
          maxIterations: 500,
          errorTolerance: 1e-20,
          damping: 1e-2,
        });
        if (Number.isFinite(r.parameterError) && (!best || r.parameterError < best.sse)) {
          best = { p: r.parameterValues, sse: r.parameterError, iterations: r.iterations };
        }
      } catch {
        /* a start that diverges is simply not the best one */
      }
    }
  }
  if (!best) return { recipe, ok: false, n, reason: 'least squares did not converge' };
  const [c1, c2, k, c4] = best.p as [number, number, number, number];
  const meanY = y.reduce((a, b) => a + b, 0) / n;
  const sst = y.reduce((a, v) => a + (v - meanY) ** 2, 0);
  const fit: SaturatingFit = {
    recipe,
    ok: true,
    direction,
    c1: mirror * c1,
    c2,
    c3: k / tMax,
    c4,
    n,
    rSquared: sst > 0 ? 1 - best.sse / sst : 1,
    rmse: Math.sqrt(best.sse / n),
    iterations: best.iterations,
  };
  // A curve that explains under half the variance (e.g. seeds scattered between two modes) would give
  // speedups that mean nothing: report it as a failed fit, with its quality, rather than use it.
  if (fit.rSquared < MIN_FIT_R2) {
    return { recipe, ok: false, n, reason: `poor fit (R² ${fit.rSquared.toFixed(2)} < ${MIN_FIT_R2}, RMSE ${metric.format(fit.rmse)}): no speedup from the fit` };
  }
  return fit;
}

/**
 * Cost at which the fitted curve reaches `level`, by inverting it: t = (−ln(g/c2))^(1/c4) / c3, where
 * g = |c1 − L| is the gain still to come at L. The curve only reaches levels short of its asymptote c1
 * (below it when rising, above it when falling); a time past the largest fitted cost is extrapolated.
 */
export function reachByFit(fit: SaturatingFit, level: number, maxObservedX: number, format: (v: number) => string = SCORE_METRIC.format): Reach {
  if (!isBetter(fit.direction ?? 'higher', fit.c1, level)) return { reached: false, reason: `never reaches it (fitted asymptote ${format(fit.c1)})` };
  const ratio = Math.abs(fit.c1 - level) / fit.c2;
  if (ratio >= 1) return { reached: true, x: 0, bound: 'atMost' }; // already at the level at t = 0
  const t = Math.pow(-Math.log(ratio), 1 / fit.c4) / fit.c3;
  return { reached: true, x: t, bound: 'exact', extrapolated: t > maxObservedX * 1.0000001 };
}
