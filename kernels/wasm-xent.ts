/**
 * Softmax cross-entropy over *columns* of transposed logits, as one wasm kernel written in JS.
 *
 * The tied decoder's logits are computed transposed, Lᵀ = table·hᵀ [V,M] (XNNPACK packs only the small hᵀ;
 * h·tableᵀ would pack the 4M-float tableᵀ and run with few rows). One pass over Lᵀ (+ bias per row) then gives,
 * for every masked token j (a column):
 *   loss_j = log Σ_v exp(L_vj) − L_{label_j, j}   (exact log-sum-exp, max-shifted)
 *   correct_j = L_{label_j, j} ≥ max_v L_vj
 *   G = softmax − onehot in both layouts, [M,V] and [V,M], so that both backward products are plain 2-D:
 *   dh = G·table and dtable = Gᵀ·h, and dbias = Σ_j Gᵀ[:, j].
 * Outputs: [G [M,V], Gᵀ [V,M], dbias [V], stats [2] = (Σ_j loss_j, Σ_j correct_j)].
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernel, type WasmBackendInternals } from './wasm-fast-path.js';

export const TIED_XENT = 'MbenchTiedXentColumns';

/** Rows of Lᵀ processed per block when writing G transposed (keeps the strided reads in cache). */
const BLOCK = 64;

function tiedXentKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo[] {
  const lt = args.inputs['logitsT']!;
  const be = args.backend as WasmBackendInternals;
  const [V, M] = lt.shape as [number, number];
  const g = be.makeOutput([M, V], 'float32');
  const gt = be.makeOutput([V, M], 'float32');
  const dbias = be.makeOutput([V], 'float32');
  const stats = be.makeOutput([2], 'float32');
  // Views only after every allocation: growing the heap detaches older views.
  const L = be.typedArrayFromHeap(lt) as Float32Array;
  const bias = be.typedArrayFromHeap(args.inputs['bias']!) as Float32Array;
  const labels = be.typedArrayFromHeap(args.inputs['labels']!) as Int32Array;
  const G = be.typedArrayFromHeap(g) as Float32Array;
  const GT = be.typedArrayFromHeap(gt) as Float32Array;
  const DB = be.typedArrayFromHeap(dbias) as Float32Array;
  const S = be.typedArrayFromHeap(stats) as Float32Array;

  const colMax = new Float64Array(M).fill(-Infinity); // doubles: the label logit must compare equal to its own max
  for (let v = 0; v < V; v++) {
    const b = bias[v]!;
    const row = v * M;
    for (let j = 0; j < M; j++) {
      const x = L[row + j]! + b;
      if (x > colMax[j]!) colMax[j] = x;
    }
  }
  const colSum = new Float64Array(M);
  for (let v = 0; v < V; v++) {
    const b = bias[v]!;
    const row = v * M;
    for (let j = 0; j < M; j++) {
      const e = Math.exp(L[row + j]! + b - colMax[j]!);
      GT[row + j] = e;
      colSum[j] = colSum[j]! + e;
    }
  }
  let loss = 0;
  let correct = 0;
  const inv = new Float32Array(M);
  for (let j = 0; j < M; j++) {
    const label = labels[j]!;
    const x = L[label * M + j]! + bias[label]!;
    loss += Math.log(colSum[j]!) + colMax[j]! - x;
    if (x >= colMax[j]!) correct++;
    inv[j] = 1 / colSum[j]!;
  }
  // Normalise a block of rows of Gᵀ (and sum them into dbias), then write the block transposed into G.
  for (let v0 = 0; v0 < V; v0 += BLOCK) {
    const v1 = Math.min(V, v0 + BLOCK);
    for (let v = v0; v < v1; v++) {
      const row = v * M;
      let s = 0;
      for (let j = 0; j < M; j++) {
        const p = GT[row + j]! * inv[j]!;
        GT[row + j] = p;
        s += p;
      }
      DB[v] = s;
    }
    for (let j = 0; j < M; j++) {
      const out = j * V;
      for (let v = v0; v < v1; v++) G[out + v] = GT[v * M + j]!;
    }
  }
  // − onehot
  for (let j = 0; j < M; j++) {
    const label = labels[j]!;
    GT[label * M + j] = GT[label * M + j]! - 1;
    G[j * V + label] = G[j * V + label]! - 1;
    DB[label] = DB[label]! - 1;
  }
  S[0] = loss;
  S[1] = correct;
  return [g, gt, dbias, stats];
}

/** Runs the kernel (wasm only): logitsT [V,M], bias [V], labels [M] int32 → [G, Gᵀ, dbias, stats]. */
export function tiedXentColumns(logitsT: tf.Tensor2D, bias: tf.Tensor1D, labels: tf.Tensor1D): [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D] {
  registerWasmKernel(TIED_XENT, tiedXentKernel);
  return tf.engine().runKernel(TIED_XENT, { logitsT, bias, labels }) as unknown as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
}
