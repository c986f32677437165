import type { CommandModule } from 'yargs';
import { UserError } from '../errors.js';
import { handler } from './common.js';

export const command: CommandModule = {
  command: 'run',
  describe: '(run: not built yet)',
  handler: handler(() => {
    throw new UserError("'mbench run' is not built yet");
  }),
};
