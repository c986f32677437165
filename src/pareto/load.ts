/**
 * Stage 1: read the run store (src/results). Finished runs are <root>/<sweep>/<runId>/summary.json; a run folder
 * without summary.json is unfinished and skipped (counted). A summary that does not validate is reported and
 * excluded, never fatal: one corrupt file should not hide the other runs.
 */
import { basename, join, resolve } from 'node:path';
import { UserError, didYouMean } from '../errors.js';
import { holdsSummaries, isDir, listRuns, listSweeps } from '../results/store.js';
import { readSummary, type RunSummary } from '../results/summary.js';
import type { ParetoPoint } from './types.js';

export type RawPoint = Omit<ParetoPoint, 'x' | 'y'>;

export interface LoadedRuns {
  sweep: string | null;
  sweepDir: string | null;
  points: RawPoint[];
  /** Each loaded run's folder, by run id (where its metrics.jsonl is). */
  runDirs: Record<string, string>;
  /** Run folders without summary.json. */
  unfinished: number;
  warnings: string[];
}

/** The sweeps pareto can chart: those with at least one summary.json. */
const sweepsWithResults = (root: string): string[] => listSweeps(root).filter((s) => holdsSummaries(join(root, s)));

/**
 * Which sweep folder to read. `root` may itself be a sweep folder (its children hold summary.json); otherwise
 * `sweep` names one under it, or the only one there is. Returns null when there is nothing to read.
 */
export function resolveSweep(root: string, sweep: string | undefined): { sweep: string; dir: string } | null {
  const abs = resolve(root);
  if (sweep !== undefined) {
    const dir = join(abs, sweep);
    if (!isDir(dir)) {
      const known = sweepsWithResults(abs);
      throw new UserError(
        `--sweep '${sweep}': no folder ${dir}${didYouMean(sweep, known)}` +
          (known.length ? `; sweeps with finished runs: ${known.join(', ')}` : ''),
      );
    }
    return { sweep, dir };
  }
  if (!isDir(abs)) return null;
  if (holdsSummaries(abs)) return { sweep: basename(abs), dir: abs };
  const sweeps = sweepsWithResults(abs);
  if (sweeps.length === 0) return null;
  if (sweeps.length > 1) {
    throw new UserError(`${abs} holds several sweeps (${sweeps.join(', ')}): choose one with --sweep NAME`);
  }
  return { sweep: sweeps[0]!, dir: join(abs, sweeps[0]!) };
}

/** Canonical text of a configuration: keys sorted, so equal configs give equal keys. */
export function configKey(config: Record<string, string | number | boolean>): string {
  return Object.keys(config)
    .sort()
    .map((k) => `${k}=${String(config[k])}`)
    .join(' ');
}

/**
 * A run with no pretraining: the random-init point. Its summary says 0 steps (duration `0ba`); an intermediate
 * checkpoint is never one.
 */
export function isRandomInit(s: Pick<RunSummary, 'intermediateOf' | 'config'> & { pretrain: { steps?: number } }): boolean {
  if (s.intermediateOf) return false;
  return s.pretrain.steps === 0 || (s.pretrain.steps === undefined && /^0+(\.0*)?(ba|sp|tok|ep)$/.test(String(s.config.duration ?? '')));
}

/** Stage 1a: one summary → one point, in normalized units. */
export function pointFromSummary(s: RunSummary): RawPoint {
  const tasks: Record<string, number> = {};
  for (const [task, r] of Object.entries(s.finetune?.tasks ?? {}) as [string, { score: number | null }][]) {
    if (typeof r.score === 'number' && Number.isFinite(r.score)) tasks[task] = r.score;
  }
  const finite = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);
  return {
    kind: s.intermediateOf ? 'intermediate' : isRandomInit(s) ? 'random-init' : 'run',
    id: s.id,
    name: s.name,
    sweep: s.sweep,
    recipe: s.recipe,
    configKey: configKey(s.config),
    config: s.config,
    seed: s.seed,
    hours: finite(s.pretrain.wallSeconds / 3600),
    costUsd: finite(s.costUsd),
    tokens: finite(s.pretrain.tokens),
    flops: finite(s.pretrain.flops),
    score: finite(s.score),
    tasks,
    mlmLoss: finite(s.pretrain.evalLoss ?? null),
    mlmAccuracy: finite(s.pretrain.evalAccuracy ?? null),
  };
}

/** Stage 1: every finished run of one sweep. */
export function loadRuns(root: string, sweep?: string): LoadedRuns {
  const found = resolveSweep(root, sweep);
  if (!found) return { sweep: sweep ?? null, sweepDir: null, points: [], runDirs: {}, unfinished: 0, warnings: [] };
  const points: RawPoint[] = [];
  const runDirs: Record<string, string> = {};
  const warnings: string[] = [];
  let unfinished = 0;
  for (const run of listRuns(found.dir)) {
    const read = readSummary(join(found.dir, run));
    if (read.state === 'missing') {
      unfinished++;
      continue;
    }
    if (read.state === 'damaged') {
      warnings.push(`skipped ${read.path}: ${read.reason}`);
      continue;
    }
    points.push(pointFromSummary(read.summary));
    runDirs[read.summary.id] = join(found.dir, run);
  }
  return { sweep: found.sweep, sweepDir: found.dir, points, runDirs, unfinished, warnings };
}
