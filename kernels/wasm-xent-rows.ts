/**
 * The tied decoder's softmax cross-entropy on wasm, in row layout: every heavy step is a vectorised wasm kernel
 * (XNNPACK products and softmax, which are parallel with threads; mbench's SIMD row maxima, wasm-simd.ts), and
 * JavaScript touches only a few values per row.
 *
 * For the M masked tokens (rows), logits L = h·tableᵀ + bias [M,V] and P = softmax(L):
 *   loss_j    = −log P_{j,label_j}
 *               (when P_{j,label_j} underflows below 1e-30, the row's log-sum-exp is summed here exactly instead:
 *               loss_j = max_j + log Σ_v exp(L_jv − max_j) − L_{j,label_j}, so no loss is ever clipped)
 *   correct_j = L_{j,label_j} ≥ max_j
 * `xentRowStats` reduces those per-row values to (Σ_j loss_j, Σ_j correct_j), reading L and P at the labels
 * only. The gradient g = P − onehot is never materialised (mlm-loss.ts applies the one-hot to the small
 * operands). This replaced a column-layout JS kernel that ran max/exp/log-sum-exp over all M·V logits in
 * JavaScript (186 of 1,443 ms of a mosaic-tiny step at vocab 4096), and then a version that took the row maxima
 * of both L and P with tfjs-wasm's scalar Max (2 × 70 ms at vocab 30522; scripts/profile-model.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernel, type WasmBackendInternals } from './wasm-fast-path.js';
import { simdKernels, type SimdKernels } from './wasm-simd.js';

export const XENT_ROW_STATS = 'MbenchXentRowStats';
export const ROW_MAX = 'MbenchRowMax';

/** Below this, −log P loses digits to underflow; such rows get their log-sum-exp summed exactly. */
const TINY_PROB = 1e-30;

/** A wasm kernel reducing each row of x [rows, cols] float32 to one value with a SIMD kernel (see wasm-simd.ts). */
function rowReduction(name: string, reduce: (k: SimdKernels) => SimdKernels['rowMax']) {
  return (args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo => {
    const be = args.backend as WasmBackendInternals;
    const x = args.inputs['x']!;
    if (x.dtype !== 'float32' || x.shape.length !== 2) throw new Error(`${name}: float32 [rows, cols] only, got ${x.dtype} [${x.shape}]`);
    const [rows, cols] = x.shape as [number, number];
    const out = be.makeOutput([rows], 'float32');
    const kernels = simdKernels(be);
    reduce(kernels).call(kernels, be.dataIdMap.get(x.dataId).memoryOffset, be.dataIdMap.get(out.dataId).memoryOffset, rows, cols);
    return out;
  };
}

/** max over each row of x [R,C] float32 → [R] (wasm only: mbench's SIMD kernel; no gradient). */
export function rowMax(x: tf.Tensor2D): tf.Tensor1D {
  registerWasmKernel(ROW_MAX, rowReduction(ROW_MAX, (k) => k.rowMax));
  return tf.engine().runKernel(ROW_MAX, { x }) as tf.Tensor1D;
}

export const ROW_SUM = 'MbenchRowSum';

/** Σ over each row of x [R,C] float32 → [R] (wasm only: mbench's SIMD kernel; no gradient). */
export function rowSum(x: tf.Tensor2D): tf.Tensor1D {
  registerWasmKernel(ROW_SUM, rowReduction(ROW_SUM, (k) => k.rowSum));
  return tf.engine().runKernel(ROW_SUM, { x }) as tf.Tensor1D;
}

function rowStatsKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const be = args.backend as WasmBackendInternals;
  const logits = args.inputs['logits']!;
  const [M, V] = logits.shape as [number, number];
  const out = be.makeOutput([2], 'float32'); // allocate first: a heap growth detaches earlier views
  const L = be.typedArrayFromHeap(logits) as Float32Array;
  const rowMax = be.typedArrayFromHeap(args.inputs['rowMax']!) as Float32Array;
  const P = be.typedArrayFromHeap(args.inputs['probs']!) as Float32Array;
  const labels = be.typedArrayFromHeap(args.inputs['labels']!) as Int32Array;
  const S = be.typedArrayFromHeap(out) as Float32Array;
  let loss = 0;
  let correct = 0;
  for (let j = 0; j < M; j++) {
    const at = j * V + labels[j]!;
    const x = L[at]!;
    const max = rowMax[j]!;
    const p = P[at]!;
    if (p >= TINY_PROB) {
      loss -= Math.log(p);
    } else {
      let sum = 0;
      for (let v = j * V; v < (j + 1) * V; v++) sum += Math.exp(L[v]! - max);
      loss += max + Math.log(sum) - x;
    }
    if (x >= max) correct++;
  }
  S[0] = loss;
  S[1] = correct;
  return out;
}

export const GRAD_T = 'MbenchXentGradT';

function gradTKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const be = args.backend as WasmBackendInternals;
  const probs = args.inputs['probs']!;
  const [M, V] = probs.shape as [number, number];
  const out = be.makeOutput([V, M], 'float32');
  simdKernels(be).transpose32(be.dataIdMap.get(probs.dataId).memoryOffset, be.dataIdMap.get(out.dataId).memoryOffset, 1, M, V);
  const G = be.typedArrayFromHeap(out) as Float32Array; // views after the allocation
  const labels = be.typedArrayFromHeap(args.inputs['labels']!) as Int32Array;
  for (let j = 0; j < M; j++) {
    const label = labels[j]!;
    if (label < 0 || label >= V) throw new Error(`${GRAD_T}: label ${label} outside [0, ${V})`);
    G[label * M + j]! -= 1;
  }
  return out;
}

/**
 * (softmax − onehot)ᵀ [V,M] from probs [M,V] and labels [M] int32: the SIMD transpose, then 1 subtracted at the
 * M label entries of the fresh output (wasm only; no gradient).
 */
export function xentGradT(probs: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
  registerWasmKernel(GRAD_T, gradTKernel);
  return tf.engine().runKernel(GRAD_T, { probs, labels }) as tf.Tensor2D;
}

/** (Σ loss, Σ correct) over rows, from logits [M,V], their row maxima [M], softmax(logits) [M,V], labels [M] int32. */
export function xentRowStats(logits: tf.Tensor2D, rowMaxima: tf.Tensor1D, probs: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  registerWasmKernel(XENT_ROW_STATS, rowStatsKernel);
  return tf.engine().runKernel(XENT_ROW_STATS, { logits, rowMax: rowMaxima, probs, labels }) as tf.Tensor1D;
}
