import type { CommandModule } from 'yargs';
import { UserError } from '../errors.js';
import { handler } from './common.js';

export const command: CommandModule = {
  command: 'sweep',
  describe: '(sweep: not built yet)',
  handler: handler(() => {
    throw new UserError("'mbench sweep' is not built yet");
  }),
};
