/**
 * The masked-language-model decoder and loss on masked tokens only, with the decoder tied to the word
 * embeddings (BERT; MosaicBERT computes it on masked tokens only, which is most of the head's saving).
 *
 * Contract: `tiedMlmLoss(h [M,H], table [V,H], bias [V], labels [M])` for the M masked tokens →
 *   loss    = mean_i −log softmax(h_i·tableᵀ + bias)[labels_i]   (scalar)
 *   correct = #{i : argmax_j logits_ij = labels_i}               (scalar, ties count as correct)
 * One custom gradient for decoder + softmax + cross-entropy, g = softmax − onehot:
 *   dh = g·table / M,   dtable = gᵀ·h / M,   dbias = Σ_rows g / M.
 * native: one fused native pass each way (src/engine/native/mlm-head.ts): logits tiles made and consumed in cache,
 * an exact log-sum-exp, the [M,V] probabilities never stored; MBENCH_NATIVE_MLM_HEAD=unfused takes the tf-ops path.
 * wasm: logits in row layout, tfjs-wasm's vectorised softmax and row maxima, and one JS reduction over M
 * values (wasm-xent-rows.ts); every product is a plain 2-D XNNPACK call; the loss is an exact log-sum-exp.
 * Other backends: tf ops (softmax, tensorScatterUpdate for the one-hot), where −log p comes from the softmax
 * probability floored at 1e-30 (a per-token loss never exceeds 69 nats).
 * No masked rows (M = 0): loss 0, correct 0, zero gradients, on every backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { nativeMlmHeadActive, nativeTiedMlmLoss } from '../src/engine/native/mlm-head.js';
import { customOp } from './custom-op.js';
import { gatherRowsForward, onWasm } from './wasm-fast-path.js';
import { rowMax, rowSum, xentGradT, xentRowStats } from './wasm-xent-rows.js';

const PROB_FLOOR = 1e-30;

export interface MlmLossResult {
  loss: tf.Scalar;
  correct: tf.Scalar;
}

/** Logits h [M,H] · tableᵀ + bias → [M,V], with the transpose explicit on wasm (XNNPACK 2-D path). */
export function tiedLogits(h: tf.Tensor2D, table: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  if (onWasm()) return tf.fused.matMul({ a: h, b: tf.transpose(table), bias }) as tf.Tensor2D;
  return tf.fused.matMul({ a: h, b: table, transposeB: true, bias }) as tf.Tensor2D;
}

export function tiedMlmLoss(h: tf.Tensor2D, table: tf.Tensor2D, bias: tf.Tensor1D, labels: Int32Array): MlmLossResult {
  const m = labels.length;
  if (h.shape[0] !== m) throw new Error(`tiedMlmLoss: ${h.shape[0]} rows but ${m} labels`);
  const both =
    m === 0 ? noRows(h, table, bias)
    : nativeMlmHeadActive() ? nativeTiedMlmLoss(h, table, bias, labels)
    : onWasm() ? wasmLoss(h, table, bias, labels)
    : portableLoss(h, table, bias, labels);
  return { loss: tf.reshape(tf.slice(both, [0], [1]), []) as tf.Scalar, correct: tf.reshape(tf.slice(both, [1], [1]), []) as tf.Scalar };
}

/** No masked rows: [0, 0] with zero gradients (the mean over no rows is taken as 0, as the model's own guard does). */
function noRows(h: tf.Tensor2D, table: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor1D {
  const f = customOp<tf.Tensor1D>((xs) => ({ value: tf.zeros([2]), gradFunc: () => xs.map((x) => tf.zerosLike(x)) }));
  return f(h, table, bias);
}

/** Any backend: softmax, gather of the label probability, tensorScatterUpdate for softmax − onehot. */
function portableLoss(h: tf.Tensor2D, table: tf.Tensor2D, bias: tf.Tensor1D, labels: Int32Array): tf.Tensor1D {
  const m = labels.length;
  const pairs = new Int32Array(2 * m);
  for (let i = 0; i < m; i++) {
    pairs[2 * i] = i;
    pairs[2 * i + 1] = labels[i]!;
  }
  const f = customOp<tf.Tensor1D>(([hi, t, b], save) => {
    const idx = tf.tensor2d(pairs, [m, 2], 'int32');
    const logits = tiedLogits(hi as tf.Tensor2D, t as tf.Tensor2D, b as tf.Tensor1D);
    const probs = tf.softmax(logits);
    const pLabel = tf.gatherND(probs, idx) as tf.Tensor1D;
    const loss = tf.neg(tf.mean(tf.log(tf.maximum(pLabel, PROB_FLOOR))));
    const correct = tf.sum(tf.cast(tf.greaterEqual(tf.gatherND(logits, idx), tf.max(logits, 1)), 'float32'));
    save([hi!, t!, probs, pLabel, idx]);
    return {
      value: tf.stack([loss, correct]) as tf.Tensor1D,
      gradFunc: (dy, saved) => {
        const [sh, st, sp, spl, sidx] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D];
        const scale = tf.div(tf.slice(dy, [0], [1]), m); // [1]: d loss / M
        const g = tf.tensorScatterUpdate(sp, sidx, tf.sub(spl, 1)) as tf.Tensor2D; // softmax − onehot
        const dh = tf.mul(tf.matMul(g, st), scale);
        const dTable = tf.matMul(g, tf.mul(sh, scale) as tf.Tensor2D, true, false);
        const dBias = tf.mul(tf.sum(g, 0), scale);
        return [dh, dTable, dBias];
      },
    };
  });
  return f(h, table, bias);
}

/**
 * wasm: row-layout logits, XNNPACK softmax, SIMD row maxima and one small JS reduction (wasm-xent-rows.ts); every
 * product is a plain 2-D XNNPACK call with its large operand on the left (XNNPACK re-packs the right one on each
 * call at ~8 ns per float, kernels/matmul.ts), so dtable = (P − Y)ᵀ·h runs on an explicit transpose of P, into
 * which the one-hot is folded.
 */
function wasmLoss(h: tf.Tensor2D, table: tf.Tensor2D, bias: tf.Tensor1D, labels: Int32Array): tf.Tensor1D {
  const m = labels.length;
  const f = customOp<tf.Tensor1D>(([hi, t, b], save) => {
    const logits = tiedLogits(hi as tf.Tensor2D, t as tf.Tensor2D, b as tf.Tensor1D); // [M,V]
    const probs = tf.softmax(logits) as tf.Tensor2D;
    const labelIds = tf.tensor1d(labels, 'int32');
    const stats = xentRowStats(logits, rowMax(logits), probs, labelIds);
    save([hi!, t!, probs, labelIds]);
    return {
      value: tf.div(stats, tf.tensor1d([m, 1])) as tf.Tensor1D, // [mean loss, correct]
      gradFunc: (dy, saved) => {
        const [sh, st, sp, sl] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const scale = tf.div(tf.slice(dy, [0], [1]), m); // [1]: d loss / M
        // g = P − Y (Y the one-hot labels) and its transpose gᵀ [V,M] (one SIMD transpose with the −1s applied):
        // dh = P·table − table[labels], dtable = gᵀ·h, dbias = row sums of gᵀ; the scale goes on the small operands.
        const gt = xentGradT(sp, sl);
        const dh = tf.mul(tf.sub(tf.matMul(sp, st), gatherRowsForward(st, sl)), scale);
        const dTable = tf.matMul(gt, tf.mul(sh, scale) as tf.Tensor2D);
        const dBias = tf.mul(rowSum(gt), scale);
        return [dh, dTable, dBias];
      },
    };
  });
  return f(h, table, bias);
}
