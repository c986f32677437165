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
import { simdKernels } from './wasm-simd.js';

export const SLICED_MATMUL = 'MbenchSlicedMatMul';

/** The parts of BackendWasm this file touches (tfjs-backend-wasm 4.22 internals). */
export interface WasmBackendInternals {
  dataIdNextNumber: number;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
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
  const out = be.makeOutput([groups, m, n], 'float32');
  const aOffset = be.dataIdMap.get(a.dataId).memoryOffset;
  const bOffset = be.dataIdMap.get(b.dataId).memoryOffset;
  const outOffset = be.dataIdMap.get(out.dataId).memoryOffset;
  for (let g = 0; g < groups; g++) {
    runViewMatMul(be, [aOffset + 4 * g * m * k, m, k], [bOffset + 4 * g * k * n, k, n], outOffset + 4 * g * m * n);
  }
  return out;
}

/**
 * One XNNPACK product [m,k]·[k,n] over heap memory given as (byte offset, rows, cols): the three regions are
 * registered as temporary tensors (views, no copy), multiplied, and unregistered, which also deletes the
 * XNNPACK operator cached on the B view.
 */
export function runViewMatMul(be: WasmBackendInternals, a: [number, number, number], b: [number, number, number], outOffset: number): void {
  wasmBatchMatMul ??= be.wasm.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']);
  const [aOffset, m, k] = a;
  const [bOffset, , n] = b;
  const aId = be.dataIdNextNumber++;
  const bId = be.dataIdNextNumber++;
  const outId = be.dataIdNextNumber++;
  be.wasm.tfjs.registerTensor(aId, m * k, aOffset);
  be.wasm.tfjs.registerTensor(bId, k * n, bOffset);
  be.wasm.tfjs.registerTensor(outId, m * n, outOffset);
  wasmBatchMatMul(aId, shapeBytes([1, m, k]), 3, bId, shapeBytes([1, k, n]), 3, false, false, outId);
  be.wasm.tfjs.disposeData(aId);
  be.wasm.tfjs.disposeData(bId);
  be.wasm.tfjs.disposeData(outId);
}

export const GATHER_ROWS = 'MbenchGatherRows';

/**
 * out[i] = x[rows[i]] for x [R,C]: row copies between heap views. tfjs-wasm's GatherV2 takes ~30 µs per
 * row of 128 floats (it indexes element by element); a row copy is a memcpy.
 */
function gatherRowsKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const x = args.inputs['x']!;
  const rows = args.inputs['rows']!;
  const be = args.backend as WasmBackendInternals;
  const [numRows, cols] = x.shape as [number, number];
  const n = rows.shape[0]!;
  const out = be.makeOutput([n, cols], x.dtype); // allocate first: a heap growth detaches earlier views
  const src = be.typedArrayFromHeap(x);
  const idx = be.typedArrayFromHeap(rows) as Int32Array;
  const dst = be.typedArrayFromHeap(out);
  for (let i = 0; i < n; i++) {
    const r = idx[i]!;
    if (r < 0 || r >= numRows) throw new Error(`${GATHER_ROWS}: row ${r} outside [0, ${numRows})`);
    dst.set(src.subarray(r * cols, r * cols + cols), i * cols);
  }
  return out;
}

const registered = new Set<string>();

/** Registers a wasm-only kernel once. */
export function registerWasmKernel(kernelName: string, kernelFunc: (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }) => tf.TensorInfo | tf.TensorInfo[]): void {
  if (registered.has(kernelName)) return;
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  registered.add(kernelName);
}

/** True when the current backend is wasm and the sliced kernel is registered for it. */
export function slicedMatMulAvailable(): boolean {
  if (!onWasm()) return false;
  registerWasmKernel(SLICED_MATMUL, slicedMatMulKernel);
  return true;
}

/** x [R,C] rows at `rows` [N] int32 → [N,C]; on wasm a row-copy kernel, elsewhere tf.gather. No gradient. */
export function gatherRowsForward(x: tf.Tensor2D, rows: tf.Tensor1D): tf.Tensor2D {
  if (!onWasm()) return tf.gather(x, rows);
  registerWasmKernel(GATHER_ROWS, gatherRowsKernel);
  return tf.engine().runKernel(GATHER_ROWS, { x, rows }) as tf.Tensor2D;
}

/** [G,m,k]·[G,k,n] → [G,m,n] as G XNNPACK products (wasm only; no gradient: wrap it, see matmul.ts). */
export function slicedMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return tf.engine().runKernel(SLICED_MATMUL, { a, b }) as tf.Tensor3D;
}

