/**
 * The life of one run inside `mbench run`:
 *   1. read spec.json; a run whose summary.json validates is finished — do nothing;
 *   2. take the run's lock (./lock.ts) or report who holds it (exit EXIT_BUSY);
 *   3. set a damaged summary.json aside (summary.json.bad), record the attempt, clear an old failure record,
 *      run the runner (it resumes from its checkpoints);
 *   4. write the intermediate points' summaries, then the run's summary.json — last, atomically;
 *   5. on failure write failure.json; on interruption leave the checkpoints; release the lock either way.
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunSpec } from '../config/run-spec.js';
import { appendJsonLine } from '../results/atomic.js';
import { damagedSummaryPath, damageLine, readSummary, setAsideSummary, writeSummary } from '../results/summary.js';
import { UserError } from '../errors.js';
import { tryLock, type LockInfo, type LockOptions } from './lock.js';
import { attemptsPath, failurePath, readSpec, recordFailure } from './run-files.js';

export { recordFailure };
import { RunFailure, RunInterrupted, type Runner, type RunProgressEvent } from './runners/types.js';
import { buildSummary } from './summary-record.js';

/** `mbench run` exit codes besides 0 (finished or already finished) and a failed run's own code. */
export const EXIT_BUSY = 75; // EX_TEMPFAIL: another process holds the run's lock
export const EXIT_INTERRUPTED = 130;
/** Stopped by SIGTERM (Slurm's time limit or preemption, scancel): checkpointed, to be resumed. */
export const EXIT_TERMINATED = 143;
export const EXIT_FAILED = 1;

export type RunOutcome =
  | { state: 'finished'; spec: RunSpec }
  | { state: 'already-finished'; spec: RunSpec }
  | { state: 'busy'; spec: RunSpec; holder: LockInfo | null }
  | { state: 'interrupted'; spec: RunSpec }
  | { state: 'failed'; spec: RunSpec; exitCode: number; message: string };

export interface ExecuteOptions {
  runner: (spec: RunSpec) => Promise<Runner>;
  signal: AbortSignal;
  progress(e: RunProgressEvent): void;
  log(line: string): void;
  lock?: LockOptions;
  /** Where this run's output goes, for failure records. */
  logPath?: string | null;
}

export async function executeRun(dir: string, opts: ExecuteOptions): Promise<RunOutcome> {
  const spec = readSpec(dir);
  if (readSummary(dir).state === 'finished') return { state: 'already-finished', spec };
  const attempt = tryLock(dir, opts.lock);
  if (!attempt.acquired) return { state: 'busy', spec, holder: attempt.holder };
  const { lock } = attempt;
  try {
    // Someone may have finished it between our check and our lock.
    const summary = readSummary(dir);
    if (summary.state === 'finished') return { state: 'already-finished', spec };
    // A summary that does not validate is not a result: keep it for inspection, and redo the run.
    if (summary.state === 'damaged' && setAsideSummary(dir)) opts.log(`${damageLine(summary)}; moved to ${damagedSummaryPath(dir)}, redoing the run`);
    rmSync(failurePath(dir), { force: true });
    appendJsonLine(attemptsPath(dir), { pid: process.pid, host: lock.info.host, startedAt: lock.info.startedAt });
    const runner = await opts.runner(spec);
    let output;
    try {
      const progress = (e: RunProgressEvent): void => {
        lock.touch();
        opts.progress(e);
      };
      output = await runner({ spec, dir, signal: opts.signal, progress, log: opts.log });
    } catch (err) {
      if (err instanceof RunInterrupted || (opts.signal.aborted && !(err instanceof RunFailure))) return { state: 'interrupted', spec };
      const exitCode = err instanceof RunFailure ? err.exitCode : err instanceof UserError ? err.exitCode : EXIT_FAILED;
      const message = err instanceof UserError || err instanceof RunFailure ? err.message : ((err as Error)?.stack ?? String(err));
      recordFailure(dir, { exitCode, signal: null, message, logPath: opts.logPath ?? null });
      return { state: 'failed', spec, exitCode, message };
    }
    // Intermediate points live beside the run, each a folder holding only its summary (intermediateOf = run id).
    // The run's own summary goes last: while it is missing the run is unfinished and the next sweep redoes it.
    // A summary that cannot be written (a full disk, a record that would not read back) fails the run with the
    // reason in failure.json, as a failed runner does, rather than escaping without a record.
    try {
      for (const r of output.intermediates) {
        const pointDir = join(dirname(dir), r.point.id);
        writeSummary(pointDir, buildSummary(spec, r, r.point));
      }
      writeSummary(dir, buildSummary(spec, output));
    } catch (err) {
      const exitCode = err instanceof UserError ? err.exitCode : EXIT_FAILED;
      const message = `the run trained but its summary was not written: ${(err as Error).message}`;
      recordFailure(dir, { exitCode, signal: null, message, logPath: opts.logPath ?? null });
      return { state: 'failed', spec, exitCode, message };
    }
    return { state: 'finished', spec };
  } finally {
    lock.release();
  }
}
