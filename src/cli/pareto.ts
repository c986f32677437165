import type { CommandModule } from 'yargs';
import { UserError } from '../errors.js';
import { handler } from './common.js';

export const command: CommandModule = {
  command: 'pareto',
  describe: '(pareto: not built yet)',
  handler: handler(() => {
    throw new UserError("'mbench pareto' is not built yet");
  }),
};
