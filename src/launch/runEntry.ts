/**
 * `mbench run` alone, for executors: the same command module as bin/mbench.ts's `run`, without loading the other
 * commands (pareto's vega, the kernels suite, tfjs for pretrain), which costs seconds per child on a busy machine.
 * Start it with `node --import tsx src/launch/runEntry.ts <args of mbench run>` (see runCommandLine).
 */
import yargs from 'yargs';
import { command } from '../cli/run.js';
import { reportError } from '../cli/common.js';

try {
  await yargs(process.argv.slice(2)).scriptName('mbench').command(command).demandCommand(1).strict().help().parseAsync();
} catch (err) {
  process.exitCode = reportError(err);
}
