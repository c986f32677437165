/**
 * The run store: where each stage's records live on disk.
 *
 *   <root>/<sweep>/<runId>/summary.json      (written last, atomically)
 *   <root>/<sweep>/<runId>/metrics.jsonl     (appended)
 *   <root>/<sweep>/<runId>/checkpoints/
 *   <root>/<sweep>/<runId>/spec.json         (the plan's RunSpec; see src/launch/run-files.ts for the rest)
 *   <root>/<sweep>/sweep.json                (the plan: written by `mbench sweep` before anything runs)
 *   <root>/<sweep>/pareto/                   (mbench pareto outputs; any folder holding pareto.json is a chart folder)
 *   <root>/kernels/<backend>.json            (mbench kernels: files, never run folders)
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, relative, isAbsolute } from 'node:path';
import { UserError } from '../errors.js';

export const DEFAULT_RESULTS_ROOT = 'results';

/**
 * Names that become path segments: letters, digits, '.', '_', '-', '+', '=' — never '/', spaces, or a leading
 * '.' or '-' (a hidden folder such as the cache's `.cache`, `..`, or a name that reads as a flag, `-rf`).
 */
const SAFE_SEGMENT = /^[A-Za-z0-9_+=][A-Za-z0-9._+=-]{0,127}$/;

/** Folders of the results root that belong to mbench itself, not to a sweep. */
export const RESERVED_SWEEP_NAMES: readonly string[] = ['kernels', 'reference'];

export function checkSegment(kind: string, name: string): string {
  if (!SAFE_SEGMENT.test(name)) {
    throw new UserError(
      `${kind} '${name}' cannot be used as a folder name: use 1-128 letters, digits, '.', '_', '-', '+' or '=', starting with a letter, digit, '_', '+' or '=' (no '/', spaces, or leading '.' or '-')`,
    );
  }
  if (kind === 'sweep name' && RESERVED_SWEEP_NAMES.includes(name)) {
    throw new UserError(`sweep name '${name}' is taken: results/${name}/ holds mbench's own ${name === 'kernels' ? 'kernel benchmark baselines' : 'reference-only charts'}; choose another name`);
  }
  return name;
}

/** Joins segments under root and checks the result stays inside root. */
export function insideRoot(root: string, ...segments: string[]): string {
  const base = resolve(root);
  const path = resolve(base, ...segments);
  const rel = relative(base, path);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new UserError(`path '${path}' escapes the results folder '${base}'`);
  return path;
}

export function sweepDir(root: string, sweep: string): string {
  return insideRoot(root, checkSegment('sweep name', sweep));
}

export function runDir(root: string, sweep: string, runId: string): string {
  return insideRoot(root, checkSegment('sweep name', sweep), checkSegment('run id', runId));
}

export const summaryPath = (dir: string): string => join(dir, 'summary.json');
export const metricsPath = (dir: string): string => join(dir, 'metrics.jsonl');
export const checkpointsDir = (dir: string): string => join(dir, 'checkpoints');
export const sweepRecordFile = (dir: string): string => join(dir, 'sweep.json');

/** The default chart folder's name; other chart folders are known by what `mbench pareto` writes into them. */
const CHART_FOLDER = 'pareto';
/** Files only a chart folder holds (any one marks it: `--plot` alone writes no pareto.json). */
const CHART_FILES = ['pareto.json', 'runs.csv', 'aggregates.csv', 'pareto.vl.json', 'pareto.html'];
const isChartFolder = (dir: string): boolean => CHART_FILES.some((f) => existsSync(join(dir, f)));

export const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The run folders of a sweep folder, by name, sorted: every sub-folder except dot-folders (.slurm/, temp files)
 * and chart folders (pareto/, pareto-mlm-accuracy/, any `mbench pareto --out` inside the sweep: they hold
 * pareto.json, runs.csv, aggregates.csv, pareto.vl.json or pareto.html). Finished, unfinished and damaged runs alike; intermediate points are folders of their own.
 */
export function listRuns(sweepDir: string): string[] {
  if (!isDir(sweepDir)) return [];
  return readdirSync(sweepDir)
    .filter((n) => !n.startsWith('.') && n !== CHART_FOLDER && isDir(join(sweepDir, n)) && !isChartFolder(join(sweepDir, n)))
    .sort();
}

/** Whether a run folder of `sweepDir` holds a summary.json (finished or damaged: listing does not parse it). */
export function holdsSummaries(sweepDir: string): boolean {
  return listRuns(sweepDir).some((r) => existsSync(summaryPath(join(sweepDir, r))));
}

/**
 * The sweeps under a results root, by name, sorted: folders that `mbench sweep` prepared (they hold sweep.json)
 * or that hold run folders with a summary.json (results copied from another machine without the plan). Dot-
 * folders and chart folders are not sweeps; results/kernels/ holds files only, so it is none either.
 */
export function listSweeps(root: string): string[] {
  return listRuns(root).filter((s) => existsSync(sweepRecordFile(join(root, s))) || holdsSummaries(join(root, s)));
}
