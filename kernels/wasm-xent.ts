/**
 * Softmax cross-entropy over *columns* of transposed logits, as one wasm kernel written in JS.
 *
 * The tied decoder's logits are computed transposed, Lᵀ = table·hᵀ [V,M] (XNNPACK packs only the small hᵀ;
 * h·tableᵀ would pack the 4M-float tableᵀ and run with few rows). One pass over Lᵀ (+ bias per row) then gives,
 * for every masked token j (a column):
 *   loss_j = log Σ_v exp(L_vj) − L_{label_j, j}   (exact log-sum-exp, max-shifted)
 *   correct_j = L_{label_j, j} ≥ max_v L_vj
 *   the unnormalised e_vj = exp(L_vj − max_j) in two layouts, and r_j = 1/Σ_v e_vj.
 * The gradient g = softmax − onehot = e·diag(r) − Y is never materialised; mlm-loss.ts applies r and Y to the
 * small operands instead: dh = diag(r)·(E·table) − table[labels], dtable = Eᵀ·(diag(r)·h) − scatter(labels, h),
 * dbias = Eᵀ·r − counts(labels). Eᵀ [V,M] serves Eᵀ·(…); E is stored chunk-major for E·table =
 * Σ_c E[:, chunk c]·table[chunk c] (chunkedMatMul below): the [M, w_c] block of columns c·CHUNK … is contiguous,
 * so each chunk product is a plain 2-D XNNPACK call over heap views with K = CHUNK. (One product with
 * K = V = 30528 runs at less than half the speed: XNNPACK streams all of E once per panel of output columns.)
 * Outputs: [E (flat, chunk-major, M·V), Eᵀ [V,M], r [M], stats [2] = (Σ_j loss_j, Σ_j correct_j)].
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernel, runViewMatMul, type WasmBackendInternals } from './wasm-fast-path.js';

export const TIED_XENT = 'MbenchTiedXentColumns';

/** Rows of Lᵀ processed per block when writing G transposed (keeps the strided reads in cache). */
const BLOCK = 64;
/** Columns of G per chunk (a multiple of BLOCK). */
export const CHUNK = 1024;


function tiedXentKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo[] {
  const lt = args.inputs['logitsT']!;
  const be = args.backend as WasmBackendInternals;
  const [V, M] = lt.shape as [number, number];
  const g = be.makeOutput([M * V], 'float32');
  const gt = be.makeOutput([V, M], 'float32');
  const invOut = be.makeOutput([M], 'float32');
  const stats = be.makeOutput([2], 'float32');
  // Views only after every allocation: growing the heap detaches older views.
  const L = be.typedArrayFromHeap(lt) as Float32Array;
  const bias = be.typedArrayFromHeap(args.inputs['bias']!) as Float32Array;
  const labels = be.typedArrayFromHeap(args.inputs['labels']!) as Int32Array;
  const E = be.typedArrayFromHeap(g) as Float32Array;
  const ET = be.typedArrayFromHeap(gt) as Float32Array;
  const inv = be.typedArrayFromHeap(invOut) as Float32Array;
  const S = be.typedArrayFromHeap(stats) as Float32Array;

  // 1. Column maxima (doubles: a label logit must compare equal to its own column's max).
  const colMax = new Float64Array(M).fill(-Infinity);
  for (let v = 0; v < V; v++) {
    const b = bias[v]!;
    const row = v * M;
    for (let j = 0; j < M; j++) {
      const x = L[row + j]! + b;
      if (x > colMax[j]!) colMax[j] = x;
    }
  }
  // 2. e = exp(logit − max) into Eᵀ a block of rows at a time, each block then copied transposed into E.
  const colSum = new Float64Array(M);
  for (let v0 = 0; v0 < V; v0 += BLOCK) {
    const v1 = Math.min(V, v0 + BLOCK);
    for (let v = v0; v < v1; v++) {
      const b = bias[v]!;
      const row = v * M;
      for (let j = 0; j < M; j++) {
        const e = Math.exp(L[row + j]! + b - colMax[j]!);
        ET[row + j] = e;
        colSum[j] = colSum[j]! + e;
      }
    }
    const c = Math.floor(v0 / CHUNK);
    const w = Math.min(CHUNK, V - c * CHUNK);
    const base = M * c * CHUNK + (v0 - c * CHUNK);
    for (let j = 0; j < M; j++) {
      const out = base + j * w - v0;
      for (let v = v0; v < v1; v++) E[out + v] = ET[v * M + j]!;
    }
  }
  // 3. Per token: exact log-sum-exp loss, argmax hit, 1/Σe.
  let loss = 0;
  let correct = 0;
  for (let j = 0; j < M; j++) {
    const label = labels[j]!;
    const x = L[label * M + j]! + bias[label]!;
    loss += Math.log(colSum[j]!) + colMax[j]! - x;
    if (x >= colMax[j]!) correct++;
    inv[j] = 1 / colSum[j]!;
  }
  S[0] = loss;
  S[1] = correct;
  return [g, gt, invOut, stats];
}

/** Runs the kernel (wasm only): logitsT [V,M], bias [V], labels [M] int32 → [E (chunked), Eᵀ, r, stats]. */
export function tiedXentColumns(logitsT: tf.Tensor2D, bias: tf.Tensor1D, labels: tf.Tensor1D): [tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D] {
  registerWasmKernel(TIED_XENT, tiedXentKernel);
  return tf.engine().runKernel(TIED_XENT, { logitsT, bias, labels }) as unknown as [tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
}

export const CHUNKED_MATMUL = 'MbenchChunkedMatMul';

/** G·table for chunk-major G (M·V values) and table [V,H] → [M,H]: one XNNPACK product per chunk, summed. */
function chunkedMatMulKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }): tf.TensorInfo {
  const g = args.inputs['g']!;
  const table = args.inputs['table']!;
  const be = args.backend as WasmBackendInternals;
  const [V, H] = table.shape as [number, number];
  const M = (args.attrs as { m: number }).m;
  const chunks = Math.ceil(V / CHUNK);
  const out = be.makeOutput([M, H], 'float32');
  const parts = be.makeOutput([chunks, M, H], 'float32');
  const gOffset = be.dataIdMap.get(g.dataId).memoryOffset;
  const tOffset = be.dataIdMap.get(table.dataId).memoryOffset;
  const pOffset = be.dataIdMap.get(parts.dataId).memoryOffset;
  for (let c = 0; c < chunks; c++) {
    const w = Math.min(CHUNK, V - c * CHUNK);
    runViewMatMul(be, [gOffset + 4 * M * c * CHUNK, M, w], [tOffset + 4 * c * CHUNK * H, w, H], pOffset + 4 * c * M * H);
  }
  const P = be.typedArrayFromHeap(parts) as Float32Array;
  const O = be.typedArrayFromHeap(out) as Float32Array;
  O.set(P.subarray(0, M * H));
  for (let c = 1; c < chunks; c++) {
    const base = c * M * H;
    for (let i = 0; i < M * H; i++) O[i] = O[i]! + P[base + i]!;
  }
  (be as unknown as { disposeData(id: object): void }).disposeData(parts.dataId);
  return out;
}

/** G (chunk-major, from tiedXentColumns) · table [V,H] → [M,H] (wasm only; no gradient). */
export function chunkedMatMul(g: tf.Tensor1D, table: tf.Tensor2D, m: number): tf.Tensor2D {
  registerWasmKernel(CHUNKED_MATMUL, chunkedMatMulKernel);
  return tf.engine().runKernel(CHUNKED_MATMUL, { g, table }, { m } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}
