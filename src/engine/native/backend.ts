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
import { printProfile, profiledKernel, profiling } from './profile.js';

export const NATIVE_BACKEND = 'native';

/** A distinct class, so tfjs (and a reader of a stack trace) can tell the two backends apart. */
export class MathBackendNative extends MathBackendCPU {}

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
