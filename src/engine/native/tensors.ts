/**
 * Reading and making tensors on the `native` backend without copies: it is tfjs's cpu backend, whose tensor data
 * are plain typed arrays held in `backend.data`. Native kernels read their inputs there and hand fresh
 * Float32Arrays back through `makeTensorInfo`.
 */
import type * as tf from '@tensorflow/tfjs-core';
import * as tfc from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/** The typed array behind a tensor on a cpu-family backend (read-only: other tensors may share it). */
export function valuesOf(backend: MathBackendCPU, t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array {
  return backend.data.get(t.dataId).values as Float32Array | Int32Array | Uint8Array;
}

/**
 * A float32 tensor's values as a Float32Array. tfjs's cpu Cast from bool or int32 to float32 keeps the source
 * array (no encoding loss, so it shares the data), so a float32 tensor may hold a Uint8Array or Int32Array:
 * those are converted (a copy).
 */
export function f32(backend: MathBackendCPU, t: tf.TensorInfo): Float32Array {
  const v = valuesOf(backend, t);
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

/**
 * A float32 tensor's values for a fused op on the active backend, without handing them out (unlike dataSync(),
 * which lets the buffer escape recycling, buffers.ts); a tensor held elsewhere is read through dataSync().
 */
export function tensorF32(t: tf.Tensor): Float32Array {
  const backend = tfc.backend() as MathBackendCPU;
  const v = backend.data?.has(t.dataId) ? (backend.data.get(t.dataId).values as Float32Array | Int32Array | Uint8Array) : t.dataSync();
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

export function i32(backend: MathBackendCPU, t: tf.TensorInfo): Int32Array {
  const v = valuesOf(backend, t);
  return v instanceof Int32Array ? v : Int32Array.from(v as ArrayLike<number>);
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Row-major element strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let n = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = n;
    n *= shape[d]!;
  }
  return s;
}

/** Strides to read `inShape` broadcast to `outShape` (right-aligned, numpy rules): 0 on broadcast dims. */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(inShape);
  const lead = outShape.length - inShape.length;
  return outShape.map((size, d) => {
    const k = d - lead;
    if (k < 0) return 0;
    return inShape[k] === 1 && size !== 1 ? 0 : own[k]!;
  });
}

/**
 * Merges adjacent dimensions that are contiguous for every operand and drops size-1 dimensions, so the
 * native loop sees as few (and as long) rows as possible: [32,128,256] + [256] → [4096·256 … ] patterns.
 */
export function collapseDims(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const keep = shape.map((s, d) => ({ s, d })).filter(({ s }) => s !== 1);
  const outShape: number[] = [];
  const out: number[][] = strides.map(() => []);
  for (const { s, d } of keep) {
    const last = outShape.length - 1;
    const mergeable =
      last >= 0 && strides.every((st, k) => out[k]![last] === st[d]! * s);
    if (mergeable) {
      outShape[last] = outShape[last]! * s;
      strides.forEach((st, k) => (out[k]![last] = st[d]!));
    } else {
      outShape.push(s);
      strides.forEach((st, k) => out[k]!.push(st[d]!));
    }
  }
  return { shape: outShape, strides: out };
}
