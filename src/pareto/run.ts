/**
 * `runPareto`: the whole pipeline as one library call — load runs (+ reference points) → analyse → text
 * tables → exporters → files. `mbench pareto` is a thin wrapper; `mbench sweep --plot` calls it after a sweep.
 * All outputs are built in memory before anything is written, then each file is replaced atomically.
 */
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../results/atomic.js';
import { checkOutputFolder } from '../results/output-path.js';
import { DEFAULT_RESULTS_ROOT } from '../results/store.js';
import { analyse } from './analyse.js';
import { parseXAxis, yAxisInfo, type YAxisInfo } from './axes.js';
import { loadCurves, type RunCurve } from './curves.js';
import { EXPORTERS, ExportContext, PLOT_FORMATS, type ExportFormat, type OutputFile } from './export/index.js';
import { loadRuns } from './load.js';
import { loadReferenceCsv, parseRule } from './reference.js';
import { reportText } from './table.js';
import type { ParetoReport } from './types.js';

export interface RunParetoOptions {
  /** Results root (or one sweep's folder); default `results`. */
  resultsDir?: string;
  /** Sweep under resultsDir; default: the only one there. */
  sweep?: string;
  /** Recipe to compute speedups against; default `bert` when present. */
  baseline?: string;
  /** hours | cost | tokens | flops; default hours. */
  x?: string;
  /** score | mlm-accuracy | mlm-loss | <task>; default score. */
  y?: string;
  /** CSV of reference points: recipe,time,score[,seed,cost]. */
  reference?: string;
  /** Reference rules, "Label=0.803" (on --y mlm-loss: "Label=2.1", nats). */
  rules?: string[];
  /** Extra y levels to time each recipe at: scores and accuracy as fractions (or percentages > 1.5), loss in nats. */
  levels?: number[];
  /** Count intermediate checkpoints in frontiers, fits and speedups. */
  includeIntermediate?: boolean;
  /** Write the Vega-Lite specs, SVG, PNG and HTML (learning curves included when runs have held-out evaluations). */
  plot?: boolean;
  /** Write runs.csv and aggregates.csv. */
  csv?: boolean;
  /** Write pareto.json. */
  json?: boolean;
  /** Output folder; default <resultsDir>/<sweep>/pareto (reference only: <resultsDir>/reference/pareto). */
  outDir?: string;
  /** Progress lines (stderr in the CLI). */
  onProgress?: (line: string) => void;
}

export interface RunParetoResult {
  report: ParetoReport;
  /** The terminal tables, as printed by `mbench pareto`. */
  text: string;
  /** Where files were written; null when no format was asked for. */
  outDir: string | null;
  /** Absolute paths of the files written. */
  files: string[];
  /** Things the user should know (excluded runs, unfinished runs, skipped summaries, no baseline …). */
  warnings: string[];
}

export function formatsFor(opts: Pick<RunParetoOptions, 'plot' | 'csv' | 'json'>): ExportFormat[] {
  return [...(opts.csv ? (['csv'] as const) : []), ...(opts.json ? (['json'] as const) : []), ...(opts.plot ? PLOT_FORMATS : [])];
}

/** --level values in the y axis's units: scores and accuracy as fractions, or percentages when > 1.5 (like --rule); loss in nats. */
export function parseLevel(v: number, axis: YAxisInfo = yAxisInfo('score')): number {
  if (!Number.isFinite(v)) {
    throw new UserError(axis.name === 'mlm-loss' ? '--level needs a loss in nats such as 2.5 (a number)' : '--level needs a score such as 0.75 or 75 (a number)');
  }
  return axis.fromUser(v);
}

export async function runPareto(opts: RunParetoOptions = {}): Promise<RunParetoResult> {
  const progress = opts.onProgress ?? (() => {});
  const root = opts.resultsDir ?? DEFAULT_RESULTS_ROOT;
  const x = parseXAxis(opts.x ?? 'hours');
  // --y is checked against the runs' tasks in analyse; its units (for --level and --rule) are known now
  const yAxis = yAxisInfo(opts.y ?? 'score');
  const rules = (opts.rules ?? []).map((r) => parseRule(r, yAxis.fromUser));
  if (opts.outDir !== undefined && formatsFor(opts).length) checkOutputFolder(opts.outDir);
  const levels = (opts.levels ?? []).map((v) => parseLevel(v, yAxis));

  // 1. load
  const loaded = loadRuns(root, opts.sweep);
  const refs = opts.reference ? loadReferenceCsv(opts.reference) : [];
  const warnings = [...loaded.warnings];
  if (loaded.unfinished) warnings.push(`${loaded.unfinished} unfinished run folder${loaded.unfinished === 1 ? '' : 's'} (no summary.json) skipped`);
  if (loaded.points.length === 0 && refs.length === 0) {
    throw new UserError(
      `no finished runs found under ${resolve(loaded.sweepDir ?? root)} (looked for <sweep>/<run>/summary.json` +
        `${loaded.unfinished ? `; ${loaded.unfinished} run folders have no summary.json yet` : ''}); ` +
        'run a sweep first (mbench sweep sweeps/quickstart.yaml), point at another folder, or give --reference CSV',
    );
  }
  if (loaded.points.length === 0) warnings.push(`no finished runs under ${resolve(root)}: using the reference points alone`);
  progress(`pareto: ${loaded.points.length} run${loaded.points.length === 1 ? '' : 's'}${refs.length ? ` + ${refs.length} reference points` : ''}${loaded.sweep ? ` from sweep ${loaded.sweep}` : ''}`);

  // 2–3. analyse
  const report = analyse([...loaded.points, ...refs], {
    sweep: loaded.sweep,
    x,
    y: yAxis.name,
    baseline: opts.baseline ?? null,
    levels,
    rules,
    includeIntermediate: opts.includeIntermediate ?? false,
  });
  report.warnings.unshift(...warnings);
  const text = reportText(report);

  // 4. export: everything in memory first, then atomic writes.
  const formats = formatsFor(opts);
  if (!formats.length) return { report, text, outDir: null, files: [], warnings: report.warnings };
  const outDir = resolve(
    opts.outDir ?? (loaded.sweepDir ? join(loaded.sweepDir, 'pareto') : join(root, 'reference', 'pareto')),
  );
  checkOutputFolder(outDir);
  // 1b. learning curves from metrics.jsonl: only read when charts are drawn
  let curves: RunCurve[] = [];
  if (formats.some((f) => PLOT_FORMATS.includes(f))) {
    const loadedCurves = loadCurves(loaded.points, loaded.runDirs);
    curves = loadedCurves.curves;
    report.warnings.push(...loadedCurves.warnings);
  }
  const ctx = new ExportContext(report, text, curves);
  const outputs: OutputFile[] = [];
  for (const f of formats) {
    progress(`pareto: rendering ${f}`);
    outputs.push(...(await EXPORTERS[f].files(ctx)));
  }
  const files = outputs.map((o) => {
    const path = join(outDir, o.name);
    writeFileAtomic(path, o.data);
    return path;
  });
  return { report, text, outDir, files, warnings: report.warnings };
}
