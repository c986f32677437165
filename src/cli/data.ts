import type { CommandModule } from 'yargs';
import { UserError } from '../errors.js';
import { handler } from './common.js';

export const command: CommandModule = {
  command: 'data',
  describe: '(data: not built yet)',
  handler: handler(() => {
    throw new UserError("'mbench data' is not built yet");
  }),
};
