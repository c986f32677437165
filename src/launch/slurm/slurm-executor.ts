/**
 * The Slurm executor: one `sbatch --array=0-(N-1)%C` job per sweep submission, task i running
 * `mbench run --tasks tasks.json --index i`. Only unfinished runs are submitted, so resubmitting a sweep runs
 * what is left. Files live in <results>/<sweep>/.slurm/<submission>/ (job.sh, tasks.json, logs/task-<i>.log).
 * It polls squeue for states, asks scontrol for exit codes, cancels the job on Ctrl-C, and reports failed tasks
 * with their exit code and log. Run folders stay the ground truth: a task whose run has a valid summary.json finished.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SweepFile } from '../../config/sweep-schema.js';
import { ACCELERATOR_BACKENDS } from '../../engine/backend-names.js';
import { sweepDir } from '../../results/store.js';
import { isFinished } from '../../results/summary.js';
import { repoRoot } from '../../version.js';
import type { ExecutorEvents, PlannedRun, RunResult, SweepReport } from '../executor.js';
import { runLockState } from '../lock.js';
import { EXIT_BUSY } from '../run-lifecycle.js';
import { runCommandLine } from '../run-command.js';
import { readFailure, recordFailureIfMissing } from '../run-files.js';
import { timestamp } from '../progress-lines.js';
import { writeTaskList } from '../task-list.js';
import { jobScript, sbatchArgs } from './job-script.js';
import { requireSlurm, sbatch, scancel, scontrolJob, squeueTasks, TERMINAL_STATES } from './commands.js';

export interface SlurmOptions {
  root: string;
  sweep: SweepFile;
  /** `%` limit of the array; null: the sweep file's slurm.concurrency, else none. */
  concurrency: number | null;
  signal: AbortSignal;
  events: ExecutorEvents;
  pollMs?: number;
  /** Submit and return without waiting (`mbench status` follows it). */
  detach?: boolean;
}

export interface SlurmReport extends SweepReport {
  jobId: string | null;
  submissionDir: string | null;
}

export async function runSlurm(runs: PlannedRun[], opts: SlurmOptions): Promise<SlurmReport> {
  requireSlurm();
  const results = new Map<string, RunResult>();
  const todo: PlannedRun[] = [];
  for (const run of runs) {
    if (isFinished(run.dir)) {
      results.set(run.spec.id, { state: 'already-finished' });
      opts.events.ended(run, { state: 'already-finished' });
    } else todo.push(run);
  }
  if (!todo.length) return { results, interrupted: false, jobId: null, submissionDir: null };

  const submissionDir = join(sweepDir(opts.root, opts.sweep.name), '.slurm', `${timestamp().replace(/[:]/g, '')}-${process.pid}`);
  const logDir = join(submissionDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const taskList = join(submissionDir, 'tasks.json');
  writeTaskList(taskList, todo.map((r) => r.dir));
  const script = join(submissionDir, 'job.sh');
  writeFileSync(script, jobScript({ cwd: repoRoot, mbenchRun: runCommandLine([]), taskList, sweep: opts.sweep.name }));
  chmodSync(script, 0o755);
  const concurrency = opts.concurrency ?? opts.sweep.slurm?.concurrency ?? null;
  const accelerated = todo.some((r) => r.spec.runner === 'train' && (ACCELERATOR_BACKENDS as readonly string[]).includes(r.spec.config.backend));
  const jobId = await sbatch(sbatchArgs({ sweep: opts.sweep.name, tasks: todo.length, concurrency, logDir, script, options: opts.sweep.slurm, devices: opts.sweep.devices, accelerated }));
  opts.events.note(`submitted Slurm job ${jobId}: ${todo.length} array task(s)${concurrency ? `, at most ${concurrency} at once` : ''}; logs in ${logDir}`);
  if (opts.detach) return { results, interrupted: false, jobId, submissionDir };

  const pollMs = opts.pollMs ?? (Number(process.env.MBENCH_SLURM_POLL_MS) || 2000);
  const logOf = (i: number): string => join(logDir, `task-${i}.log`);
  const started = new Set<number>();
  const pending = new Map(todo.map((r, i) => [i, r]));
  const busy: Array<[number, PlannedRun]> = [];
  let cancelled = false;
  while (pending.size) {
    if (opts.signal.aborted && !cancelled) {
      cancelled = true;
      opts.events.note(`cancelling Slurm job ${jobId}`);
      await scancel(jobId).catch((err: Error) => opts.events.note(`scancel: ${err.message}`));
    }
    const states = await squeueTasks(jobId);
    for (const [i, run] of [...pending]) {
      const s = states.get(i);
      if (s && !TERMINAL_STATES.has(s.state)) {
        if (s.state === 'RUNNING' && !started.has(i)) {
          started.add(i);
          opts.events.started(run);
        }
        continue;
      }
      // Over: squeue's last word, or slurmctld's record, or — once both have forgotten — the run folder.
      const rec = await scontrolJob(`${jobId}_${i}`);
      const state = rec?.state ?? s?.state ?? 'UNKNOWN';
      const exitCode = rec?.exitCode ?? null;
      pending.delete(i);
      if (isFinished(run.dir)) {
        finish(run, { state: 'finished' });
      } else if (exitCode === EXIT_BUSY) {
        busy.push([i, run]);
      } else if (state === 'CANCELLED' && cancelled) {
        finish(run, { state: 'interrupted' });
      } else {
        const signal = rec?.signal ? `signal ${rec.signal}` : null;
        recordFailureIfMissing(run.dir, { exitCode, signal, message: `Slurm task ${jobId}_${i} ended ${state}`, logPath: logOf(i) });
        finish(run, { state: 'failed', exitCode, signal, logPath: logOf(i), message: readFailure(run.dir)?.message ?? `Slurm task ended ${state}` });
      }
    }
    if (pending.size) await sleep(pollMs);
  }
  // Runs another executor held when their task started: wait for that executor to finish them.
  while (busy.length && !opts.signal.aborted) {
    for (const [i, run] of busy.splice(0)) {
      const lock = runLockState(run.dir);
      if (isFinished(run.dir)) finish(run, { state: 'already-finished' });
      else if (lock.held && !lock.stale) busy.push([i, run]);
      else finish(run, { state: 'left-to-other', holder: `another executor held it while task ${jobId}_${i} ran; resubmit to run it` });
    }
    if (busy.length) await sleep(pollMs);
  }
  return { results, interrupted: opts.signal.aborted, jobId, submissionDir };

  function finish(run: PlannedRun, r: RunResult): void {
    results.set(run.spec.id, r);
    opts.events.ended(run, r);
  }
}
