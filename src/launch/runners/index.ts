/** Runner by kind. The train runner is imported only when needed, so mock runs never load tfjs. */
import type { RunSpec } from '../../config/run-spec.js';
import { mockRunner } from './mock.js';
import type { Runner } from './types.js';

export async function runnerFor(spec: RunSpec): Promise<Runner> {
  if (spec.runner === 'mock') return mockRunner;
  const { trainRunner } = await import('./train.js');
  return trainRunner;
}
