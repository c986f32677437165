/**
 * The batch script and sbatch arguments of one sweep submission. Every value that reaches a shell is quoted
 * (../shellQuote.ts); everything else goes to sbatch as separate arguments. Slurm expands `%` patterns in
 * --output paths, so a literal `%` in a folder name is written `%%`.
 */
import type { SlurmSchema } from '../../config/sweepSchema.js';
import type { z } from 'zod';
import { UserError } from '../../errors.js';
import { shellCommand, shellQuote } from '../shellQuote.js';

export interface JobScriptInput {
  /** The working directory of each task (the mbench checkout). */
  cwd: string;
  /** argv of `mbench run` (./runCommand.ts), without the task arguments. */
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

export interface SbatchInput {
  sweep: string;
  tasks: number;
  concurrency: number | null;
  logDir: string;
  script: string;
  options: z.output<typeof SlurmSchema> | undefined;
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
  if (o?.cpusPerTask) args.push(`--cpus-per-task=${o.cpusPerTask}`);
  if (o?.gpusPerTask !== undefined) args.push(`--gpus-per-task=${o.gpusPerTask}`);
  if (o?.mem) args.push(`--mem=${o.mem}`);
  args.push(...(o?.extraArgs ?? []), i.script);
  return args;
}
