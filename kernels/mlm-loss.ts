/**
 * The masked-language-model decoder and loss on masked tokens only, with the decoder tied to the word
 * embeddings (BERT; MosaicBERT computes it on masked tokens only, which is most of the head's saving).
 *
 * Contract: `tiedMlmLoss(h [M,H], table [V,H], bias [V], labels [M])` for the M masked tokens →
 *   loss    = mean_i −log softmax(h_i·tableᵀ + bias)[labels_i]   (scalar)
 *   correct = #{i : argmax_j logits_ij = labels_i}               (scalar, ties count as correct)
 * One custom gradient for decoder + softmax + cross-entropy (g = softmax − onehot, written in place of a
 * one-hot with tensorScatterUpdate), so the [M,V] logits see few passes and every product is plain 2-D:
 *   dh = g·table / M,   dtable = ((h/M)ᵀ·g)ᵀ,   dbias = Σ_rows g / M.
 * −log p is computed from the softmax probability, floored at 1e-30: a per-token loss never exceeds 69 nats.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.js';
import { onWasm } from './wasm-fast-path.js';
import { sumRows } from './matmul.js';

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
        const hs = tf.mul(sh, scale) as tf.Tensor2D;
        const dTable = onWasm() ? tf.transpose(tf.matMul(tf.transpose(hs), g)) : tf.matMul(g, hs, true, false);
        const dBias = tf.mul(sumRows(g), scale);
        return [dh, dTable, dBias];
      },
    };
  });
  const both = f(h, table, bias);
  return { loss: tf.reshape(tf.slice(both, [0], [1]), []) as tf.Scalar, correct: tf.reshape(tf.slice(both, [1], [1]), []) as tf.Scalar };
}
