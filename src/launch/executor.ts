/**
 * What every executor shares: the runs it is given, the events it reports, and the outcome of each run.
 * An executor starts `mbench run <dir>` for each unfinished run — as a child process (local) or an array task
 * (Slurm) — and never decides anything a run folder can tell (done = a summary.json that validates, taken = lock).
 */
import type { RunSpec } from '../config/run-spec.js';
import type { RunProgressEvent } from './runners/types.js';

export interface PlannedRun {
  spec: RunSpec;
  dir: string;
}

export type RunResult =
  | { state: 'finished' }
  /** Finished before this executor reached it (by an earlier sweep, or by another executor meanwhile). */
  | { state: 'already-finished' }
  | { state: 'failed'; exitCode: number | null; signal: string | null; logPath: string | null; message: string | null }
  | { state: 'interrupted' }
  /** Taken by another executor that has not finished it (e.g. it failed or was interrupted there). */
  | { state: 'left-to-other'; holder: string };

export interface ExecutorEvents {
  started(run: PlannedRun): void;
  progress(run: PlannedRun, e: RunProgressEvent): void;
  log(run: PlannedRun, line: string): void;
  ended(run: PlannedRun, result: RunResult): void;
  /** Executor-level notes (submitted job 123, waiting for runs held elsewhere …). */
  note(line: string): void;
}

export interface SweepReport {
  results: Map<string, RunResult>;
  interrupted: boolean;
}

export const quietEvents: ExecutorEvents = { started() {}, progress() {}, log() {}, ended() {}, note() {} };
