/**
 * The run store: where each stage's records live on disk.
 *
 *   <root>/<sweep>/<runId>/summary.json      (written last, atomically)
 *   <root>/<sweep>/<runId>/metrics.jsonl     (appended)
 *   <root>/<sweep>/<runId>/checkpoints/
 *   <root>/<sweep>/pareto/                   (mbench pareto outputs)
 */
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
