/**
 * Multi-device runs on one machine: `mbench pretrain --devices N` (and a sweep's run with `devices: N`) starts
 * itself N times under Open MPI's `mpirun`, one rank per device, and watches them.
 *
 * - Before anything starts: MPI must be there (the addon and mpirun), and the machine must have N devices to give:
 *   a core per rank at least on the CPU backends, a GPU per rank on the accelerator ones.
 * - Each rank gets a share of the cores (threads = cores / N, src/launch/local-executor.ts threadsPerRun) and, on
 *   a GPU backend, its own GPU (CUDA_VISIBLE_DEVICES from its local rank); its output goes to
 *   <out>/ranks/rank-<r>.log (appended: a failed attempt's log survives the rerun). Rank 0's lines are relayed.
 * - Failure: a rank that dies ends the job at once (mpirun stops the others; a rank that fails with an error calls
 *   MPI_Abort). A rank that hangs is caught by heartbeats: each rank notes every collective call it enters and
 *   leaves in <out>/ranks/rank-<r>.beat; when none changes for `stallSeconds`, the job is stopped and the rank not
 *   waiting with the others is named. The error names the rank and its log; checkpoints and metrics are written
 *   atomically by rank 0, so the same command resumes from the last checkpoint.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ACCELERATOR_BACKENDS } from '../engine/backend-names.js';
import type { Collective } from '../engine/collectives.js';
import { MPI_APT_PACKAGES, mpiUnavailable, openMpi } from '../engine/mpi.js';
import { UserError } from '../errors.js';
import { checkpointsDir } from '../results/store.js';
import { latestCheckpoint } from '../train/checkpoint.js';
import { MAX_WASM_THREADS } from './local-executor.js';
import { MBENCH_ENTRY } from './run-command.js';

/** Set in every rank's environment: the job's rank count (the rank itself comes from MPI). */
export const RANKS_ENV = 'MBENCH_RANKS';
/** Seconds without any heartbeat before a job counts as hung (default 600: above any evaluation or checkpoint). */
export const STALL_ENV = 'MBENCH_RANK_STALL_SECONDS';
const DEFAULT_STALL_SECONDS = 600;
/** How long stopping ranks get to reach the end of their step and checkpoint before mpirun is signalled. */
const STOP_GRACE_MS = 120_000;

/** The rank count when this process is a rank of a multi-device job, else null. */
export function rankCount(env: NodeJS.ProcessEnv = process.env): number | null {
  const n = Number(env[RANKS_ENV]);
  return Number.isInteger(n) && n >= 1 ? n : null;
}

export const rankLogsDir = (outDir: string): string => join(outDir, 'ranks');
export const rankLogPath = (outDir: string, rank: number): string => join(rankLogsDir(outDir), `rank-${rank}.log`);
const beatPath = (outDir: string, rank: number): string => join(rankLogsDir(outDir), `rank-${rank}.beat`);
/** The launcher's request to stop (its content: SIGINT or SIGTERM): every rank checks it once a step. */
const stopPath = (outDir: string): string => join(rankLogsDir(outDir), 'stop');

/** What the machine can give a run: its cores, and its GPUs (null: none found). */
export interface MachineDevices {
  cores: number;
  gpus: number | null;
}

/** GPUs this process may use: CUDA_VISIBLE_DEVICES when set, else `nvidia-smi -L`; null when neither says. */
export function visibleGpus(env: NodeJS.ProcessEnv = process.env): number | null {
  const visible = env['CUDA_VISIBLE_DEVICES'];
  if (visible !== undefined) return visible.trim() === '' ? 0 : visible.split(',').length;
  const r = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter((l) => l.startsWith('GPU ')).length : null;
}

/**
 * Refuses a device count the machine cannot give, before anything starts: on an accelerator backend one GPU per
 * rank, otherwise at least one core per rank (ranks share the cores, so more ranks than cores only slow down).
 */
