/** How executors start `mbench run`: node, the tsx loader, and the lean entry (./runEntry.ts). */
import { join } from 'node:path';
import { repoRoot } from '../version.js';

export const RUN_ENTRY = join(repoRoot, 'src/launch/runEntry.ts');

/** Node options that let the child load TypeScript (the tsx loader, resolved from this checkout). */
export function tsxExecArgv(): string[] {
  return ['--import', import.meta.resolve('tsx')];
}

/** The full argv (program first) of `mbench run ARGS…`. */
export function runCommandLine(args: readonly string[]): string[] {
  return [process.execPath, ...tsxExecArgv(), RUN_ENTRY, 'run', ...args];
}
