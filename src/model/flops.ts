/**
 * The one account of the encoder's size and work: its parameter count and the analytical FLOPs of a training
 * step, used by the run (the model counts each step it trains: summary.json's `params`, `flops`, `mfu`) and by
 * the plan (`mbench sweep --dry-run`, src/config/estimate.ts), so the two agree by construction.
 *
 * FLOPs follow PaLM (Chowdhery et al. 2022, appendix B): a dense layer with P weights costs 2·P FLOPs per token
 * forward and 4·P backward, so training costs 6·P per token; attention adds 12·L·H·T per token (QKᵀ and PV,
 * forward 4·T·H per layer, ×3 for training), where H = heads × head size. Adjusted for what this model does:
 * - dense weights run on the model's rows: the real tokens when unpadded, every position when padded;
 * - the attention core always runs on padded [B,T] (re-padded around attention), so it counts B·T tokens;
 * - the MLM head (transform H×H and the tied decoder H×V) runs on masked tokens only;
 * - embedding lookups are gathers, not FLOPs, and elementwise work (GELU, LayerNorm, softmax) is left out,
 *   as in PaLM's count.
 */
import { paddedVocabSize } from './recipes.js';
import { IGNORE_LABEL, type MlmBatch, type ModelConfig } from './types.js';

/** What a step's FLOPs depend on: the batch's shape and how many of its tokens are real and masked. */
export interface StepShape {
  batchSize: number;
  seqLen: number;
  realTokens: number;
  maskedTokens: number;
}

/** The StepShape of a batch the model trains on. */
export function stepShape(batch: MlmBatch): StepShape {
  let realTokens = 0;
  for (const m of batch.attentionMask) if (m !== 0) realTokens++;
  let maskedTokens = 0;
  for (const l of batch.labels) if (l !== IGNORE_LABEL) maskedTokens++;
  return { batchSize: batch.batchSize, seqLen: batch.seqLen, realTokens, maskedTokens };
}

/** Dense (matmul) weights of one encoder layer: q, k, v, out projections and the feed-forward block. */
export function layerDenseWeights(c: Pick<ModelConfig, 'hidden' | 'intermediate' | 'feedForward'>): number {
  const ffn = (c.feedForward === 'geglu' ? 3 : 2) * c.hidden * c.intermediate;
  return 4 * c.hidden * c.hidden + ffn;
}

/**
 * Every weight of the encoder and its MLM head (src/model/encoder.ts, layer.ts), H hidden, I intermediate,
 * V the padded vocabulary rows, P = maxSeqLen learned positions (none with ALiBi):
 *   embeddings  V·H + P·H + 2·H (token types) + 2·H (LayerNorm)
 *   per layer   4·(H² + H) (q, k, v, out) + 2·H (LayerNorm) + feed-forward + 2·H (LayerNorm)
 *               feed-forward: GELU 2·H·I + I + H; GeGLU 3·H·I + H (gate and value have no bias)
 *   MLM head    H² + H (transform) + 2·H (LayerNorm) + V (decoder bias; the decoder is the tied embedding)
 */
export function parameterCount(c: ModelConfig): number {
  const H = c.hidden;
  const I = c.intermediate;
  const V = paddedVocabSize(c);
  const feedForward = c.feedForward === 'geglu' ? 3 * H * I + H : 2 * H * I + I + H;
  const layer = 4 * (H * H + H) + 2 * H + feedForward + 2 * H;
  const embeddings = V * H + (c.positions === 'learned' ? c.maxSeqLen * H : 0) + 2 * H + 2 * H;
  const mlmHead = H * H + H + 2 * H + V;
  return embeddings + c.layers * layer + mlmHead;
}

/** Training FLOPs of one step: 6·N·rows + 12·L·H·T·(B·T) + 6·(H² + H·V)·masked, with V the padded vocabulary rows. */
export function trainingFlops(c: ModelConfig, s: StepShape): number {
  const rows = c.unpad ? s.realTokens : s.batchSize * s.seqLen;
  const vocabRows = paddedVocabSize(c);
  const dense = 6 * c.layers * layerDenseWeights(c) * rows;
  const attention = 12 * c.layers * c.hidden * s.seqLen * (s.batchSize * s.seqLen);
  const head = 6 * (c.hidden * c.hidden + c.hidden * vocabRows) * s.maskedTokens;
  return dense + attention + head;
}

/**
 * Fallback training FLOPs for a model that cannot count its own: 6 × parameters × tokens (Kaplan et al. 2020,
 * "Scaling Laws for Neural Language Models", §2.1), which leaves out attention's sequence-length term.
 */
export function approximateTrainFlops(params: number, tokens: number): number {
  return 6 * params * tokens;
}

export function tokensPerSecond(tokens: number, seconds: number): number {
  return seconds > 0 ? tokens / seconds : 0;
}

/**
 * Model FLOPs utilisation (PaLM appendix B): the FLOPs the model needs (forward + backward, analytical, no
 * rematerialisation) per second of training over the peak FLOP/s of the devices used. In [0, 1]; null when the
 * device peak is unknown.
 */
export function modelFlopsUtilisation(flops: number, seconds: number, peakFlopsPerSecond: number | null, devices = 1): number | null {
  if (peakFlopsPerSecond === null || !(peakFlopsPerSecond > 0) || !(seconds > 0)) return null;
  return flops / seconds / (peakFlopsPerSecond * devices);
}
