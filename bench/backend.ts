/**
 * The backend a suite runs on (src/engine's useBackend), and how the harness must time it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkName } from '../src/errors.js';
import { BACKEND_NAMES, useBackend } from '../src/engine/backends.js';
import { clearDeviceError, deviceFault } from '../src/engine/webgpu.js';
import type { Clock } from './harness.js';

export const knownBackends = BACKEND_NAMES;

export interface ActiveBackend {
  name: string;
  device: string;
  /** Estimated float32 peak FLOP/s, null when unknown (src/engine/device.ts). */
  peakFlopsPerSecond: number | null;
  /** How samples are timed: 'cpu' for single-threaded synchronous backends, 'wall' otherwise (harness.ts). */
  clock: Clock;
  /** Waits for an asynchronous backend to finish a call; undefined for eagerly synchronous backends. */
  settle?: (out: tf.TensorContainer) => Promise<void>;
}

/** Throws the did-you-mean UserError for an unknown backend name, before anything is loaded. */
export function checkBackendName(name: string): string {
  return checkName('backend (--backend)', name, knownBackends);
}

/** Synchronous under Node, and single-threaded as the suite runs them: a call's cost is this process's CPU time. */
const cpuTimed = new Set(['wasm', 'cpu', 'native']);
/** Queue work and return at once: the harness must wait for results inside the timed window. */
const asynchronous = new Set(['webgpu']);

export async function activateBackend(name: string): Promise<ActiveBackend> {
  const checked = checkBackendName(name);
  // wasm runs its XNNPACK products on several threads by default (src/engine/wasm-threads.ts). The suite times
  // wasm single-threaded, on the process-CPU clock, unless MBENCH_WASM_THREADS says otherwise: kernel
  // regressions are what it tracks (not thread scaling), and CPU time is the clock least moved by a shared machine.
  // The same holds for the native addon's thread pool (MBENCH_NATIVE_THREADS): with one thread every native
  // call runs on the calling thread, so the process-CPU clock times it exactly.
  if (checked === 'wasm' && !process.env['MBENCH_WASM_THREADS']) process.env['MBENCH_WASM_THREADS'] = '1';
  if (checked === 'native' && !process.env['MBENCH_NATIVE_THREADS']) process.env['MBENCH_NATIVE_THREADS'] = '1';
  // And native's own GEMM, not whichever OpenBLAS a machine has (a baseline recorded with one engine would
  // otherwise be compared with another): MBENCH_NATIVE_GEMM=openblas measures OpenBLAS instead.
  if (checked === 'native' && !process.env['MBENCH_NATIVE_GEMM']) process.env['MBENCH_NATIVE_GEMM'] = 'builtin';
  const active = await useBackend(checked);
  const threaded =
    (active.name === 'wasm' && Number(process.env['MBENCH_WASM_THREADS']) > 1) || (active.name === 'native' && Number(process.env['MBENCH_NATIVE_THREADS']) > 1);
  const settle = async (out: tf.TensorContainer) => {
    for (const t of flattenTensors(out)) await t.data();
    // A shader the GPU refused (e.g. a binding over its size limit) ran nothing: the case errored, not fast.
    const fault = deviceFault();
    if (fault) {
      clearDeviceError();
      throw new Error(`the GPU ${fault.kind === 'lost' ? 'device was lost' : 'refused the work'}: ${fault.message}`);
    }
  };
  return {
    name: active.name,
    device: active.device,
    peakFlopsPerSecond: active.peakFlopsPerSecond,
    clock: cpuTimed.has(active.name) && !threaded ? 'cpu' : 'wall',
    ...(asynchronous.has(active.name) ? { settle } : {}),
  };
}

function flattenTensors(out: tf.TensorContainer): tf.Tensor[] {
  if (out instanceof tf.Tensor) return [out];
  if (Array.isArray(out)) return out.flatMap((o) => flattenTensors(o as tf.TensorContainer));
  if (out !== null && typeof out === 'object' && !ArrayBuffer.isView(out)) return Object.values(out).flatMap((o) => flattenTensors(o as tf.TensorContainer));
  return [];
}
