/**
 * MLM evaluation on held-out data: always 15% masking (EVAL_MASK_RATIO), no dropout, the same masks at every
 * evaluation of a run (keyed on the seed and the batch index), so evaluations are comparable across steps.
 *
 * Each batch is masked whole, then run in chunks of `chunk` samples (the training microbatch, so evaluation
 * fits where training does); with several ranks, chunk c goes to rank c mod size and the sums are reduced. A
 * token's loss depends only on its own sample, so the result is the same for any chunk size or rank count (up
 * to float summation order).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { PretrainSource } from '../data/types.js';
import { EVAL_MASK_RATIO, maskTokens } from '../data/masking.js';
import { SINGLE_PROCESS, type Collective } from '../engine/collectives.js';
import type { MlmBatch } from '../model/types.js';
import { streamFor } from '../random.js';
import { maskedCount } from './batch-split.js';
import type { TrainableMlm } from './types.js';

export interface MlmEvaluation {
  /** Mean cross-entropy over every masked token of every batch. */
  loss: number;
  accuracy: number;
  maskedTokens: number;
}

export interface EvaluationSplit {
  /** Samples per forward pass (default: the whole batch). */
  chunk?: number;
  /** The ranks sharing the chunks (default: this process alone). */
  ranks?: Collective;
}

export async function evaluateMlm(
  model: TrainableMlm,
  source: PretrainSource,
  seed: number,
  batchSize: number,
  seqLen: number,
  maxBatches: number,
  split: EvaluationSplit = {},
): Promise<MlmEvaluation> {
  const chunk = split.chunk ?? batchSize;
  const ranks = split.ranks ?? SINGLE_PROCESS;
  const batches = source.evalBatches(batchSize, seqLen, maxBatches);
  // [Σ loss·masked, Σ correct, Σ masked] in float64 here; float32 only on the way through the reduction.
  const sums: [number, number, number] = [0, 0, 0];
  let c = 0;
  for (const [i, b] of batches.entries()) {
    const m = maskTokens(b.inputIds, b.attentionMask, EVAL_MASK_RATIO, source.tokenizer.special, source.tokenizer.vocabSize, streamFor(seed, 'eval-mask', i));
    for (let first = 0; first < batchSize; first += chunk, c++) {
      if (c % ranks.size !== ranks.rank) continue;
      const [from, to] = [first * seqLen, Math.min(batchSize, first + chunk) * seqLen];
      const part: MlmBatch = { batchSize: (to - from) / seqLen, seqLen, inputIds: m.inputIds.subarray(from, to), attentionMask: b.attentionMask.subarray(from, to), labels: m.labels.subarray(from, to) };
      const n = maskedCount(part);
      if (n === 0) continue;
      // [loss, correct] in one tensor: one read-back per chunk (asynchronous: webgpu has no synchronous read).
      const both = tf.tidy(() => {
        const out = model.mlmLoss(part, null);
        return tf.stack([out.loss, out.correct]);
      });
      const [loss, right] = await both.data().finally(() => both.dispose());
      sums[0] += loss! * n;
      sums[1] += right!;
      sums[2] += n;
    }
  }
  if (ranks.size > 1) {
    const buffer = Float32Array.from(sums);
    ranks.allreduceSum(buffer);
    buffer.forEach((v, i) => (sums[i] = v));
  }
  const [lossSum, correct, masked] = sums;
  return masked === 0 ? { loss: NaN, accuracy: NaN, maskedTokens: 0 } : { loss: lossSum / masked, accuracy: correct / masked, maskedTokens: masked };
}
