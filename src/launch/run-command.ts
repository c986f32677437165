/**
 * How executors start `mbench run`: node and the one entry, bin/mbench.js, which runs the compiled CLI in dist/
 * (no TypeScript loader, so a child starts in a fraction of a second; `npm run build` makes dist/).
 */
import { join } from 'node:path';
import { repoRoot } from '../version.js';

/** The entry every mbench process starts from, sweep children included. */
export const MBENCH_ENTRY = join(repoRoot, 'bin/mbench.js');

/** The full argv (program first) of `mbench run ARGS…`. */
export function runCommandLine(args: readonly string[]): string[] {
  return [process.execPath, MBENCH_ENTRY, 'run', ...args];
}