export function checkDevices(devices: number, backend: string, where: string, machine: MachineDevices = { cores: availableParallelism(), gpus: null }): void {
  if (devices <= 1) return;
  if ((ACCELERATOR_BACKENDS as readonly string[]).includes(backend)) {
    const gpus = machine.gpus ?? visibleGpus();
    if (gpus === null || gpus < devices) {
      throw new UserError(`${where}: ${devices} devices on backend '${backend}' need ${devices} GPUs, one per rank; this machine has ${gpus ?? 'no visible'} GPU${gpus === 1 ? '' : 's'}`);
    }
    return;
  }
  if (devices > machine.cores) {
    throw new UserError(`${where}: ${devices} devices on backend '${backend}' need a CPU core per rank; this machine gives ${machine.cores} core${machine.cores === 1 ? '' : 's'} (use at most ${machine.cores})`);
  }
}

/**
 * Threads of each rank: the run's share of the cores (MBENCH_NATIVE_THREADS when the executor or the user set it,
 * else every core this process may use) divided between its ranks.
 */
export function rankThreads(devices: number, env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): Record<string, string> {
  const share = Number(env['MBENCH_NATIVE_THREADS']) || cores;
  const perRank = Math.max(1, Math.floor(share / devices));
  return { MBENCH_NATIVE_THREADS: String(perRank), MBENCH_WASM_THREADS: String(Math.min(MAX_WASM_THREADS, perRank)) };
}

