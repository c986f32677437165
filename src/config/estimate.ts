/**
 * Rough size and cost of a run before running it, for `mbench sweep --dry-run`: parameter count, token
 * positions processed and training FLOPs. The training loop measures the real numbers; these are estimates.
 */
import { parseRunDuration, type Duration } from './duration.js';
import type { Scalar } from './runConfig.js';
import { paddedVocabSize, SIZES } from '../model/recipes.js';
import type { SizeName } from '../model/types.js';

export interface RunEstimate {
  params: number;
  /** Parameters inside matmuls of the encoder layers (what the 6N rule counts). */
  layerParams: number;
  steps: number | null;
  /** Token positions processed (batch × seqLen × steps): an upper bound on real tokens, since samples are padded. */
  tokenPositions: number | null;
  flops: number | null;
}

export function estimateRun(config: Record<string, Scalar>): RunEstimate {
  const shape = SIZES[config.size as SizeName];
  const H = shape.hidden;
  const I = shape.intermediate;
  const L = shape.layers;
  const seq = Number(config.seqLen);
  const batch = Number(config.batchSize);
  const V = paddedVocabSize({ vocabSize: Number(config.vocabSize), vocabMultiple: Number(config.vocabMultiple) });
  const glu = config.feedForward === 'geglu';
  const attention = 4 * H * H + 4 * H;
  const feedForward = glu ? 3 * H * I + 2 * I + H : 2 * H * I + I + H;
  const layerParams = L * (attention + feedForward + 4 * H);
  const embeddings = V * H + (config.positions === 'learned' ? seq * H : 0) + 2 * H + 2 * H;
  const mlmHead = H * H + H + 2 * H + V;
  const params = layerParams + embeddings + mlmHead;

  const d = parseRunDuration(String(config.duration)) as Duration;
  const steps = d.unit === 'ba' ? d.value : d.unit === 'sp' ? Math.ceil(d.value / batch) : d.unit === 'tok' ? Math.ceil(d.value / (batch * seq)) : null;
  const tokenPositions = d.unit === 'tok' ? d.value : steps === null ? null : steps * batch * seq;
  const flops = tokenPositions === null ? null : tokenPositions * trainingFlopsPerToken(layerParams, L, seq, H, V, H, Number(config.maskRatio));
  return { params, layerParams, steps, tokenPositions, flops };
}

/**
 * Training FLOPs per token: 3 × forward (backward ≈ 2 × forward), with the forward pass per token
 * 2·N (matmul parameters) + 2·L·seq·d_attn (attention scores and weighted sum) — Kaplan et al. 2020,
 * "Scaling Laws for Neural Language Models", Table 1 — plus the MLM transform and tied decoder, which run
 * on masked tokens only: 2·(H² + H·V) per masked token.
 */
export function trainingFlopsPerToken(layerParams: number, layers: number, seqLen: number, dAttn: number, vocabRows: number, hidden: number, maskRatio: number): number {
  const forward = 2 * layerParams + 2 * layers * seqLen * dAttn + maskRatio * 2 * (hidden * hidden + hidden * vocabRows);
  return 3 * forward;
}
