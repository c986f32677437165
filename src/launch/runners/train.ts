/** The real runner: pretrain with src/train, then fine-tune with the suite runner. Wired as the engine lands. */
import { UserError } from '../../errors.js';
import type { Runner } from './types.js';

export const trainRunner: Runner = async () => {
  throw new UserError('the training engine is not wired into `mbench run` yet; use `runner: mock` in the sweep file meanwhile');
};
