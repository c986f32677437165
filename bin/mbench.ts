// The mbench command tree. Each command lives in src/cli/<name>.ts; this file only assembles them.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { reportError } from '../src/cli/common.js';
import { mbenchVersion } from '../src/version.js';
import { command as backends } from '../src/cli/backends.js';
import { command as data } from '../src/cli/data.js';
import { command as finetune } from '../src/cli/finetune.js';
import { command as kernels } from '../src/cli/kernels.js';
import { command as pareto } from '../src/cli/pareto.js';
import { command as pretrain } from '../src/cli/pretrain.js';
import { command as run } from '../src/cli/run.js';
import { command as status } from '../src/cli/status.js';
import { command as sweep } from '../src/cli/sweep.js';

const cli = yargs(hideBin(process.argv))
  .scriptName('mbench')
  .usage(
    'mbench — which BERT-style encoder recipe buys the most downstream accuracy per unit of pretraining time and cost?\n\n' +
      'Usage: $0 <command> [options]',
  )
  .command(sweep)
  .command(pareto)
  .command(kernels)
  .command(pretrain)
  .command(finetune)
  .command(data)
  .command(status)
  .command(run)
  .command(backends)
  .demandCommand(1, 'Name a command: mbench --help lists them.')
  .strict()
  .recommendCommands()
  .version(mbenchVersion)
  .help()
  .alias('h', 'help')
  .wrap(Math.min(110, process.stdout.columns || 100))
  .fail((msg, err) => {
    if (err) throw err;
    process.stderr.write(`mbench: error: ${msg}\n(see mbench --help)\n`);
    process.exit(2);
  });

try {
  await cli.parseAsync();
} catch (err) {
  process.exitCode = reportError(err);
}
