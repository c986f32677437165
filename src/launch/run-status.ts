/**
 * What state each run of a sweep is in, read from its folder alone (so it works for any executor, any host):
 * done (a valid summary.json) · running (a live lock) · failed (failure.json) · partial (progress, nobody on it)
 * · pending · damaged (a summary.json that does not validate: the next `mbench sweep` sets it aside and redoes
 * the run). A run folder's own files are never needed to name it: the plan (sweep.json or the sweep file) does,
 * so a deleted spec.json is a note on that run, not an error for the sweep.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BadFileError } from '../errors.js';
import { readJsonLines } from '../results/atomic.js';
import { metricsPath } from '../results/store.js';
import { damageLine, readSummary } from '../results/summary.js';
import { runLockState } from './lock.js';
import { attemptsPath, readFailure, readSpec, specPath } from './run-files.js';

export type RunState = 'done' | 'running' | 'failed' | 'partial' | 'pending' | 'damaged';
export const RUN_STATES: readonly RunState[] = ['done', 'running', 'failed', 'partial', 'pending', 'damaged'];

/** A run as the plan names it: enough to find and describe its folder. */
export interface StatusRun {
  id: string;
  name: string;
  dir: string;
  /** Run ids of its intermediate (evalAt) points, folders beside it. */
  intermediates: string[];
}

export interface RunStatus {
  run: StatusRun;
  state: RunState;
  /** Last logged training step, if any. */
  step: number | null;
  loss: number | null;
  score: number | null;
  wallSeconds: number | null;
  attempts: number;
  /** Who holds the lock (running), the failure (failed), or what is wrong with summary.json (damaged). */
  detail: string;
  /** Something wrong with the folder besides its state (a missing or unreadable spec.json), or null. */
  note: string | null;
  /** Intermediate points (evalAt) with a valid summary. */
  pointsDone: number;
}

export function runStatus(run: StatusRun): RunStatus {
  const { dir } = run;
  const attempts = existsSync(attemptsPath(dir)) ? safeLines(attemptsPath(dir)).length : 0;
  const pointsDone = run.intermediates.filter((id) => readSummary(join(dir, '..', id)).state === 'finished').length;
  const base = { run, attempts, pointsDone, step: null, loss: null, score: null, wallSeconds: null, detail: '', note: specNote(dir) };
  const summary = readSummary(dir);
  if (summary.state === 'finished') {
    const s = summary.summary;
    return { ...base, state: 'done', step: s.pretrain.steps, loss: finiteOrNull(s.pretrain.finalLoss), score: s.score, wallSeconds: s.pretrain.wallSeconds };
  }
  if (summary.state === 'damaged') return { ...base, state: 'damaged', detail: `${damageLine(summary)}; mbench sweep sets it aside and redoes the run` };
  const last = existsSync(metricsPath(dir)) ? safeLines(metricsPath(dir)).findLast((r) => typeof r.step === 'number' && typeof r.loss === 'number') : undefined;
  const progress = { step: last ? Number(last.step) : null, loss: last ? Number(last.loss) : null };
  const lock = runLockState(dir);
  if (lock.held && !lock.stale) return { ...base, ...progress, state: 'running', detail: lock.holder ? `pid ${lock.holder.pid} on ${lock.holder.host}` : '' };
  const failure = readFailure(dir);
  if (failure) return { ...base, ...progress, state: 'failed', detail: `${failure.exitCode !== null ? `exit ${failure.exitCode}` : failure.signal ?? ''}: ${failure.message.split('\n')[0]}${failure.logPath ? ` (log: ${failure.logPath})` : ''}` };
  if (progress.step !== null || existsSync(join(dir, 'checkpoints'))) return { ...base, ...progress, state: 'partial', detail: 'resumes from its checkpoint' };
  return { ...base, state: 'pending' };
}

/** JSON writes a NaN loss (a run that trained no step) as null; status shows it as no loss. */
const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Null when spec.json is there and readable; otherwise what is wrong with it, and that `mbench sweep` rewrites it. */
function specNote(dir: string): string | null {
  if (!existsSync(dir)) return null; // not prepared yet: nothing is missing
  if (!existsSync(specPath(dir))) return `${specPath(dir)} is missing; rerun \`mbench sweep\` to rewrite it from the plan`;
  try {
    readSpec(dir);
    return null;
  } catch (err) {
    if (err instanceof BadFileError) return err.message;
    throw err;
  }
}

function safeLines(path: string): Array<Record<string, unknown>> {
  try {
    return readJsonLines<Record<string, unknown>>(path);
  } catch {
    return [];
  }
}
