/**
 * Backend selection for the suite. Uses src/engine's selection when it exists; until then, the tfjs
 * backends installed with mbench (wasm, cpu) directly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { cpus, platform } from 'node:os';
import { checkName } from '../../src/errors.js';
import type { Clock } from './harness.js';

export const knownBackends = ['wasm', 'cpu'] as const;

export interface ActiveBackend {
  name: string;
  device: string;
  /** How samples are timed: 'cpu' for single-threaded synchronous backends, 'wall' otherwise (harness.ts). */
  clock: Clock;
  /** Waits for an asynchronous backend to finish a call; undefined for eager synchronous backends. */
  settle?: (out: tf.TensorContainer) => Promise<void>;
}

export function checkBackendName(name: string): (typeof knownBackends)[number] {
  return checkName('backend (--backend)', name, knownBackends);
}

export async function activateBackend(name: string): Promise<ActiveBackend> {
  const known = checkBackendName(name);
  if (known === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  else await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend(known))) throw new Error(`tfjs could not start the '${known}' backend`);
  await tf.ready();
  const cpu = cpus();
  // tfjs-backend-wasm under Node runs single-threaded, and cpu is plain JS: CPU time is the honest clock.
  return { name: known, clock: 'cpu', device: `${cpu[0]?.model.trim() ?? 'unknown CPU'} (${cpu.length} cores, ${platform()})` };
}
