/**
 * Reaching XNNPACK from tfjs-wasm for many small matmuls at once.
 *
 * tfjs-backend-wasm 4.22 sends a matmul to XNNPACK (~15–25 GFLOP/s single-threaded) only when it is a plain
 * 2-D product (no transposes, batch 1); a batched or transposed product runs a scalar triple loop (~1–1.5
 * GFLOP/s). Splitting a batch into 2-D slices with tf.slice/tf.unstack does not help either: the wasm Slice
 * kernel copies the whole input out of the heap for every slice (`readSync`), ~1.5 ms per slice of a 2 MB tensor.
 *
 * `MbenchSlicedMatMul` is a wasm kernel that runs a batched product [G,m,k]·[G,k,n] as G plain 2-D XNNPACK
 * products over *views*: each slice is registered with the wasm runtime as a tensor that points into the
 * parent's heap memory, so nothing is copied. The views are unregistered right after (which also drops the
 * XNNPACK operator cached on them). This relies on tfjs-backend-wasm internals (dataIdMap, registerTensor),
 * which is why package.json pins 4.22.0 exactly; `slicedMatMulAvailable()` is false on any other backend.
 */
import * as tf from '@tensorflow/tfjs-core';

export const SLICED_MATMUL = 'MbenchSlicedMatMul';

/** The parts of BackendWasm this file touches (tfjs-backend-wasm 4.22 internals). */
interface WasmBackendInternals {
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  wasm: {
    tfjs: { registerTensor(id: number, size: number, memoryOffset: number): void; disposeData(id: number): void };
    cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
  };
}

let wasmBatchMatMul: ((...args: unknown[]) => void) | null = null;

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

function slicedMatMulKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const a = args.inputs['a']!;
  const b = args.inputs['b']!;
  const be = args.backend as WasmBackendInternals;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error(`${SLICED_MATMUL}: float32 only`);
  const [groups, m, k] = a.shape as [number, number, number];
  const n = b.shape[2]!;
  if (b.shape[0] !== groups || b.shape[1] !== k) throw new Error(`${SLICED_MATMUL}: shapes ${a.shape} · ${b.shape} do not match`);
  wasmBatchMatMul ??= be.wasm.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']);
  const out = be.makeOutput([groups, m, n], 'float32');
  const aOffset = be.dataIdMap.get(a.dataId).memoryOffset;
  const bOffset = be.dataIdMap.get(b.dataId).memoryOffset;
  const outOffset = be.dataIdMap.get(out.dataId).memoryOffset;
  const aShape = shapeBytes([1, m, k]);
  const bShape = shapeBytes([1, k, n]);
  for (let g = 0; g < groups; g++) {
    const aId = be.dataIdNextNumber++;
    const bId = be.dataIdNextNumber++;
    const outId = be.dataIdNextNumber++;
    be.wasm.tfjs.registerTensor(aId, m * k, aOffset + 4 * g * m * k);
    be.wasm.tfjs.registerTensor(bId, k * n, bOffset + 4 * g * k * n);
    be.wasm.tfjs.registerTensor(outId, m * n, outOffset + 4 * g * m * n);
    wasmBatchMatMul(aId, aShape, 3, bId, bShape, 3, false, false, outId);
    // Unregister the views (memory belongs to the parents); this also deletes the XNNPACK op cached on bId.
    be.wasm.tfjs.disposeData(aId);
    be.wasm.tfjs.disposeData(bId);
    be.wasm.tfjs.disposeData(outId);
  }
  return out;
}

let registered = false;

/** True when the current backend is wasm and the sliced kernel is registered for it. */
export function slicedMatMulAvailable(): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  if (!registered) {
    tf.registerKernel({ kernelName: SLICED_MATMUL, backendName: 'wasm', kernelFunc: slicedMatMulKernel as unknown as tf.KernelFunc });
    registered = true;
  }
  return true;
}

/** [G,m,k]·[G,k,n] → [G,m,n] as G XNNPACK products (wasm only; no gradient: wrap it, see matmul.ts). */
export function slicedMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return tf.engine().runKernel(SLICED_MATMUL, { a, b }) as tf.Tensor3D;
}

/** True when the current backend is tfjs-wasm, whose fast paths are plain 2-D matmuls (see above). */
export function onWasm(): boolean {
  return tf.getBackend() === 'wasm';
}
