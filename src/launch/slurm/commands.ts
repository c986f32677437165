/**
 * The Slurm client commands mbench uses, run without a shell (execFile: every value is one argument), with
 * their output parsed. State comes from `squeue -r -t all` and exit codes from `scontrol -o show job`, because
 * clusters (and CI) often run without accounting, where `sacct` knows nothing.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../../errors.js';

const run = promisify(execFile);

/** States after which a task will not run again. */
export const TERMINAL_STATES = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'SPECIAL_EXIT', 'REVOKED']);

/** The full path of `name` on PATH, or null. */
export function which(name: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** Checks the client commands exist before anything is written or submitted. */
export function requireSlurm(): void {
  const missing = ['sbatch', 'squeue', 'scontrol', 'scancel'].filter((c) => which(c) === null);
  if (missing.length) {
    throw new UserError(
      `--executor slurm needs Slurm's client commands, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not on PATH; ` +
        'run on a Slurm login node (or load its module), or use --executor local. Nothing was started.',
    );
  }
}

async function slurm(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string; code?: string | number };
    const detail = (e.stderr ?? '').trim() || e.message;
    throw new SlurmCommandError(`${cmd} failed: ${detail}`);
  }
}

export class SlurmCommandError extends UserError {}

/** Submits with --parsable; returns the job id (`123`, from `123` or `123;cluster`). */
export async function sbatch(args: string[]): Promise<string> {
  const out = (await slurm('sbatch', ['--parsable', ...args])).trim();
  const id = out.split(';')[0]!.trim();
  if (!/^\d+$/.test(id)) throw new SlurmCommandError(`sbatch printed '${out}', not a job id`);
  return id;
}

export interface TaskState {
  index: number;
  state: string;
  reason: string;
}

/** Array task states of a job: one per task (`-r` expands pending ranges), tasks long gone are absent. */
export async function squeueTasks(jobId: string): Promise<Map<number, TaskState>> {
  let out: string;
  try {
    out = await slurm('squeue', ['-h', '-r', '-t', 'all', '-j', jobId, '-o', '%i|%T|%r']);
  } catch (err) {
    if (/Invalid job id/i.test((err as Error).message)) return new Map(); // purged: every task is over
    throw err;
  }
  return parseSqueue(out, jobId);
}

export function parseSqueue(out: string, jobId: string): Map<number, TaskState> {
  const tasks = new Map<number, TaskState>();
  for (const line of out.split('\n')) {
    const [id, state, reason] = line.trim().split('|');
    const m = id ? new RegExp(`^${jobId}_(\\d+)$`).exec(id) : null;
    if (m && state) tasks.set(Number(m[1]), { index: Number(m[1]), state, reason: reason ?? '' });
  }
  return tasks;
}

export interface JobRecord {
  state: string;
  exitCode: number | null;
  signal: number | null;
  fields: Record<string, string>;
}

/** `scontrol -o show job 123_4`: state and `ExitCode=code:signal`; null when slurmctld has forgotten the job. */
export async function scontrolJob(jobTask: string): Promise<JobRecord | null> {
  let out: string;
  try {
    out = await slurm('scontrol', ['-o', 'show', 'job', jobTask]);
  } catch {
    return null;
  }
  return parseScontrol(out);
}

export function parseScontrol(out: string): JobRecord | null {
  const line = out.split('\n').find((l) => l.includes('JobState='));
  if (!line) return null;
  const fields: Record<string, string> = {};
  for (const m of line.matchAll(/(\S+?)=(\S*)/g)) if (!(m[1]! in fields)) fields[m[1]!] = m[2]!;
  const [code, signal] = (fields.ExitCode ?? '').split(':');
  return {
    state: (fields.JobState ?? 'UNKNOWN').split('+')[0]!,
    exitCode: code !== undefined && code !== '' ? Number(code) : null,
    signal: signal !== undefined && signal !== '' ? Number(signal) : null,
    fields,
  };
}

export async function scancel(jobId: string): Promise<void> {
  await slurm('scancel', [jobId]);
}
