/**
 * The tied decoder's softmax cross-entropy on wasm, in row layout: every heavy step is a tfjs-wasm kernel that
 * is vectorised and, with threads, parallel (XNNPACK products and softmax), and JS touches only M values.
 *
 * For the M masked tokens (rows), logits L = h·tableᵀ + bias [M,V] and P = softmax(L) (XNNPACK):
 *   loss_j    = log Σ_v exp(L_jv) − L_{j,label_j} = max_j − log P_{j,argmax} − L_{j,label_j}
 *               (exact: P at the argmax is 1/Σ_v exp(L_jv − max_j) ≥ 1/V, so its log never underflows)
 *   correct_j = L_{j,label_j} ≥ max_j
 * `xentRowStats` reduces those per-row values to (Σ_j loss_j, Σ_j correct_j), reading L at the labels only. The
 * gradient g = P − onehot is never materialised (mlm-loss.ts applies the one-hot to the small operands).
 * This replaced a column-layout JS kernel that ran max/exp/log-sum-exp over all M·V logits in JavaScript
 * (186 of 1,443 ms of a mosaic-tiny step at vocab 4096; scripts/profile-model.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernel, type WasmBackendInternals } from './wasm-fast-path.js';

export const XENT_ROW_STATS = 'MbenchXentRowStats';

function rowStatsKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const be = args.backend as WasmBackendInternals;
  const logits = args.inputs['logits']!;
  const [M, V] = logits.shape as [number, number];
  const out = be.makeOutput([2], 'float32'); // allocate first: a heap growth detaches earlier views
  const L = be.typedArrayFromHeap(logits) as Float32Array;
  const rowMax = be.typedArrayFromHeap(args.inputs['rowMax']!) as Float32Array;
  const pMax = be.typedArrayFromHeap(args.inputs['pMax']!) as Float32Array;
  const labels = be.typedArrayFromHeap(args.inputs['labels']!) as Int32Array;
  const S = be.typedArrayFromHeap(out) as Float32Array;
  let loss = 0;
  let correct = 0;
  for (let j = 0; j < M; j++) {
    const x = L[j * V + labels[j]!]!;
    loss += rowMax[j]! - Math.log(pMax[j]!) - x;
    if (x >= rowMax[j]!) correct++;
  }
  S[0] = loss;
  S[1] = correct;
  return out;
}

/** (Σ loss, Σ correct) over rows, from logits [M,V], their row maxima, the softmax's row maxima, labels [M] int32. */
export function xentRowStats(logits: tf.Tensor2D, rowMax: tf.Tensor1D, pMax: tf.Tensor1D, labels: tf.Tensor1D): tf.Tensor1D {
  registerWasmKernel(XENT_ROW_STATS, rowStatsKernel);
  return tf.engine().runKernel(XENT_ROW_STATS, { logits, rowMax, pMax, labels }) as tf.Tensor1D;
}
