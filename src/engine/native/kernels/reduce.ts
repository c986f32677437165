/**
 * Reductions Sum, Mean, Max, Min over any axes (float32). Axes that form one contiguous block reduce in place
 * as x viewed [A, R, B] → [A, B] (covers last-axis and first-axis sums, e.g. bias gradients); other axis sets
 * are first transposed to the end, as tfjs's cpu kernels do.
 */
import * as tf from '@tensorflow/tfjs-core';
import { zeroBuffer } from '../buffers.js';
import { REDUCE } from '../addon.js';
import { f32, sizeOf } from '../tensors.js';
import { allFloat32, input, output, type KernelFactory, type NativeKernel } from './context.js';

const KERNELS: Array<[string, number, 'axis' | 'reductionIndices']> = [
  [tf.Sum, REDUCE.Sum, 'axis'],
  [tf.Mean, REDUCE.Mean, 'axis'],
  [tf.Max, REDUCE.Max, 'reductionIndices'],
  [tf.Min, REDUCE.Min, 'axis'],
];

export const reduceKernels: KernelFactory = (addon) =>
  KERNELS.map(
    ([kernelName, op, axisAttr]): NativeKernel => ({
      kernelName,
      kernelFunc: (args, fallback) => {
        const x = input(args, 'x');
        if (!allFloat32(x)) return fallback(args);
        const attrs = (args.attrs ?? {}) as Record<string, unknown>;
        const shape = [...x.shape];
        const axes = tf.util.parseAxisParam(attrs[axisAttr] as number | number[], shape).sort((p, q) => p - q);
        const keepDims = !!attrs['keepDims'];
        const outShape = keepDims ? shape.map((s, d) => (axes.includes(d) ? 1 : s)) : shape.filter((_, d) => !axes.includes(d));
        let values = f32(args.backend, x);
        let first = axes[0] ?? 0;
        let last = (axes[axes.length - 1] ?? -1) + 1;
        let view = shape;
        if (axes.length > 0 && last - first !== axes.length) {
          // Not one block: move the reduced axes to the end.
          const perm = [...shape.keys()].filter((d) => !axes.includes(d)).concat(axes);
          const moved = new Float32Array(values.length);
          addon.transpose(values, shape, perm, moved);
          values = moved;
          view = perm.map((d) => shape[d]!);
          first = shape.length - axes.length;
          last = shape.length;
        }
        const A = sizeOf(view.slice(0, first));
        const R = sizeOf(view.slice(first, last));
        const B = sizeOf(view.slice(last));
        const out = zeroBuffer(A * B);
        addon.reduce(op, values, A, axes.length === 0 ? 1 : R, B, out);
        return output(args.backend, outShape, out);
      },
    }),
  );
