import type { CommandModule } from 'yargs';
import { UserError } from '../errors.js';
import { handler } from './common.js';

export const command: CommandModule = {
  command: 'backends',
  describe: '(backends: not built yet)',
  handler: handler(() => {
    throw new UserError("'mbench backends' is not built yet");
  }),
};
