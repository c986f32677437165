/**
 * The task list of a Slurm array job: a JSON array of run folders, index = SLURM_ARRAY_TASK_ID. JSON, not a
 * shell script, so no path is ever parsed by a shell.
 */
import { readJson, writeJsonAtomic } from '../results/atomic.js';
import { BadFileError } from '../errors.js';

export function writeTaskList(path: string, runDirs: string[]): void {
  writeJsonAtomic(path, runDirs);
}

export function taskAt(path: string, index: number): string {
  const list = readJson<unknown>(path);
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw new BadFileError(path, 'not a task list (a JSON array of run folders)');
  const dir = list[index] as string | undefined;
  if (dir === undefined) throw new BadFileError(path, `has ${list.length} tasks; there is no task ${index}`);
  return dir;
}
