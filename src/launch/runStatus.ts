/**
 * What state each run of a sweep is in, read from its folder alone (so it works for any executor, any host):
 * done (summary.json) · running (a live lock) · failed (failure.json) · partial (progress, nobody on it) · pending.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, readJsonLines } from '../results/atomic.js';
import { metricsPath, summaryPath } from '../results/store.js';
import type { RunSummary } from '../results/summary.js';
import type { PlannedRun } from './executor.js';
import { runLockState } from './lock.js';
import { attemptsPath, readFailure } from './runFiles.js';

export type RunState = 'done' | 'running' | 'failed' | 'partial' | 'pending';
export const RUN_STATES: readonly RunState[] = ['done', 'running', 'failed', 'partial', 'pending'];

export interface RunStatus {
  run: PlannedRun;
  state: RunState;
  /** Last logged training step, if any. */
  step: number | null;
  loss: number | null;
  score: number | null;
  wallSeconds: number | null;
  attempts: number;
  /** Who holds the lock (running), or the failure (failed). */
  detail: string;
  /** Intermediate points (evalAt) with a summary. */
  pointsDone: number;
}

export function runStatus(run: PlannedRun): RunStatus {
  const { dir } = run;
  const attempts = existsSync(attemptsPath(dir)) ? safeLines(attemptsPath(dir)).length : 0;
  const pointsDone = run.spec.intermediates.filter((p) => existsSync(summaryPath(join(dir, '..', p.id)))).length;
  const base = { run, attempts, pointsDone, step: null, loss: null, score: null, wallSeconds: null, detail: '' };
  if (existsSync(summaryPath(dir))) {
    try {
      const s = readJson<RunSummary>(summaryPath(dir));
      return { ...base, state: 'done', step: s.pretrain.steps, loss: s.pretrain.finalLoss, score: s.score, wallSeconds: s.pretrain.wallSeconds };
    } catch (err) {
      return { ...base, state: 'failed', detail: (err as Error).message };
    }
  }
  const last = existsSync(metricsPath(dir)) ? safeLines(metricsPath(dir)).findLast((r) => typeof r.step === 'number' && typeof r.loss === 'number') : undefined;
  const progress = { step: last ? Number(last.step) : null, loss: last ? Number(last.loss) : null };
  const lock = runLockState(dir);
  if (lock.held && !lock.stale) return { ...base, ...progress, state: 'running', detail: lock.holder ? `pid ${lock.holder.pid} on ${lock.holder.host}` : '' };
  const failure = readFailure(dir);
  if (failure) return { ...base, ...progress, state: 'failed', detail: `${failure.exitCode !== null ? `exit ${failure.exitCode}` : failure.signal ?? ''}: ${failure.message.split('\n')[0]}${failure.logPath ? ` (log: ${failure.logPath})` : ''}` };
  if (progress.step !== null || existsSync(join(dir, 'checkpoints'))) return { ...base, ...progress, state: 'partial', detail: 'resumes from its checkpoint' };
  return { ...base, state: 'pending' };
}

function safeLines(path: string): Array<Record<string, unknown>> {
  try {
    return readJsonLines<Record<string, unknown>>(path);
  } catch {
    return [];
  }
}

/** Sweeps under a results root: folders holding sweep.json. */
export function listSweeps(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'sweep.json')))
    .map((d) => d.name)
    .sort();
}
