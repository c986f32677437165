/**
 * MatMul kernels: BatchMatMul (every transpose combination, broadcast batch dimensions) and _FusedMatMul
 * (product + bias + linear/relu/sigmoid activation). One batch item is a single multi-threaded GEMM; many small
 * items run one per thread (see kernels/native/src/gemm.cc).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.js';
import { outputBuffer } from '../buffers.js';
import { BINARY, UNARY } from '../addon.js';
import { broadcastStrides, collapseDims, f32, sizeOf, stridesOf } from '../tensors.js';
import { allFloat32, input, output, type KernelArgs, type KernelFactory } from './context.js';

interface Product {
  outShape: number[];
  out: Float32Array;
}

/** a [...batchA, m, k] · b [...batchB, k, n] (op = transpose per flag) → [...broadcast, m, n]. */
export function batchProduct(addon: NativeAddon, args: KernelArgs, a: tf.TensorInfo, b: tf.TensorInfo, transA: boolean, transB: boolean): Product {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const k2 = transB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = transB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (k !== k2) throw new Error(`native BatchMatMul: inner dimensions ${k} and ${k2} differ (shapes [${a.shape}], [${b.shape}])`);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = tf.backend_util.assertAndGetBroadcastShape(batchA, batchB);
  const outShape = [...batch, m, n];
  const out = outputBuffer(sizeOf(outShape));
  const av = f32(args.backend, a);
  const bv = f32(args.backend, b);
  const items = sizeOf(batch);
  if (items === 1) {
    addon.gemm(transA, transB, m, n, k, 1, av, bv, 0, out);
    return { outShape, out };
  }
  // Element offsets of each batch item, broadcasting size-1 (or missing) batch dimensions.
  const sa = broadcastStrides(batchA, batch);
  const sb = broadcastStrides(batchB, batch);
  const offA = new Float64Array(items);
  const offB = new Float64Array(items);
  const offC = new Float64Array(items);
  const idx = new Array<number>(batch.length).fill(0);
  for (let i = 0; i < items; i++) {
    let oa = 0;
    let ob = 0;
    for (let d = 0; d < batch.length; d++) {
      oa += idx[d]! * sa[d]!;
      ob += idx[d]! * sb[d]!;
    }
    offA[i] = oa * m * k;
    offB[i] = ob * k * n;
    offC[i] = i * m * n;
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++idx[d]! < batch[d]!) break;
      idx[d] = 0;
    }
  }
  addon.gemmBatched(transA, transB, m, n, k, av, offA, bv, offB, out, offC);
  return { outShape, out };
}

/** out += bias, broadcasting bias to out's shape, in place. */
function addBiasInPlace(addon: NativeAddon, out: Float32Array, outShape: number[], bias: Float32Array, biasShape: number[]): void {
  const c = collapseDims(outShape, [stridesOf(outShape), stridesOf(outShape), broadcastStrides(biasShape, outShape)]);
  addon.binary(BINARY.Add, out, bias, out, c.shape, c.strides[1]!, c.strides[2]!);
}

const ACTIVATIONS: Record<string, number | null> = { linear: null, relu: UNARY.Relu, sigmoid: UNARY.Sigmoid };

export const matmulKernels: KernelFactory = (addon) => [
  {
    kernelName: tf.BatchMatMul,
    kernelFunc: (args, fallback) => {
      const a = input(args, 'a');
      const b = input(args, 'b');
      if (!allFloat32(a, b)) return fallback(args);
      const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
      const p = batchProduct(addon, args, a, b, !!transposeA, !!transposeB);
      return output(args.backend, p.outShape, p.out);
    },
  },
  {
    kernelName: tf._FusedMatMul,
    kernelFunc: (args, fallback) => {
      const a = input(args, 'a');
      const b = input(args, 'b');
      const bias = args.inputs['bias'];
      const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean; activation?: string };
      const activation = attrs.activation ?? 'linear';
      const act = ACTIVATIONS[activation];
      const supported = allFloat32(a, b) && (!bias || bias.dtype === 'float32') && act !== undefined && !args.inputs['preluActivationWeights'];
      if (!supported) return fallback(args);
      const p = batchProduct(addon, args, a, b, !!attrs.transposeA, !!attrs.transposeB);
      if (bias) addBiasInPlace(addon, p.out, p.outShape, f32(args.backend, bias), bias.shape);
      if (act !== null && act !== undefined) addon.unary(act, p.out, p.out);
      return output(args.backend, p.outShape, p.out);
    },
  },
];
