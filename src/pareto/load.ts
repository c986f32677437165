/**
 * Stage 1: read the run store. Finished runs are <root>/<sweep>/<runId>/summary.json; a run folder without
 * summary.json is unfinished and skipped (counted). A summary that cannot be read is reported and excluded,
 * never fatal: one corrupt file should not hide the other runs.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { UserError, didYouMean } from '../errors.js';
import { readJson } from '../results/atomic.js';
import { summaryPath } from '../results/store.js';
import type { RunSummary } from '../results/summary.js';
import type { ParetoPoint } from './types.js';

/** Folders under a sweep that are not runs. */
const NOT_RUNS = new Set(['pareto']);

/** The fields pareto relies on; everything else in summary.json is passed through untouched. */
const SummaryShape = z.object({
  schemaVersion: z.literal(1),
  id: z.string(),
  sweep: z.string(),
  name: z.string(),
  recipe: z.string().min(1),
  config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  seed: z.number(),
  intermediateOf: z.string().nullable(),
  pretrain: z.object({
    steps: z.number().optional(),
    wallSeconds: z.number(),
    tokens: z.number(),
    flops: z.number(),
    evalLoss: z.number().nullable().optional(),
    evalAccuracy: z.number().nullable().optional(),
  }),
  finetune: z
    .object({ tasks: z.record(z.string(), z.object({ score: z.number().nullable() })) })
    .nullable(),
  score: z.number().nullable(),
  costUsd: z.number().nullable(),
});

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

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

const runFolders = (dir: string): string[] =>
  readdirSync(dir)
    // a chart folder inside the sweep (pareto/, pareto-mlm-accuracy/, any --out there) is not a run
    .filter((n) => !n.startsWith('.') && !NOT_RUNS.has(n) && isDir(join(dir, n)) && !existsSync(join(dir, n, 'pareto.json')))
    .sort();

const hasFinishedRun = (dir: string): boolean => runFolders(dir).some((r) => existsSync(summaryPath(join(dir, r))));

/** Sweeps under a results root: folders holding at least one finished run. */
export function listSweeps(root: string): string[] {
  if (!isDir(root)) return [];
  return runFolders(root).filter((s) => hasFinishedRun(join(root, s)));
}

/**
 * Which sweep folder to read. `root` may itself be a sweep folder (its children hold summary.json); otherwise
 * `sweep` names one under it, or the only one there is. Returns null when there is nothing to read.
 */
export function resolveSweep(root: string, sweep: string | undefined): { sweep: string; dir: string } | null {
  const abs = resolve(root);
  if (sweep !== undefined) {
    const dir = join(abs, sweep);
    if (!isDir(dir)) {
      const known = listSweeps(abs);
      throw new UserError(
        `--sweep '${sweep}': no folder ${dir}${didYouMean(sweep, known)}` +
          (known.length ? `; sweeps with finished runs: ${known.join(', ')}` : ''),
      );
    }
    return { sweep, dir };
  }
  if (!isDir(abs)) return null;
  if (hasFinishedRun(abs)) return { sweep: basename(abs), dir: abs };
  const sweeps = listSweeps(abs);
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
export function pointFromSummary(s: z.infer<typeof SummaryShape> | RunSummary): RawPoint {
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
  for (const run of runFolders(found.dir)) {
    const file = summaryPath(join(found.dir, run));
    if (!existsSync(file)) {
      unfinished++;
      continue;
    }
    let raw: unknown;
    try {
      raw = readJson(file);
    } catch (err) {
      warnings.push(`skipped ${(err as Error).message}`);
      continue;
    }
    const parsed = SummaryShape.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      warnings.push(`skipped ${file}: not a summary.json mbench can read (${issue?.path.join('.') || '(root)'}: ${issue?.message})`);
      continue;
    }
    points.push(pointFromSummary(parsed.data));
    runDirs[parsed.data.id] = join(found.dir, run);
  }
  return { sweep: found.sweep, sweepDir: found.dir, points, runDirs, unfinished, warnings };
}
