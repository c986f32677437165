import type { CommandModule } from 'yargs';
import { UserError } from '../errors.js';
import { handler } from './common.js';

export const command: CommandModule = {
  command: 'pretrain',
  describe: '(pretrain: not built yet)',
  handler: handler(() => {
    throw new UserError("'mbench pretrain' is not built yet");
  }),
};
