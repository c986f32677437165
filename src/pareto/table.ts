/**
 * Stage 4 (text): the terminal tables — each recipe's Pareto frontier with 95% CIs, the speedups vs the
 * baseline, and the curve fits. Plain text (no colour codes) so it reads the same in a log file.
 */
import Table from 'cli-table3';
import { xDisplayScale, yAxisInfo, type DisplayScale } from './axes.js';
import { legendOrder } from './chart/data.js';
import { configDiff } from './config-diff.js';
import type { Aggregate, ParetoReport, PointKind, Reach, Speedup, SpeedupInterval, Stat } from './types.js';

/** How a frontier row's recipe cell names a point that is not a full-schedule run. */
const KIND_SUFFIX: Record<PointKind, string> = { run: '', intermediate: ' (ckpt)', 'random-init': ' (random-init)', reference: ' (ref)' };

/** No colour codes; no rule between rows (compact). */
const style = () => ({ head: [] as string[], border: [] as string[], compact: true });

/** 3 significant digits, no exponent for everyday magnitudes. */
export function fmtNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(2);
  return Number(v.toPrecision(3)).toString();
}

const fmtX = (v: number, s: DisplayScale): string => fmtNumber(v * s.factor);

function fmtStat(s: Stat, f: (v: number) => string): string {
  if (s.ciLow === null || s.ciHigh === null) return f(s.mean);
  return `${f(s.mean)} [${f(s.ciLow)}, ${f(s.ciHigh)}]`;
}

function fmtReach(r: Reach | null, s: DisplayScale): string {
  if (r === null) return '–';
  if (!r.reached) return r.reason;
  return `${r.bound === 'atMost' ? '≤ ' : ''}${fmtX(r.x, s)}${r.extrapolated ? ' (extrap.)' : ''}`;
}

function fmtSpeedup(v: number | null, bound: Speedup['speedupInterpBound'] | 'exact'): string {
  if (v === null) return '–';
  const prefix = bound === 'atLeast' ? '≥ ' : bound === 'atMost' ? '≤ ' : bound === 'unknown' ? '~ ' : '';
  return `${prefix}${v.toFixed(2)}×`;
}

/** "95% CI 0.91–1.60× over seeds": the headline's bootstrap interval, its ends spelled out when open. */
export function fmtInterval(i: SpeedupInterval): string {
  const low = i.low === 0 ? 'not reached' : `${i.low.toFixed(2)}×`;
  const high = i.high === null ? 'unbounded' : `${i.high.toFixed(2)}×`;
  const pct = Math.round(i.confidence * 100);
  const missed = i.notReached ? `; ${i.notReached} of ${i.replicates - i.withoutHeadline} draws never reach it` : '';
  return `${pct}% CI ${low} … ${high} (bootstrap over seeds${missed})`;
}

export function displayScaleOf(report: ParetoReport): DisplayScale {
  return xDisplayScale(report.x, Math.max(...report.aggregates.map((a) => a.x.mean)));
}

/** The frontier table; above it, the config keys every shown measured row shares ("common: …"). */
export function frontierTable(report: ParetoReport): string {
  const s = displayScaleOf(report);
  const y = yAxisInfo(report.y);
  const byKey = new Map(report.aggregates.map((a) => [a.key, a]));
  const shown = legendOrder(report).flatMap((recipe) => (report.recipeFrontiers[recipe] ?? []).map((key) => byKey.get(key) as Aggregate));
  // reference rows' only "config" is their time, already in the time column
  const measured = shown.filter((a) => a.kind !== 'reference');
  const diff = configDiff(
    measured.map((a) => a.config),
    measured.map((a) => a.recipe),
  );
  const configHead = diff.varying.length === 1 ? diff.varying[0]! : 'config';
  const t = new Table({
    head: ['recipe', configHead, 'seeds', `${report.x === 'hours' ? 'time' : report.x} (${s.unit}) [95% CI]`, `${y.short} [95% CI]`, 'overall'],
    style: style(),
  });
  for (const a of shown) {
    t.push([
      a.recipe + KIND_SUFFIX[a.kind],
      (a.kind === 'reference' ? '' : diff.label(a.config)) || '–',
      String(a.x.n),
      fmtStat(a.x, (v) => fmtX(v, s)),
      fmtStat(a.y, y.format),
      a.onOverallFrontier ? 'frontier' : '',
    ]);
  }
  return (diff.common ? `common: ${diff.common}\n` : '') + t.toString();
}