/**
 * tfjs-wasm's Identity kernel (behind tf.clone, and behind every tensor a custom gradient saves for its backward
 * pass) copies the whole tensor; the saved logits of the MLM head alone are 2 × 80 MB per step. This replacement
 * shares the data by reference count, as the cpu backend and wasm's own Reshape do (no wasm kernel writes its
 * inputs in place, so sharing is safe). Strings keep the original kernel.
 */
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
type Fallback = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** Replaces tfjs-wasm's kernel `name` with `make(original)`; the replacement may hand cases back to the original. */
function replaceWasmKernel(name: string, make: (original: Fallback) => (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]): void {
  const original = tf.getKernel(name, 'wasm');
  if (!original) return;
  tf.unregisterKernel(name, 'wasm');
  const fallback: Fallback = (args) => original.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: make(fallback) as unknown as tf.KernelFunc });
}

function installSharedIdentity(): void {
  replaceWasmKernel('Identity', (original) => (args) => {
    const x = args.inputs['x']!;
    if (x.dtype === 'string') return original(args);
    (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}

/**
 * Copies x [d0 … dn] to its permutation when `perm` keeps the last axis in place: every innermost row is a
 * contiguous run, so the permutation is a sequence of row copies (e.g. [B,T,heads,d] → [B,heads,T,d]).
 */
function permuteRows(src: Float32Array | Int32Array, dst: Float32Array | Int32Array, shape: number[], perm: number[]): void {
  const rank = shape.length;
  const inner = shape[rank - 1]!;
  const srcStride = new Array<number>(rank).fill(1);
  for (let a = rank - 2; a >= 0; a--) srcStride[a] = srcStride[a + 1]! * shape[a + 1]!;
  const outShape = perm.map((p) => shape[p]!);
  const stride = perm.map((p) => srcStride[p]!); // source stride of each output axis
  const outer = outShape.slice(0, -1);
  const count = outer.reduce((x, y) => x * y, 1);
  const index = new Array<number>(rank - 1).fill(0);
  let from = 0;
  for (let r = 0; r < count; r++) {
    dst.set(src.subarray(from, from + inner), r * inner);
    for (let a = rank - 2; a >= 0; a--) {
      index[a]!++;
      from += stride[a]!;
      if (index[a]! < outer[a]!) break;
      from -= stride[a]! * outer[a]!;
      index[a] = 0;
    }
  }
}

/**
 * tfjs-wasm's Transpose walks its output element by element with index arithmetic (~8 ns per float: 17 ms for
 * a [4096,512] activation, and every weight gradient transposes one). This replacement handles the two kinds
 * the model uses: swapping the last two axes (mbench's SIMD kernel on the heap, kernels/wasm-simd.ts) and
 * permutations that keep the last axis (row copies). Anything else, and non-numeric dtypes, keep the original.
 */
function installFastTranspose(): void {
  replaceWasmKernel('Transpose', (original) => (args) => {
    const x = args.inputs['x']!;
    const perm = (args.attrs as { perm: number[] }).perm;
    const rank = x.shape.length;
    const lead = perm.slice(0, -2).every((p, i) => p === i);
    const swapLast = rank >= 2 && lead && perm[rank - 2] === rank - 1 && perm[rank - 1] === rank - 2;
    const keepsLast = rank >= 2 && perm[rank - 1] === rank - 1;
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || !(swapLast || keepsLast)) return original(args);
    const be = args.backend as WasmBackendInternals;
    const out = be.makeOutput(perm.map((p) => x.shape[p]!), x.dtype);
    if (swapLast) {
      const rows = x.shape[rank - 2]!;
      const cols = x.shape[rank - 1]!;
      const batch = x.shape.slice(0, -2).reduce((p, q) => p * q, 1);
      simdKernels(be).transpose32(be.dataIdMap.get(x.dataId).memoryOffset, be.dataIdMap.get(out.dataId).memoryOffset, batch, rows, cols);
    } else {
      // allocate first (above), then take views: a heap growth detaches earlier ones
      permuteRows(be.typedArrayFromHeap(x) as Float32Array | Int32Array, be.typedArrayFromHeap(out) as Float32Array | Int32Array, x.shape, perm);
    }
    return out;
  });
}

let wasmKernelsInstalled = false;

/** True when the current backend is tfjs-wasm, whose fast paths are plain 2-D matmuls (see above). */
export function onWasm(): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  if (!wasmKernelsInstalled) {
    wasmKernelsInstalled = true;
    installSharedIdentity();
    installFastTranspose();
  }
  return true;
}
