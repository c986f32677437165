import type { CommandModule } from 'yargs';
import { UserError } from '../errors.js';
import { handler } from './common.js';

export const command: CommandModule = {
  command: 'kernels',
  describe: '(kernels: not built yet)',
  handler: handler(() => {
    throw new UserError("'mbench kernels' is not built yet");
  }),
};
