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

export const NATIVE_BACKEND = 'native';

/** Per-kernel wall time, collected when MBENCH_NATIVE_PROFILE=1 (printed to stderr at exit, longest first). */
const profile = new Map<string, { calls: number; ms: number; native: boolean }>();

function profiled(name: string, native: boolean, f: (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]): (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[] {
  return (args) => {
    const t0 = performance.now();
    const out = f(args);
    const e = profile.get(name) ?? { calls: 0, ms: 0, native };
    e.calls++;
    e.ms += performance.now() - t0;
    profile.set(name, e);
    return out;
  };
}

function printProfile(): void {
  const rows = [...profile.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((s, [, e]) => s + e.ms, 0);
  process.stderr.write(`native kernel profile (total ${total.toFixed(0)} ms):\n`);
  for (const [name, e] of rows.slice(0, 30))
    process.stderr.write(`  ${name.padEnd(22)} ${e.native ? 'native' : 'cpu   '} ${e.ms.toFixed(1).padStart(9)} ms ${String(e.calls).padStart(7)} calls\n`);
}

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
  const profiling = process.env['MBENCH_NATIVE_PROFILE'] === '1';
  if (profiling) process.on('exit', printProfile);
  for (const [name, cpu] of cpuKernels) {
    const nk = native.get(name);
    const fallback = cpu.kernelFunc as unknown as (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];
    let kernelFunc = nk ? (args: KernelArgs) => nk.kernelFunc(args, fallback) : fallback;
    if (profiling) kernelFunc = profiled(name, !!nk, kernelFunc);
    tf.registerKernel({ ...cpu, backendName: NATIVE_BACKEND, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  for (const [name] of native) {
    if (!cpuKernels.has(name)) throw new Error(`native kernel ${name} has no cpu counterpart to fall back on`);
  }
  tf.registerBackend(NATIVE_BACKEND, () => new MathBackendNative(), 0);
}
