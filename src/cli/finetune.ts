import type { CommandModule } from 'yargs';
import { UserError } from '../errors.js';
import { handler } from './common.js';

export const command: CommandModule = {
  command: 'finetune',
  describe: '(finetune: not built yet)',
  handler: handler(() => {
    throw new UserError("'mbench finetune' is not built yet");
  }),
};
