/**
 * What every native kernel gets: the addon, the cpu kernel of the same name (the fallback for dtypes and
 * attributes the native code does not cover) and a helper that makes an output tensor.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.js';

export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: MathBackendCPU;
  attrs?: tf.NamedAttrMap;
}

export type NativeKernelFunc = (args: KernelArgs, fallback: (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]) => tf.TensorInfo | tf.TensorInfo[];

export interface NativeKernel {
  kernelName: string;
  kernelFunc: NativeKernelFunc;
}

export type KernelFactory = (addon: NativeAddon) => NativeKernel[];

export function output(backend: MathBackendCPU, shape: number[], values: Float32Array): tf.TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', values);
}

/** The named input; tfjs passes every declared input, so a missing one is a programming error. */
export function input(args: KernelArgs, name: string): tf.TensorInfo {
  const t = args.inputs[name];
  if (!t) throw new Error(`native kernel: missing input '${name}'`);
  return t;
}

export function allFloat32(...ts: tf.TensorInfo[]): boolean {
  return ts.every((t) => t.dtype === 'float32');
}
