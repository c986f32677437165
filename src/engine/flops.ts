/**
 * Analytical FLOPs of one training step (forward + backward) of the encoder with its MLM head.
 *
 * Following PaLM (Chowdhery et al. 2022, appendix B): a dense layer with P weights costs 2·P FLOPs per token
 * forward and 4·P backward, so training costs 6·N per token; attention adds 12·L·H·T per token (QKᵀ and PV,
 * forward 4·T·H per layer, ×3 for training), where H = heads × head size. Adjusted for what this model does:
 * - dense weights run on the model's rows: the real tokens when unpadded, every position when padded;
 * - the attention core always runs on padded [B,T] (re-padded around attention), so it counts B·T tokens;
 * - the MLM head (transform H×H and the tied decoder H×V) runs on masked tokens only;
 * - embedding lookups are gathers, not FLOPs, and elementwise work (GELU, LayerNorm, softmax) is left out,
 *   as in PaLM's count.
 */
import type { ModelConfig } from '../model/types.js';

export interface StepShape {
  batchSize: number;
  seqLen: number;
  realTokens: number;
  maskedTokens: number;
}

/** Dense (matmul) weights of one encoder layer: q, k, v, out projections and the feed-forward block. */
export function layerDenseWeights(c: Pick<ModelConfig, 'hidden' | 'intermediate' | 'feedForward'>): number {
  const ffn = (c.feedForward === 'geglu' ? 3 : 2) * c.hidden * c.intermediate;
  return 4 * c.hidden * c.hidden + ffn;
}

/** 6·N·rows + 12·L·H·T·(B·T) + 6·(H² + H·V)·masked, with V the padded vocabulary rows. */
export function trainingFlops(c: ModelConfig, s: StepShape): number {
  const rows = c.unpad ? s.realTokens : s.batchSize * s.seqLen;
  const vocabRows = Math.ceil(c.vocabSize / c.vocabMultiple) * c.vocabMultiple;
  const dense = 6 * c.layers * layerDenseWeights(c) * rows;
  const attention = 12 * c.layers * c.hidden * s.seqLen * (s.batchSize * s.seqLen);
  const head = 6 * (c.hidden * c.hidden + c.hidden * vocabRows) * s.maskedTokens;
  return dense + attention + head;
}

/** Model FLOPs utilisation: achieved FLOP/s over the device's peak (PaLM appendix B). */
export function mfu(flopsPerStep: number, secondsPerStep: number, peakFlopsPerSecond: number): number {
  return flopsPerStep / secondsPerStep / peakFlopsPerSecond;
}
