/**
 * The local executor: a pool of `mbench run <dir>` child processes (bin/mbench.js, the compiled CLI), so a crash or OOM kills one run, not the
 * sweep. Each child appends its output to the run's run.log and reports progress over an IPC channel; when this
 * process dies the channel closes and the child stops at its next step (checkpoints kept, lock released), so
 * SIGKILL of a sweep leaves no orphan training on.
 *
 * Runs another executor holds (its lock) are skipped and, once the queue is empty, waited for: two sweeps on
 * one results folder split the work and both end with the sweep complete.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { estimateRun } from '../config/estimate.js';
import { ACCELERATOR_BACKENDS } from '../engine/backend-names.js';
import { isFinished } from '../results/summary.js';
import type { ChildMessage } from './child-messages.js';
import type { ExecutorEvents, PlannedRun, RunResult, SweepReport } from './executor.js';
import { runLockState } from './lock.js';
import { MBENCH_ENTRY } from './run-command.js';
import { EXIT_BUSY, EXIT_INTERRUPTED, EXIT_TERMINATED } from './run-lifecycle.js';
import { readFailure, recordFailureIfMissing, runLogPath } from './run-files.js';

export interface LocalOptions {
  concurrency: number;
  signal: AbortSignal;
  events: ExecutorEvents;
  /** How often to look at runs held by another executor (ms). */
  pollMs?: number;
}

/**
 * The cores split between the runs going at once, as MBENCH_WASM_THREADS and MBENCH_NATIVE_THREADS for each child
 * (src/engine/wasm-threads.ts, kernels/native/src/pool.cc): one run per core trains single-threaded, one run alone
 * gets every core. A value the user set is kept.
 */
export function threadsPerRun(concurrency: number, env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): Record<string, string> {
  const perRun = Math.max(1, Math.floor(cores / Math.max(1, concurrency)));
  return {
    ...(!env['MBENCH_WASM_THREADS'] && { MBENCH_WASM_THREADS: String(Math.min(MAX_WASM_THREADS, perRun)) }),
    ...(!env['MBENCH_NATIVE_THREADS'] && { MBENCH_NATIVE_THREADS: String(perRun) }),
  };
}

/**
 * The CPUs slot `slot` of `slots` runs on: its own share of the cores, so that runs going at once never time each
 * other's work (a run's wall-clock seconds are the Pareto x-axis). Null when pinning is off or impossible: no
 * `taskset` (util-linux), fewer cores than slots, MBENCH_PIN=0, or a CPU set the user fixed (Slurm, taskset).
 */
export function coresForSlot(slot: number, slots: number, cpus: readonly number[] | null = allowedCpus(), env: NodeJS.ProcessEnv = process.env): number[] | null {
  if (env['MBENCH_PIN'] === '0' || !TASKSET || cpus === null || slots > cpus.length) return null;
  const per = Math.floor(cpus.length / slots);
  return cpus.slice(slot * per, (slot + 1) * per);
}

/** The CPUs this process may run on (Linux: Cpus_allowed_list of /proc/self/status, e.g. `0-3,8`); null elsewhere. */
export function allowedCpus(status: string | null = readProcStatus()): number[] | null {
  const list = status?.match(/^Cpus_allowed_list:\s*(\S+)/m)?.[1];
  if (!list) return null;
  const out: number[] = [];
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (!Number.isInteger(a)) return null;
    for (let c = a!; c <= (b ?? a!); c++) out.push(c);
  }
  return out;
}

function readProcStatus(): string | null {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return null;
  }
}

/** util-linux's taskset, when this machine has it. */
const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p)) ?? null;

/** src/engine/wasm-threads.ts's cap, repeated: importing that module would load tfjs into the sweep process. */
export const MAX_WASM_THREADS = 8;

/**
 * One run per core: tfjs on wasm/cpu trains single-threaded; accelerator backends get one run at a time; a run on
 * N devices takes N cores (its ranks share them: src/launch/ranks.ts).
 */
export function defaultConcurrency(runs: PlannedRun[], cores = availableParallelism()): number {
  const train = runs.filter((r) => r.spec.runner === 'train');
  const accelerated = train.some((r) => (ACCELERATOR_BACKENDS as readonly string[]).includes(r.spec.config.backend));
  const devices = Math.max(1, ...train.map((r) => r.spec.devices));
  return Math.max(1, Math.min(accelerated ? 1 : Math.floor(cores / devices), runs.length));
}

/**
 * The order runs start in: the longest first (training FLOPs from the run's settings, src/config/estimate.ts), so
 * the last runs to start are short ones and the slots finish together instead of one long run ending alone —
 * the greedy longest-processing-time rule. Runs whose length is not known before they run (a time-based
 * duration, a mock runner) go first, as the longest may be among them; ties keep the plan's order.
 */
export function longestFirst(runs: readonly PlannedRun[]): PlannedRun[] {
  const work = (r: PlannedRun): number => {
    if (r.spec.runner !== 'train') return Infinity;
    try {
      return estimateRun(r.spec.config).flops ?? Infinity;
    } catch {
      return Infinity;
    }
  };
  const keyed = runs.map((run, i) => ({ run, i, w: work(run) }));
  keyed.sort((a, b) => (a.w === b.w ? a.i - b.i : a.w === Infinity ? -1 : b.w === Infinity ? 1 : b.w - a.w));
  return keyed.map((k) => k.run);
}