export function speedupTable(report: ParetoReport): string | null {
  if (!report.baseline || !report.speedups.length) return null;
  const s = displayScaleOf(report);
  const y = yAxisInfo(report.y);
  const unit = `(${s.unit})`;
  const t = new Table({
    head: ['recipe', `level ${y.unitSuffix}`, `${report.baseline} ${unit}`, `recipe ${unit}`, 'speedup', `${report.baseline} fit ${unit}`, `recipe fit ${unit}`, 'speedup (fit)'],
    style: style(),
  });
  for (const sp of report.speedups) {
    t.push([
      sp.recipe,
      `${y.format(sp.level)}${sp.levelSource === 'chosen' ? ' (chosen)' : sp.atBaselineBest ? ' (best)' : ''}`,
      fmtReach(sp.baselineInterp, s),
      fmtReach(sp.recipeInterp, s),
      fmtSpeedup(sp.speedupInterp, sp.speedupInterpBound),
      fmtReach(sp.baselineFit, s),
      fmtReach(sp.recipeFit, s),
      fmtSpeedup(sp.speedupFit, 'exact'),
    ]);
  }
  return t.toString();
}

/**
 * The headline: each recipe's speedup at the baseline's best value (the baseline's time to its best ÷ the
 * recipe's time to match it); no lines when there is no such row.
 */
export function headlineLines(report: ParetoReport): string[] {
  const y = yAxisInfo(report.y);
  const s = displayScaleOf(report);
  const rows = report.speedups.filter((sp) => sp.atBaselineBest);
  const first = rows[0];
  if (!first) return [];
  const at = `${report.baseline}'s best ${y.label} (${y.withUnit(first.level)}, reached at ${fmtReach(first.baselineInterp, s)} ${s.unit})`;
  return [
    `At ${at}:`,
    ...rows.map((sp) =>
      sp.speedupInterp === null
        ? `  ${sp.recipe}: no speedup (${sp.recipeInterp.reached ? 'reached at zero cost' : sp.recipeInterp.reason})`
        : `  ${sp.recipe}: ${fmtSpeedup(sp.speedupInterp, sp.speedupInterpBound)} faster (reaches it at ${fmtReach(sp.recipeInterp, s)} ${s.unit})` +
          (sp.interval ? `; ${fmtInterval(sp.interval)}` : '; no interval (it needs ≥ 2 pretraining seeds per point)') +
          (sp.speedupFit === null ? '' : `; from the fits ${fmtSpeedup(sp.speedupFit, 'exact')}`),
    ),
  ];
}

/** The fitted curve's formula for a direction: rising to c1 (− c2·…) or falling to it (+ c2·…). */
const fitFormula = (direction: ParetoReport['yDirection']): string => `y = c1 ${direction === 'lower' ? '+' : '−'} c2·exp(−(c3·t)^c4)`;

/** One line per recipe: the fitted curve in display units, or why there is none. */
export function fitLines(report: ParetoReport): string[] {
  const s = displayScaleOf(report);
  const y = yAxisInfo(report.y);
  return report.fits.map((f) => {
    if (!f.ok) return `  ${f.recipe}: no fit (${f.reason})`;
    const c3 = f.c3 / s.factor;
    const sign = (f.direction ?? 'higher') === 'lower' ? '+' : '−';
    return (
      `  ${f.recipe}: y = ${y.format(f.c1)} ${sign} ${y.format(f.c2)}·exp(−(${fmtNumber(c3)}·t)^${f.c4.toFixed(2)})  ` +
      `t in ${s.unit}; R² ${f.rSquared.toFixed(3)}, RMSE ${y.format(f.rmse)}, ${f.n} runs`
    );
  });
}

/** Everything `mbench pareto` prints on stdout. */
export function reportText(report: ParetoReport): string {
  const lines: string[] = [];
  const y = yAxisInfo(report.y);
  const what = `${y.label}${report.yDirection === 'lower' ? ' (lower is better)' : ''} vs ${report.x}`;
  lines.push(`Pareto frontier per recipe (${what}${report.sweep ? `, sweep ${report.sweep}` : ''}); 'frontier' = on the frontier over all recipes`);
  lines.push(frontierTable(report));
  const sp = speedupTable(report);
  if (sp) {
    lines.push('');
    lines.push(`Speedup vs ${report.baseline}: ${report.baseline}'s cost to reach each level ÷ the recipe's (interpolated along frontiers, and from fitted curves)`);
    lines.push(sp);
    lines.push(...headlineLines(report));
  }
  const fitted = report.fits.filter((f) => f.ok);
  const unfitted = report.fits.filter((f) => !f.ok);
  if (fitted.length) {
    lines.push('');
    lines.push(`Fitted curves ${fitFormula(report.yDirection)} (${y.valuesNote}):`);
    lines.push(...fitLines({ ...report, fits: fitted }));
  }
  if (unfitted.length) {
    lines.push('');
    lines.push(`No curve fit for ${unfitted.map((f) => `${f.recipe} (${f.ok ? '' : f.reason})`).join(', ')}.`);
  }
  return lines.join('\n') + '\n';
}
