/**
 * The masked-token MLM head fused with its loss, for kernels/mlm-loss.ts on the `native` backend: the tied
 * decoder logits h·tableᵀ + bias, an exact log-sum-exp per row, the mean cross-entropy and the correct count in
 * one native pass, and the gradients for h, table and bias in one more (kernels/native/src/mlm_head.h). The
 * [M, V] logits and probabilities are never materialised: each tile of them is made and consumed in cache, and
 * the backward pass recomputes its tile from the saved row statistics (2·M floats) — fused linear
 * cross-entropy. Same contract as tiedMlmLoss's other paths; unlike the portable one, no loss is clipped at
 * 69 nats (the softmax floor there), so a token far below the others gets its exact loss.
 *
 * MBENCH_NATIVE_MLM_HEAD=unfused sends native back to the tfjs composition (to compare the two).
 */
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../../errors.js';
import { requireAddon } from './addon.js';
import { outputBuffer } from './buffers.js';
import { tensorF32 } from './tensors.js';
import { onNative } from './fused.js';

export const MLM_HEAD_ENV = 'MBENCH_NATIVE_MLM_HEAD';

/** True when tiedMlmLoss takes the fused head: on `native`, unless MBENCH_NATIVE_MLM_HEAD=unfused. */
export function nativeMlmHeadActive(): boolean {
  if (!onNative()) return false;
  const v = process.env[MLM_HEAD_ENV];
  if (v === undefined || v === '' || v === 'fused') return true;
  if (v === 'unfused') return false;
  throw new UserError(`${MLM_HEAD_ENV}=${v} is not a head: use 'fused' (the default) or 'unfused' (the tfjs composition, to compare)`);
}

const f32 = tensorF32;

/**
 * h [M,H], table [V,H], bias [V], labels [M] in [0, V) → [mean loss (nats), correct count]; gradients for h,
 * table and bias (none for the count). M = 0 gives [0, 0] and zero gradients.
 */
export function nativeTiedMlmLoss(h: tf.Tensor2D, table: tf.Tensor2D, bias: tf.Tensor1D, labels: Int32Array): tf.Tensor1D {
  const addon = requireAddon();
  const [m, hidden] = h.shape;
  const vocab = table.shape[0];
  if (table.shape[1] !== hidden || bias.shape[0] !== vocab || labels.length !== m)
    throw new Error(`nativeTiedMlmLoss: h [${h.shape}], table [${table.shape}], bias [${bias.shape}] and ${labels.length} labels do not fit`);
  const f = tf.customGrad((hi, ti, bi, save) => {
    const [sh, st, sb] = [hi, ti, bi] as tf.Tensor[];
    const stats = new Float32Array(2 * m); // row max, then log Σ exp(logit − max)
    const out = new Float64Array(2);
    addon.mlmHead(f32(sh!), f32(st!), f32(sb!), labels, m, hidden, vocab, stats, out);
    const statsT = tf.tensor1d(stats);
    (save as tf.GradSaveFunc)([sh!, st!, sb!, statsT]);
    return {
      value: tf.tensor1d([m > 0 ? out[0]! / m : 0, out[1]!]),
      gradFunc: (dy, saved) => {
        const [gh, gt, gb, gs] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const scale = m > 0 ? f32(dy as tf.Tensor)[0]! / m : 0; // d mean loss; the count has no gradient
        const dh = outputBuffer(m * hidden);
        const dTable = outputBuffer(vocab * hidden);
        const dBias = new Float32Array(vocab);
        addon.mlmHeadGrad(f32(gh), f32(gt), f32(gb), labels, m, hidden, vocab, f32(gs), scale, dh, dTable, dBias);
        return [tf.tensor2d(dh, [m, hidden]), tf.tensor2d(dTable, [vocab, hidden]), tf.tensor1d(dBias)];
      },
    };
  });
  return f(h, table, bias) as tf.Tensor1D;
}
