// The mbench command tree. Each command lives in src/cli/<name>.ts; src/cli/index.ts lists them. Only the command
// being run is loaded; the others are registered by name and description alone, for --help and typo checks.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { reportError } from '../src/cli/common.js';
import { COMMANDS } from '../src/cli/index.js';
import { mbenchVersion } from '../src/version.js';

const argv = hideBin(process.argv);
const chosen = COMMANDS.find((c) => c.name === argv[0]);

let cli = yargs(argv)
  .scriptName('mbench')
  .usage(
    'mbench — which BERT-style encoder recipe buys the most downstream accuracy per unit of pretraining time and cost?\n\n' +
      'Usage: $0 <command> [options]   ($0 <command> --help for its options)',
  );
for (const entry of COMMANDS) {
  cli = entry === chosen ? cli.command((await entry.load()).command) : cli.command(entry.name, entry.describe);
}

cli = cli
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