/** `mpirun`'s path, or an error naming the packages to install. */
export function mpirunPath(): string {
  const missing = mpiUnavailable();
  if (missing) throw new UserError(missing);
  const r = spawnSync('mpirun', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new UserError(`multi-device runs need Open MPI's mpirun, which is not on PATH: apt install ${MPI_APT_PACKAGES}`);
  return 'mpirun';
}

export interface RankLaunch {
  devices: number;
  /** mbench's arguments for every rank, e.g. ['pretrain', '--out', DIR, …]. */
  args: readonly string[];
  /** The run folder: rank logs go to <outDir>/ranks/, and its checkpoints name the resume point in errors. */
  outDir: string;
  backend: string;
  /** Each line rank 0 writes, as it writes it. */
  onRankZeroLine?: (line: string) => void;
  /** What is being started, and where the logs go (one line). */
  log?: (line: string) => void;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

/** Where a job ended: 0 and null when every rank finished. */
export interface RankOutcome {
  exitCode: number;
  /** A message naming the rank that failed and its log, the resume point; null on success. */
  failure: string | null;
}

/** The command that starts the ranks, and the variable each rank finds its rank in. */
interface RankStarter {
  command: string;
  /** Options before the program. */
  options: string[];
  rankVariable: string;
}

/**
 * `srun` inside a Slurm allocation of at least `devices` tasks (the job script of a multi-device run asks for
 * them: --ntasks), else `mpirun` on this machine. srun wires Open MPI up through PMIx when Slurm has the plugin.
 */
export function rankStarter(devices: number, env: NodeJS.ProcessEnv = process.env): RankStarter {
  if (env['SLURM_JOB_ID'] && Number(env['SLURM_NTASKS']) >= devices && spawnSync('srun', ['--version'], { stdio: 'ignore' }).status === 0) {
    const plugins = spawnSync('srun', ['--mpi=list'], { encoding: 'utf8' });
    const pmix = /\bpmix\b/.test(`${plugins.stdout}${plugins.stderr}`);
    return { command: 'srun', options: [`--ntasks=${devices}`, '--kill-on-bad-exit=1', ...(pmix ? ['--mpi=pmix'] : [])], rankVariable: 'SLURM_PROCID' };
  }
  return { command: mpirunPath(), options: ['-np', String(devices), '--bind-to', 'none'], rankVariable: 'OMPI_COMM_WORLD_RANK' };
}

/** Starts the ranks (mpirun, or srun in a Slurm job) and waits for them; never throws for a rank's failure (see RankOutcome). */
export async function launchRanks(o: RankLaunch): Promise<RankOutcome> {
  const env = o.env ?? process.env;
  const mpiMissing = mpiUnavailable();
  if (mpiMissing) throw new UserError(mpiMissing);
  const starter = rankStarter(o.devices, env);
  const logs = rankLogsDir(o.outDir);
  mkdirSync(logs, { recursive: true });
  rmSync(stopPath(o.outDir), { force: true });
  for (let r = 0; r < o.devices; r++) writeFileSync(beatPath(o.outDir, r), '');
  const stallSeconds = Number(env[STALL_ENV] ?? DEFAULT_STALL_SECONDS);
  const rankEnv: NodeJS.ProcessEnv = {
    ...env,
    ...rankThreads(o.devices, env),
    [RANKS_ENV]: String(o.devices),
    MBENCH_RANK_LOGS: logs,
    // Open MPI refuses to start as root unless both are set; mbench starts it on the user's behalf.
    ...(process.getuid?.() === 0 && { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' }),
  };
  // Each rank's stdout and stderr to its own log; `exec` keeps the rank's pid the one mpirun reports.
  const wrapper = `exec "$@" >>"$MBENCH_RANK_LOGS/rank-$${starter.rankVariable}.log" 2>&1`;
  const argv = [...starter.options, 'sh', '-c', wrapper, 'sh', process.execPath, MBENCH_ENTRY, ...o.args];
  o.log?.(`starting ${o.devices} ranks with ${starter.command}${starter.options.includes('--mpi=pmix') ? ' (PMIx)' : ''}; their logs: ${logs}`);
  const child = spawn(starter.command, argv, { env: rankEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let mpirunOutput = '';
  child.stdout.on('data', (d: Buffer) => (mpirunOutput += d.toString()));
  child.stderr.on('data', (d: Buffer) => (mpirunOutput += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  // Stopping: the ranks see the stop file at their next step, agree on it in that step's reduction and checkpoint;
  // mpirun is signalled only if they have not ended a while later.
  const onAbort = (): void => {
    writeFileSync(stopPath(o.outDir), String(o.signal?.reason ?? 'SIGINT'));
    setTimeout(() => child.kill('SIGTERM'), STOP_GRACE_MS).unref();
  };
  o.signal?.addEventListener('abort', onAbort);

  let stalled: string | null = null;
  let ended = false;
  const relay = o.onRankZeroLine ? tailFile(rankLogPath(o.outDir, 0), o.onRankZeroLine) : null;
  const watch = (async () => {
    let last = { key: '', at: Date.now() };
    while (!ended) {
      await sleep(500);
      relay?.poll();
      const beats = readBeats(o.outDir, o.devices);
      const key = beats.map((b) => b.text).join('|');
      if (key !== last.key) last = { key, at: Date.now() };
      else if (!stalled && Date.now() - last.at > stallSeconds * 1000) {
        stalled = describeStall(beats, stallSeconds, o.outDir);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }
    }
  })();
  const exit = await exited;
  ended = true;
  await watch;
  relay?.poll();
  o.signal?.removeEventListener('abort', onAbort);
  if (exit.code === 0 && !stalled) return { exitCode: 0, failure: null };
  const why = stalled ?? describeRankFailure(mpirunOutput, o.outDir, exit);
  const resume = latestCheckpoint(checkpointsDir(o.outDir));
  const rerun = resume ? `rerun the same command to resume from the checkpoint at step ${resume.step}` : 'no checkpoint was written yet: a rerun starts over';
  const rankCode = /exited with code (\d+)/.exec(why)?.[1];
  const interrupted = o.signal?.aborted || rankCode === '130' || rankCode === '143';
  return { exitCode: interrupted ? 130 : 1, failure: `${why}; the other ranks were stopped; ${rerun}` };
}

/** One rank's heartbeat: `<calls> waiting|done`, or '' before its first collective call. */
interface Beat {
  rank: number;
  text: string;
  calls: number;
  waiting: boolean;
}

function readBeats(outDir: string, size: number): Beat[] {
  return Array.from({ length: size }, (_, rank) => {
    let text = '';
    try {
      text = readFileSync(beatPath(outDir, rank), 'utf8').trim();
    } catch {
      // not written yet
    }
    const [calls, state] = text.split(' ');
    return { rank, text, calls: Number(calls) || 0, waiting: state === 'waiting' };
  });
}

/**
 * The rank(s) holding the others up: not waiting in the collective call the others wait in. A rank stuck inside
 * the call itself (a network fault, a process stopped mid-exchange) looks like the waiting ones: then every rank
 * is named.
 */
export function describeStall(beats: readonly Beat[], stallSeconds: number, outDir: string): string {
  const most = Math.max(...beats.map((b) => b.calls));
  const behind = beats.filter((b) => !(b.waiting && b.calls === most));
  const named = behind.length > 0 && behind.length < beats.length ? behind : beats;
  const who = named.map((b) => `rank ${b.rank} (log ${rankLogPath(outDir, b.rank)})`).join(', ');
  return `no rank made progress for ${stallSeconds} s (${STALL_ENV}); ${named === beats ? 'every rank is stuck: ' : 'held up by '}${who}`;
}

/**
 * Which rank ended the job and how, from mpirun's own report: a rank killed by a signal, one that exited
 * non-zero, or one that called MPI_Abort (a rank's error: the first `mbench: error:` line of its log is quoted).
 */
export function describeRankFailure(mpirunOutput: string, outDir: string, exit: { code: number | null; signal: string | null }): string {
  const killed = /process rank (\d+) with PID \d+ on node \S+ exited on signal (\d+) \(([^)]+)\)/.exec(mpirunOutput);
  if (killed) return `rank ${killed[1]} was killed by signal ${killed[2]} (${killed[3]}); its log: ${rankLogPath(outDir, Number(killed[1]))}`;
  // srun's report (--kill-on-bad-exit): the first task it names ended the step.
  const task = /srun: error: \S+: tasks? (\d+)(?:-\d+)?: (Killed|Terminated|Segmentation fault|Aborted|Exited with exit code (\d+))/.exec(mpirunOutput);
  if (task) {
    const rank = Number(task[1]);
    const error = task[3] ? firstErrorLine(rankLogPath(outDir, rank)) : null;
    const how = task[3] ? `exited with code ${task[3]}${error ? ` (${error})` : ''}` : `was ${task[2] === 'Killed' ? 'killed (SIGKILL)' : task[2]!.toLowerCase()}`;
    return `rank ${rank} ${how}; its log: ${rankLogPath(outDir, rank)}`;
  }
  const aborted = /MPI_ABORT was invoked on rank (\d+) in communicator \S+\s+with errorcode (\d+)/.exec(mpirunOutput);
  const exitedNonZero = /Process name:\s*\[\[\d+,\d+\],(\d+)\]\s*Exit code:\s*(\d+)/.exec(mpirunOutput);
  const hit = aborted ?? exitedNonZero;
  if (hit) {
    const rank = Number(hit[1]);
    const error = firstErrorLine(rankLogPath(outDir, rank));
    return `rank ${rank} exited with code ${hit[2]}${error ? ` (${error})` : ''}; its log: ${rankLogPath(outDir, rank)}`;
  }
  const last = mpirunOutput.trim().split('\n').filter(Boolean).at(-1);
  return `mpirun ended with ${exit.signal ?? `code ${exit.code}`}${last ? ` (${last.trim()})` : ''}; the ranks' logs are in ${rankLogsDir(outDir)}`;
}

/** The message of the last `mbench: error:` line of a log (the error a rank printed before aborting). */
function firstErrorLine(log: string): string | null {
  if (!existsSync(log)) return null;
  const lines = readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('mbench: error: ') || l.startsWith('mbench: internal error: '));
  return lines.at(-1)?.replace(/^mbench: /, '') ?? null;
}

/** Relays the lines appended to a file from now on (polled; the file may not exist yet). */
function tailFile(path: string, onLine: (line: string) => void): { poll(): void } {
  let offset = existsSync(path) ? statSync(path).size : 0;
  let partial = '';
  return {
    poll() {
      if (!existsSync(path)) return;
      const buf = readFileSync(path);
      if (buf.length <= offset) return;
      const text = partial + buf.subarray(offset).toString('utf8');
      offset = buf.length;
      const lines = text.split('\n');
      partial = lines.pop()!;
      for (const l of lines) onLine(l);
    },
  };
}

/**
 * A rank's collective with heartbeats: before and after each call it notes `<calls> waiting|done` in its beat file,
 * which the launcher watches (a hung rank is the one not waiting with the others).
 */
export function withHeartbeat(inner: Collective, outDir: string): Collective {
  const file = beatPath(outDir, inner.rank);
  let calls = 0;
  const around = <T>(fn: () => T): T => {
    calls++;
    writeFileSync(file, `${calls} waiting`);
    const out = fn();
    writeFileSync(file, `${calls} done`);
    return out;
  };
  return {
    rank: inner.rank,
    size: inner.size,
    allreduceSum: (buffer) => around(() => inner.allreduceSum(buffer)),
    barrier: () => around(() => inner.barrier()),
  };
}

/**
 * On an accelerator backend, gives this rank its own GPU before the backend loads: the local rank's entry of
 * CUDA_VISIBLE_DEVICES (all GPUs when unset). A rank that already sees one GPU (Slurm's --gpus-per-task=1) keeps it.
 */
export function pinRankGpu(backend: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!(ACCELERATOR_BACKENDS as readonly string[]).includes(backend)) return;
  const local = Number(env['OMPI_COMM_WORLD_LOCAL_RANK'] ?? env['SLURM_LOCALID']);
  if (!Number.isInteger(local)) return;
  const visible = env['CUDA_VISIBLE_DEVICES']?.split(',').filter(Boolean);
  if (visible && visible.length === 1) return;
  env['CUDA_VISIBLE_DEVICES'] = visible ? (visible[local] ?? '') : String(local);
}

/** This process as one rank of a multi-device run. */
export interface RankHandle {
  /** The rank's collective, with heartbeats. */
  collective: Collective;
  rank: number;
  /** Set when the launcher asked the ranks to stop (its stop file): 'SIGINT' or 'SIGTERM'. */
  stopRequested(): 'SIGINT' | 'SIGTERM' | null;
  /** Ends the rank's part of the job: MPI_Finalize after success or an agreed stop, MPI_Abort after an error. */
  end(exitCode: number): void;
}

/** Initialises MPI for this rank (its GPU pinned first), checks the job's size, starts its heartbeats. */
export function openRank(backend: string, devices: number, outDir: string): RankHandle {
  pinRankGpu(backend);
  const mpi = openMpi();
  if (mpi.size !== devices) throw new UserError(`the run has ${devices} devices, but MPI started ${mpi.size} ranks`);
  process.stderr.write(`mbench: rank ${mpi.rank} of ${mpi.size} (${mpi.library}), pid ${process.pid}, ${new Date().toISOString()}\n`);
  return {
    collective: withHeartbeat(mpi, outDir),
    rank: mpi.rank,
    stopRequested: () => {
      if (!existsSync(stopPath(outDir))) return null;
      return readFileSync(stopPath(outDir), 'utf8').trim() === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
    },
    // Ranks that stop together (success, or a stop every rank agreed on) finalize; any other error ends the job.
    end: (code) => (code === 0 || code === 130 || code === 143 ? mpi.close() : mpi.abort(code)),
  };
}
