/**
 * The files of a run folder besides the store's summary/metrics/checkpoints (src/results/store.ts):
 *   spec.json       the RunSpec, written by `mbench sweep` before anything runs
 *   lock            held while a process runs it (./lock.ts)
 *   attempts.jsonl  one line per start: pid, host, time, the step it resumed from
 *   failure.json    the last failure (exit code, message, log); removed when the run starts again
 *   run.log         the run's output when started by the local executor
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSpec } from '../config/run-spec.js';
import { hostname } from 'node:os';
import { readJson, writeJsonAtomic } from '../results/atomic.js';
import { BadFileError } from '../errors.js';

export const specPath = (dir: string): string => join(dir, 'spec.json');
export const attemptsPath = (dir: string): string => join(dir, 'attempts.jsonl');
export const failurePath = (dir: string): string => join(dir, 'failure.json');
export const runLogPath = (dir: string): string => join(dir, 'run.log');

export interface FailureRecord {
  exitCode: number | null;
  signal: string | null;
  message: string;
  logPath: string | null;
  host: string;
  at: string;
}

/** Writes spec.json unless an identical one is there (a spec with this id never changes, by construction). */
export function writeSpec(dir: string, spec: RunSpec): void {
  const text = JSON.stringify(spec, null, 2) + '\n';
  if (existsSync(specPath(dir)) && readFileSync(specPath(dir), 'utf8') === text) return;
  writeJsonAtomic(specPath(dir), spec);
}

const REWRITE_SPEC = 'rerun `mbench sweep` to rewrite it from the plan';

export function readSpec(dir: string): RunSpec {
  let spec: RunSpec;
  try {
    spec = readJson<RunSpec>(specPath(dir));
  } catch (err) {
    if (err instanceof BadFileError) throw new BadFileError(err.file, `${err.problem}; ${REWRITE_SPEC}`);
    throw err;
  }
  if (!spec || typeof spec !== 'object' || typeof spec.id !== 'string' || typeof spec.config !== 'object') {
    throw new BadFileError(specPath(dir), `not a run spec (expected the fields id, config, seed …); ${REWRITE_SPEC}`);
  }
  return spec;
}

/** Whether spec.json is there and reads as a run spec (`mbench sweep` rewrites it when not). */
export function specReadable(dir: string): boolean {
  try {
    readSpec(dir);
    return true;
  } catch (err) {
    if (err instanceof BadFileError) return false;
    throw err;
  }
}

export function readFailure(dir: string): FailureRecord | null {
  if (!existsSync(failurePath(dir))) return null;
  try {
    return readJson<FailureRecord>(failurePath(dir));
  } catch {
    return null;
  }
}

export function recordFailure(dir: string, f: Omit<FailureRecord, 'host' | 'at'>): void {
  writeJsonAtomic(failurePath(dir), { ...f, host: hostname(), at: new Date().toISOString() } satisfies FailureRecord);
}

/** For executors: a run killed before it could record why (OOM killer, SIGKILL, time limit) gets a record. */
export function recordFailureIfMissing(dir: string, f: Omit<FailureRecord, 'host' | 'at'>): void {
  if (!existsSync(failurePath(dir))) recordFailure(dir, f);
}
