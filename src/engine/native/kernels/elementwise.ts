/**
 * Element-wise kernels: unary math (exp, log, sqrt, rsqrt, square, neg, tanh, erf, relu, sigmoid, abs,
 * reciprocal) and broadcasting binary ops (add, sub, mul, div, max, min, squared difference), float32 only;
 * other dtypes fall back to the cpu kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { outputBuffer, zeroBuffer } from '../buffers.js';
import { BINARY, UNARY } from '../addon.js';
import { broadcastStrides, collapseDims, f32, sizeOf, stridesOf } from '../tensors.js';
import { allFloat32, input, output, type KernelFactory, type NativeKernel } from './context.js';

export const elementwiseKernels: KernelFactory = (addon) => {
  const unary = (Object.entries(UNARY) as [string, number][]).map(
    ([name, op]): NativeKernel => ({
      kernelName: name,
      kernelFunc: (args, fallback) => {
        const x = input(args, 'x');
        if (!allFloat32(x)) return fallback(args);
        const out = outputBuffer(sizeOf(x.shape));
        addon.unary(op, f32(args.backend, x), out);
        return output(args.backend, [...x.shape], out);
      },
    }),
  );
  const binary = (Object.entries(BINARY) as [string, number][]).map(
    ([name, op]): NativeKernel => ({
      kernelName: name,
      kernelFunc: (args, fallback) => {
        const a = input(args, 'a');
        const b = input(args, 'b');
        if (!allFloat32(a, b)) return fallback(args);
        const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
        const out = outputBuffer(sizeOf(shape));
        const c = collapseDims(shape, [stridesOf(shape), broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)]);
        addon.binary(op, f32(args.backend, a), f32(args.backend, b), out, c.shape, c.strides[1]!, c.strides[2]!);
        return output(args.backend, shape, out);
      },
    }),
  );
  // Zeros of x's shape (tfjs's gradients use it for inputs that get none): a recycled buffer, cleared.
  const zerosLike: NativeKernel = {
    kernelName: tf.ZerosLike,
    kernelFunc: (args, fallback) => {
      const x = input(args, 'x');
      if (!allFloat32(x)) return fallback(args);
      return output(args.backend, [...x.shape], zeroBuffer(sizeOf(x.shape)));
    },
  };
  return [...unary, ...binary, zerosLike];
};
