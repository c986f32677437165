/**
 * The backend a suite runs on (src/engine's useBackend), and how the harness must time it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkName } from '../../src/errors.js';
import { BACKEND_NAMES, useBackend } from '../../src/engine/backends.js';
import type { Clock } from './harness.js';

export const knownBackends = BACKEND_NAMES;

export interface ActiveBackend {
  name: string;
  device: string;
  /** How samples are timed: 'cpu' for single-threaded synchronous backends, 'wall' otherwise (harness.ts). */
  clock: Clock;
  /** Waits for an asynchronous backend to finish a call; undefined for eagerly synchronous backends. */
  settle?: (out: tf.TensorContainer) => Promise<void>;
}

/** Throws the did-you-mean UserError for an unknown backend name, before anything is loaded. */
export function checkBackendName(name: string): string {
  return checkName('backend (--backend)', name, knownBackends);
}

/** Single-threaded and synchronous under Node: a call's cost is exactly this process's CPU time. */
const cpuTimed = new Set(['wasm', 'cpu']);
/** Queue work and return at once: the harness must wait for results inside the timed window. */
const asynchronous = new Set(['webgpu']);

export async function activateBackend(name: string): Promise<ActiveBackend> {
  const active = await useBackend(checkBackendName(name));
  const settle = async (out: tf.TensorContainer) => {
    for (const t of flattenTensors(out)) await t.data();
  };
  return {
    name: active.name,
    device: active.device,
    clock: cpuTimed.has(active.name) ? 'cpu' : 'wall',
    ...(asynchronous.has(active.name) ? { settle } : {}),
  };
}

function flattenTensors(out: tf.TensorContainer): tf.Tensor[] {
  if (out instanceof tf.Tensor) return [out];
  if (Array.isArray(out)) return out.flatMap((o) => flattenTensors(o as tf.TensorContainer));
  if (out !== null && typeof out === 'object' && !ArrayBuffer.isView(out)) return Object.values(out).flatMap((o) => flattenTensors(o as tf.TensorContainer));
  return [];
}
