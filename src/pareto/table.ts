/**
 * Stage 4 (text): the terminal tables — each recipe's Pareto frontier with 95% CIs, the speedups vs the
 * baseline, and the curve fits. Plain text (no colour codes) so it reads the same in a log file.
 */
import Table from 'cli-table3';
import { xDisplayScale, type DisplayScale } from './axes.js';
import { legendOrder } from './chart/data.js';
import { configDiff } from './configDiff.js';
import { fmtScore } from './interpolate.js';
import type { Aggregate, ParetoReport, Reach, Speedup, Stat } from './types.js';

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

export function displayScaleOf(report: ParetoReport): DisplayScale {
  return xDisplayScale(report.x, Math.max(...report.aggregates.map((a) => a.x.mean)));
}

/** The frontier table; above it, the config keys every shown measured row shares ("common: …"). */
export function frontierTable(report: ParetoReport): string {
  const s = displayScaleOf(report);
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
    head: ['recipe', configHead, 'seeds', `${report.x === 'hours' ? 'time' : report.x} (${s.unit}) [95% CI]`, `${report.y} ×100 [95% CI]`, 'overall'],
    style: style(),
  });
  for (const a of shown) {
    t.push([
      a.recipe + (a.kind === 'reference' ? ' (ref)' : a.kind === 'intermediate' ? ' (ckpt)' : ''),
      (a.kind === 'reference' ? '' : diff.label(a.config)) || '–',
      String(a.x.n),
      fmtStat(a.x, (v) => fmtX(v, s)),
      fmtStat(a.y, fmtScore),
      a.onOverallFrontier ? 'frontier' : '',
    ]);
  }
  return (diff.common ? `common: ${diff.common}\n` : '') + t.toString();
}

export function speedupTable(report: ParetoReport): string | null {
  if (!report.baseline || !report.speedups.length) return null;
  const s = displayScaleOf(report);
  const unit = `(${s.unit})`;
  const t = new Table({
    head: ['recipe', 'level ×100', `${report.baseline} ${unit}`, `recipe ${unit}`, 'speedup', `${report.baseline} fit ${unit}`, `recipe fit ${unit}`, 'speedup (fit)'],
    style: style(),
  });
  for (const sp of report.speedups) {
    t.push([
      sp.recipe,
      `${fmtScore(sp.level)}${sp.levelSource === 'chosen' ? ' (chosen)' : ''}`,
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

/** One line per recipe: the fitted curve in display units, or why there is none. */
export function fitLines(report: ParetoReport): string[] {
  const s = displayScaleOf(report);
  return report.fits.map((f) => {
    if (!f.ok) return `  ${f.recipe}: no fit (${f.reason})`;
    const c3 = f.c3 / s.factor;
    return (
      `  ${f.recipe}: y = ${fmtScore(f.c1)} − ${fmtScore(f.c2)}·exp(−(${fmtNumber(c3)}·t)^${f.c4.toFixed(2)})  ` +
      `t in ${s.unit}; R² ${f.rSquared.toFixed(3)}, RMSE ${fmtScore(f.rmse)}, ${f.n} runs`
    );
  });
}

/** Everything `mbench pareto` prints on stdout. */
export function reportText(report: ParetoReport): string {
  const lines: string[] = [];
  const what = `${report.y === 'score' ? 'average score' : report.y} vs ${report.x}`;
  lines.push(`Pareto frontier per recipe (${what}${report.sweep ? `, sweep ${report.sweep}` : ''}); 'frontier' = on the frontier over all recipes`);
  lines.push(frontierTable(report));
  const sp = speedupTable(report);
  if (sp) {
    lines.push('');
    lines.push(`Speedup vs ${report.baseline}: ${report.baseline}'s cost to reach each level ÷ the recipe's (interpolated along frontiers, and from fitted curves)`);
    lines.push(sp);
  }
  const fitted = report.fits.filter((f) => f.ok);
  const unfitted = report.fits.filter((f) => !f.ok);
  if (fitted.length) {
    lines.push('');
    lines.push('Fitted curves y = c1 − c2·exp(−(c3·t)^c4) (scores ×100):');
    lines.push(...fitLines({ ...report, fits: fitted }));
  }
  if (unfitted.length) {
    lines.push('');
    lines.push(`No curve fit for ${unfitted.map((f) => `${f.recipe} (${f.ok ? '' : f.reason})`).join(', ')}.`);
  }
  return lines.join('\n') + '\n';
}
