/**
 * Layout and indexing kernels: Transpose, Softmax (last axis), GatherV2 (batchDims 0), GatherNd and the two
 * scatters that are gathers' gradients — UnsortedSegmentSum and ScatterNd (both sum rows that repeat).
 */
import * as tf from '@tensorflow/tfjs-core';
import { outputBuffer, zeroBuffer } from '../buffers.js';
import { f32, i32, sizeOf, stridesOf } from '../tensors.js';
import { allFloat32, input, output, type KernelFactory } from './context.js';

function checkIndices(kernel: string, idx: Int32Array, limit: number): void {
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    if (v < 0 || v >= limit) throw new Error(`${kernel}: index ${v} at position ${i} is not in [0, ${limit - 1}]`);
  }
}

/** Rows of an [N, depth] index tensor as flat row numbers of `shape[:depth]` (range-checked). */
function flatRows(kernel: string, raw: Int32Array, depth: number, shape: readonly number[]): Int32Array {
  const rows = raw.length / depth;
  const strides = stridesOf(shape.slice(0, depth));
  const flat = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let v = 0;
    for (let j = 0; j < depth; j++) {
      const ix = raw[r * depth + j]!;
      if (ix < 0 || ix >= shape[j]!) throw new Error(`${kernel}: index ${ix} in row ${r} is not in [0, ${shape[j]! - 1}]`);
      v += ix * strides[j]!;
    }
    flat[r] = v;
  }
  return flat;
}

export const layoutKernels: KernelFactory = (addon) => [
  {
    kernelName: tf.Transpose,
    kernelFunc: (args, fallback) => {
      const x = input(args, 'x');
      if (!allFloat32(x)) return fallback(args);
      const perm = ((args.attrs ?? {}) as { perm: number[] }).perm;
      const outShape = perm.map((d) => x.shape[d]!);
      const out = outputBuffer(sizeOf(x.shape));
      addon.transpose(f32(args.backend, x), [...x.shape], [...perm], out);
      return output(args.backend, outShape, out);
    },
  },
  {
    kernelName: tf.Softmax,
    kernelFunc: (args, fallback) => {
      const x = input(args, 'logits');
      const dim = ((args.attrs ?? {}) as { dim?: number }).dim ?? -1;
      const rank = x.shape.length;
      if (!allFloat32(x) || rank === 0 || (dim !== -1 && dim !== rank - 1)) return fallback(args);
      const cols = x.shape[rank - 1]!;
      const out = outputBuffer(sizeOf(x.shape));
      addon.softmax(f32(args.backend, x), sizeOf(x.shape) / Math.max(cols, 1), cols, out);
      return output(args.backend, [...x.shape], out);
    },
  },
  {
    kernelName: tf.GatherV2,
    kernelFunc: (args, fallback) => {
      const x = input(args, 'x');
      const indices = input(args, 'indices');
      const attrs = (args.attrs ?? {}) as { axis?: number; batchDims?: number };
      if (!allFloat32(x) || (attrs.batchDims ?? 0) !== 0) return fallback(args);
      const axis = tf.util.parseAxisParam(attrs.axis ?? 0, [...x.shape])[0]!;
      const idx = i32(args.backend, indices);
      const axisSize = x.shape[axis]!;
      checkIndices('GatherV2', idx, axisSize);
      const outer = sizeOf(x.shape.slice(0, axis));
      const inner = sizeOf(x.shape.slice(axis + 1));
      const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
      const out = outputBuffer(outer * idx.length * inner);
      addon.gather(f32(args.backend, x), outer, axisSize, inner, idx, out);
      return output(args.backend, outShape, out);
    },
  },
  {
    kernelName: tf.UnsortedSegmentSum,
    kernelFunc: (args, fallback) => {
      const x = input(args, 'x');
      const ids = input(args, 'segmentIds');
      const numSegments = ((args.attrs ?? {}) as { numSegments: number }).numSegments;
      const lead = ids.shape.length;
      if (!allFloat32(x) || x.shape.slice(0, lead).join() !== ids.shape.join()) return fallback(args);
      const rows = sizeOf(ids.shape);
      const rest = x.shape.slice(lead);
      const out = zeroBuffer(numSegments * sizeOf(rest));
      addon.segmentSum(f32(args.backend, x), rows, sizeOf(rest), i32(args.backend, ids), numSegments, out);
      return output(args.backend, [numSegments, ...rest], out);
    },
  },
  {
    kernelName: tf.GatherNd,
    kernelFunc: (args, fallback) => {
      const params = input(args, 'params');
      const indices = input(args, 'indices');
      const depth = indices.shape[indices.shape.length - 1] ?? 0;
      if (!allFloat32(params) || depth < 1 || depth > params.shape.length) return fallback(args);
      const flat = flatRows('GatherNd', i32(args.backend, indices), depth, params.shape);
      const inner = sizeOf(params.shape.slice(depth));
      const out = outputBuffer(flat.length * inner);
      addon.gather(f32(args.backend, params), 1, sizeOf(params.shape.slice(0, depth)), inner, flat, out);
      return output(args.backend, [...indices.shape.slice(0, -1), ...params.shape.slice(depth)], out);
    },
  },
  {
    kernelName: tf.ScatterNd,
    kernelFunc: (args, fallback) => {
      const indices = input(args, 'indices');
      const updates = input(args, 'updates');
      const shape = ((args.attrs ?? {}) as { shape: number[] }).shape;
      const depth = indices.shape[indices.shape.length - 1] ?? 0;
      if (!allFloat32(updates) || depth < 1 || depth > shape.length) return fallback(args);
      // Each index row addresses one slice of `shape[depth:]`; flatten it to a row of [Π shape[:depth], inner].
      const flat = flatRows('ScatterNd', i32(args.backend, indices), depth, shape);
      const rows = flat.length;
      const inner = sizeOf(shape.slice(depth));
      const numRows = sizeOf(shape.slice(0, depth));
      const out = zeroBuffer(numRows * inner);
      addon.segmentSum(f32(args.backend, updates), rows, inner, flat, numRows, out);
      return output(args.backend, [...shape], out);
    },
  },
];
