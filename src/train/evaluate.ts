/**
 * MLM evaluation on held-out data: always 15% masking (EVAL_MASK_RATIO), no dropout, the same masks at every
 * evaluation of a run (keyed on the seed and the batch index), so evaluations are comparable across steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { PretrainSource } from '../data/types.js';
import { EVAL_MASK_RATIO, maskTokens } from '../data/masking.js';
import { streamFor } from '../random.js';
import type { TrainableMlm } from './types.js';

export interface MlmEvaluation {
  /** Mean cross-entropy over every masked token of every batch. */
  loss: number;
  accuracy: number;
  maskedTokens: number;
}

export async function evaluateMlm(
  model: TrainableMlm,
  source: PretrainSource,
  seed: number,
  batchSize: number,
  seqLen: number,
  maxBatches: number,
): Promise<MlmEvaluation> {
  const batches = source.evalBatches(batchSize, seqLen, maxBatches);
  let lossSum = 0;
  let correct = 0;
  let masked = 0;
  for (const [i, b] of batches.entries()) {
    const m = maskTokens(b.inputIds, b.attentionMask, EVAL_MASK_RATIO, source.tokenizer.special, source.tokenizer.vocabSize, streamFor(seed, 'eval-mask', i));
    // [loss, correct] in one tensor: one read-back per batch (asynchronous: webgpu has no synchronous read).
    const both = tf.tidy(() => {
      const out = model.mlmLoss({ batchSize, seqLen, inputIds: m.inputIds, attentionMask: b.attentionMask, labels: m.labels }, null);
      return tf.stack([out.loss, out.correct]);
    });
    const [loss, right] = await both.data().finally(() => both.dispose());
    lossSum += loss! * m.maskedCount;
    correct += right!;
    masked += m.maskedCount;
  }
  return masked === 0 ? { loss: NaN, accuracy: NaN, maskedTokens: 0 } : { loss: lossSum / masked, accuracy: correct / masked, maskedTokens: masked };
}
