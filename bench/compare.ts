/**
 * The regression check: does each kernel, calibrated against the plain matmul of its own run, take longer
 * than it did in the baseline — by more than the threshold and beyond the noise of the samples?
 *
 * Per case we have one calibrated ratio per round in the baseline and in the current run. On log-ratios the
 * Hodges–Lehmann estimate gives the change, and Moses' interval its uncertainty (stats.ts). A case is
 *   slower — the whole confidence interval of the change lies above +threshold;
 *   faster — the whole interval lies below −threshold (as a ratio: below 1/(1+threshold));
 *   same   — otherwise: within the threshold, or too noisy to tell.
 * Requiring the interval (not just the point estimate) to clear the threshold keeps a noisy, shared machine
 * from failing CI on an unchanged tree, while a real 2× slowdown clears any threshold below 100%.
 */
import { hodgesLehmannShift } from './stats.js';
import type { CaseResult } from './types.js';

export type Verdict = 'faster' | 'same' | 'slower';

export type CaseComparison =
  | {
      state: 'compared';
      name: string;
      baselineRatio: number;
      currentRatio: number;
      /** Estimated relative change of the calibrated time: +0.25 = 25% slower. */
      change: number;
      /** Confidence interval of `change`. */
      changeLow: number;
      changeHigh: number;
      verdict: Verdict;
    }
  /** Completed in the baseline, failed now: counts as a regression. */
  | { state: 'errored'; name: string; error: string }
  /** Not in the baseline (or failed there): nothing to compare against. */
  | { state: 'new'; name: string };

export interface Comparison {
  threshold: number;
  confidence: number;
  cases: CaseComparison[];
  /** Baseline cases this run did not measure (filtered out or removed). */
  notRun: string[];
  /** True when any case is slower or errored: the check fails. */
  regressed: boolean;
}

export interface ShiftVerdict {
  change: number;
  changeLow: number;
  changeHigh: number;
  verdict: Verdict;
}

/**
 * Judges current per-round ratios against baseline ones. `threshold` is a fraction (0.1 = 10%).
 */
export function judgeRatios(
  baselineRatios: readonly number[],
  currentRatios: readonly number[],
  threshold: number,
  confidence: number,
): ShiftVerdict {
  if (!(threshold >= 0)) throw new Error(`threshold must be ≥ 0, got ${threshold}`);
  for (const r of [...baselineRatios, ...currentRatios]) if (!(r > 0) || !Number.isFinite(r)) throw new Error(`ratio ${r} is not a positive number`);
  const est = hodgesLehmannShift(baselineRatios.map(Math.log), currentRatios.map(Math.log), confidence);
  const limit = Math.log1p(threshold);
  const verdict: Verdict = est.low > limit ? 'slower' : est.high < -limit ? 'faster' : 'same';
  return { change: Math.expm1(est.shift), changeLow: Math.expm1(est.low), changeHigh: Math.expm1(est.high), verdict };
}

export function compareResults(
  baseline: readonly CaseResult[],
  current: readonly CaseResult[],
  options: { threshold: number; confidence: number },
): Comparison {
  const byName = new Map(baseline.map((c) => [c.name, c]));
  const cases: CaseComparison[] = [];
  for (const now of current) {
    const before = byName.get(now.name);
    if (!before || before.state !== 'completed') {
      cases.push({ state: 'new', name: now.name });
    } else if (now.state === 'errored') {
      cases.push({ state: 'errored', name: now.name, error: now.error });
    } else {
      const judged = judgeRatios(before.samples.roundRatios, now.samples.roundRatios, options.threshold, options.confidence);
      cases.push({ state: 'compared', name: now.name, baselineRatio: before.ratioToCalibration, currentRatio: now.ratioToCalibration, ...judged });
    }
  }
  const measured = new Set(current.map((c) => c.name));
  const notRun = baseline.filter((c) => !measured.has(c.name)).map((c) => c.name);
  const regressed = cases.some((c) => c.state === 'errored' || (c.state === 'compared' && c.verdict === 'slower'));
  return { threshold: options.threshold, confidence: options.confidence, cases, notRun, regressed };
}