export async function runLocal(runs: PlannedRun[], opts: LocalOptions): Promise<SweepReport> {
  const results = new Map<string, RunResult>();
  const queue = longestFirst(runs);
  const heldElsewhere: PlannedRun[] = [];
  const startedAt = Date.now();
  const children = new Set<ChildProcess>();
  const onAbort = (): void => {
    for (const c of children) c.kill('SIGINT');
  };
  opts.signal.addEventListener('abort', onAbort);

  const finish = (run: PlannedRun, result: RunResult): void => {
    results.set(run.spec.id, result);
    opts.events.ended(run, result);
  };

  const slots = Math.max(1, opts.concurrency);
  const worker = async (slot: number): Promise<void> => {
    const cpus = coresForSlot(slot, slots);
    for (;;) {
      if (opts.signal.aborted) return;
      const run = queue.shift();
      if (!run) return;
      if (isFinished(run.dir)) {
        finish(run, { state: 'already-finished' });
        continue;
      }
      const lock = runLockState(run.dir);
      if (lock.held && !lock.stale) {
        heldElsewhere.push(run);
        continue;
      }
      const exit = await startChild(run, opts, children, cpus);
      if (exit.code === EXIT_BUSY) heldElsewhere.push(run);
      else if (exit.code === 0) finish(run, isFinished(run.dir) ? { state: 'finished' } : { state: 'already-finished' });
      else if (exit.code === EXIT_INTERRUPTED || exit.code === EXIT_TERMINATED || (opts.signal.aborted && exit.signal === 'SIGINT')) finish(run, { state: 'interrupted' });
      else {
        const logPath = runLogPath(run.dir);
        // A run killed before it could say why (OOM killer, SIGKILL, a crash in native code) gets a record here.
        recordFailureIfMissing(run.dir, { exitCode: exit.code, signal: exit.signal, message: `exited with ${exit.signal ?? `code ${exit.code}`}`, logPath });
        const failure = readFailure(run.dir);
        finish(run, { state: 'failed', exitCode: exit.code, signal: exit.signal, logPath, message: failure?.message ?? null });
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: slots }, (_, slot) => worker(slot)));
    // Runs another executor took: wait until they finish there, or take them over if it let go unfinished.
    while (heldElsewhere.length && !opts.signal.aborted) {
      opts.events.note(`waiting for ${heldElsewhere.length} run(s) held by another process`);
      await sleep(opts.pollMs ?? 500, undefined, { signal: opts.signal }).catch(() => undefined);
      for (const run of heldElsewhere.splice(0)) {
        const lock = runLockState(run.dir);
        if (isFinished(run.dir)) finish(run, { state: 'already-finished' });
        else if (lock.held && !lock.stale) heldElsewhere.push(run);
        else {
          const failure = readFailure(run.dir);
          if (failure && Date.parse(failure.at) >= startedAt) {
            finish(run, { state: 'left-to-other', holder: `failed on ${failure.host}: ${failure.message}` });
          } else queue.push(run);
        }
      }
      if (queue.length) await Promise.all(Array.from({ length: Math.min(queue.length, slots) }, (_, slot) => worker(slot)));
    }
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
  }
  for (const run of [...queue, ...heldElsewhere]) if (!results.has(run.spec.id)) results.set(run.spec.id, { state: 'interrupted' });
  return { results, interrupted: opts.signal.aborted };
}

function startChild(run: PlannedRun, opts: LocalOptions, children: Set<ChildProcess>, cpus: number[] | null): Promise<{ code: number | null; signal: string | null }> {
  mkdirSync(run.dir, { recursive: true });
  const logPath = runLogPath(run.dir);
  const fd = openSync(logPath, 'a');
  opts.events.started(run);
  return new Promise((resolve) => {
    const env = { ...process.env, MBENCH_RUN_LOG: logPath, ...threadsPerRun(opts.concurrency), ...(cpus && { MBENCH_RUN_CPUS: cpus.join(',') }) };
    // No execArgv: the child runs compiled JavaScript and needs none of this process's flags (a test's tsx loader).
    // Pinned: taskset execs node in place (same pid, same IPC channel), so signals and messages are unchanged.
    const child =
      cpus && TASKSET
        ? spawn(TASKSET, ['--cpu-list', cpus.join(','), process.execPath, MBENCH_ENTRY, 'run', run.dir], { stdio: ['ignore', fd, fd, 'ipc'], env })
        : fork(MBENCH_ENTRY, ['run', run.dir], { execArgv: [], stdio: ['ignore', fd, fd, 'ipc'], env });
    children.add(child);
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'progress') opts.events.progress(run, m.event);
      else if (m.type === 'log') opts.events.log(run, m.line);
    });
    child.on('error', () => undefined); // reported through 'exit'
    child.on('exit', (code, signal) => {
      children.delete(child);
      closeSync(fd);
      resolve({ code, signal });
    });
  });
}
