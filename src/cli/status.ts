import type { CommandModule } from 'yargs';
import { UserError } from '../errors.js';
import { handler } from './common.js';

export const command: CommandModule = {
  command: 'status',
  describe: '(status: not built yet)',
  handler: handler(() => {
    throw new UserError("'mbench status' is not built yet");
  }),
};
