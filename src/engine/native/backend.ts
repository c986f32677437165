/**
 * The tfjs backend `native`: tfjs's cpu backend (tensors are plain Float32Arrays in `backend.data`) with native
 * implementations of the kernels that dominate training registered over the cpu ones. Every other kernel is
 * the cpu kernel itself, registered again under the name `native`; a native kernel hands inputs it does not
 * cover (other dtypes, rare attributes) to that cpu kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './addon.js';
import type { KernelArgs, KernelFactory } from './kernels/context.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { layoutKernels } from './kernels/layout.js';
import { matmulKernels } from './kernels/matmul.js';
import { reduceKernels } from './kernels/reduce.js';
import { onDispose, onRead, onRegister } from './buffers.js';
import { printProfile, profiledKernel, profiling } from './profile.js';

export const NATIVE_BACKEND = 'native';

/**
 * tfjs's cpu backend, plus the bookkeeping of recycled buffers (buffers.ts): registration, read-out and
 * disposal of tensor data. A distinct class also lets tfjs (and a reader of a stack trace) tell the two apart.
 */
export class MathBackendNative extends MathBackendCPU {
  override write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): tf.DataId {
    onRegister(values);
    return super.write(values, shape, dtype);
  }

  override readSync(dataId: tf.DataId): tf.backend_util.BackendValues {
    const values = super.readSync(dataId);
    onRead(this.data.get(dataId)?.values);
    return values;
  }

  override disposeData(dataId: tf.DataId, force?: boolean): boolean {
    const values = this.data.get(dataId)?.values;
    const gone = super.disposeData(dataId, force);
    if (gone && values !== undefined && !this.data.has(dataId)) onDispose(values);
    return gone;
  }
}

const FACTORIES: KernelFactory[] = [matmulKernels, elementwiseKernels, reduceKernels, layoutKernels];

/** Names of the kernels with a native implementation (for `mbench backends` and the tests). */
export function nativeKernelNames(addon: NativeAddon): string[] {
  return FACTORIES.flatMap((f) => f(addon).map((k) => k.kernelName)).sort();
}

/**
 * Registers the backend and its kernels once. Priority 0: tfjs never picks it on its own; mbench's backend
 * selection (src/engine/backends.ts) activates it by name.
 */
export function registerBackendAndKernels(addon: NativeAddon): void {
  if (tf.findBackendFactory(NATIVE_BACKEND)) return;
  const cpuKernels = new Map(tf.getKernelsForBackend('cpu').map((k) => [k.kernelName, k]));
  const native = new Map(FACTORIES.flatMap((f) => f(addon)).map((k) => [k.kernelName, k]));
  if (profiling()) process.on('exit', printProfile);
  for (const [name, cpu] of cpuKernels) {
    const nk = native.get(name);
    const fallback = cpu.kernelFunc as unknown as (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];
    let kernelFunc = nk ? (args: KernelArgs) => nk.kernelFunc(args, fallback) : fallback;
    if (profiling()) kernelFunc = profiledKernel(name, !!nk, kernelFunc);
    tf.registerKernel({ ...cpu, backendName: NATIVE_BACKEND, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  for (const [name] of native) {
    if (!cpuKernels.has(name)) throw new Error(`native kernel ${name} has no cpu counterpart to fall back on`);
  }
  tf.registerBackend(NATIVE_BACKEND, () => new MathBackendNative(), 0);
}
