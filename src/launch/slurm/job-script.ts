/**
 * The batch script and sbatch arguments of one sweep submission. Every value that reaches a shell is quoted
 * (../shell-quote.ts); everything else goes to sbatch as separate arguments. Slurm expands `%` patterns in
 * --output paths, so a literal `%` in a folder name is written `%%`.
 */
import type { SlurmSchema } from '../../config/sweep-schema.js';
import type { z } from 'zod';
import { UserError } from '../../errors.js';
import { shellCommand, shellQuote } from '../shell-quote.js';

export interface JobScriptInput {
  /** The working directory of each task (the mbench checkout). */
  cwd: string;
  /** argv of `mbench run` (./run-command.ts), without the task arguments. */
  mbenchRun: string[];
  taskList: string;
  sweep: string;
}

export function jobScript(i: JobScriptInput): string {
  return [
    '#!/bin/bash',
    `# mbench sweep ${i.sweep}: array task N runs the Nth run folder of the task list.`,
    'set -u',
    `cd ${shellQuote(i.cwd)} || exit 1`,
    `exec ${shellCommand([...i.mbenchRun, '--tasks', i.taskList])} --index "$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
}

/** `%` → `%%` so Slurm's filename patterns leave the folder name alone; `%a` (array index) is ours. */
export function slurmFilenamePattern(dir: string, file: string): string {
  if (dir.includes('\\')) throw new UserError(`Slurm cannot write logs under '${dir}': it treats '\\' in --output paths as an escape; use another --results folder`);
  return `${dir.replace(/%/g, '%%')}/${file}`;
}

/** Seconds before the time limit at which Slurm sends SIGTERM to a task (`--signal=B:TERM@N`). */
export const SLURM_SIGNAL_SECONDS = 120;

export interface SbatchInput {
  sweep: string;
  tasks: number;
  concurrency: number | null;
  logDir: string;
  script: string;
  options: z.output<typeof SlurmSchema> | undefined;
  /** Ranks of each run (sweep `devices`): a run is one task of that many ranks (default 1). */
  devices?: number;
  /** The runs train on a GPU backend: each rank gets a GPU unless gpusPerTask says otherwise. */
  accelerated?: boolean;
}

export function sbatchArgs(i: SbatchInput): string[] {
  const o = i.options;
  const args = [
    `--job-name=mbench-${i.sweep}`,
    `--array=0-${i.tasks - 1}${i.concurrency ? `%${i.concurrency}` : ''}`,
    `--output=${slurmFilenamePattern(i.logDir, 'task-%a.log')}`,
    '--open-mode=append',
  ];
  if (o?.partition) args.push(`--partition=${o.partition}`);
  if (o?.time) args.push(`--time=${o.time}`);
  // A multi-device run is one array task of `devices` ranks (srun starts them: src/launch/ranks.ts); cpusPerTask
  // and gpusPerTask are then each rank's.
  if ((i.devices ?? 1) > 1) args.push(`--ntasks=${i.devices}`);
  if (o?.cpusPerTask) args.push(`--cpus-per-task=${o.cpusPerTask}`);
  if (o?.gpusPerTask !== undefined) args.push(`--gpus-per-task=${o.gpusPerTask}`);
  else if ((i.devices ?? 1) > 1 && i.accelerated) args.push('--gpus-per-task=1');
  if (o?.mem) args.push(`--mem=${o.mem}`);
  // A task stops cleanly on SIGTERM (it checkpoints within a step and exits 143): ask for it 120 s before the
  // time limit (B: the batch step, which `exec`s mbench), and let Slurm requeue a task it preempts or loses
  // with a node; the requeued task resumes from its checkpoint. A user's own choice in extraArgs wins.
  const extra = o?.extraArgs ?? [];
  const given = (flag: string): boolean => extra.some((a) => a === flag || a.startsWith(`${flag}=`));
  if (!given('--signal')) args.push(`--signal=B:TERM@${SLURM_SIGNAL_SECONDS}`);
  if (!given('--requeue') && !given('--no-requeue')) args.push('--requeue');
  args.push(...extra, i.script);
  return args;
}
