/**
 * Rough size and cost of a run before running it, for `mbench sweep --dry-run`: parameter count, token
 * positions processed and training FLOPs. The training loop measures the real numbers; these are estimates.
 */
import { parseDuration, type Duration } from './duration.js';
import type { Scalar } from './runConfig.js';

/** BERT miniatures (Turc et al. 2019) and BERT base/large: layers, hidden width, heads, FF width. */
export const SIZE_SHAPES = {
  tiny: { layers: 2, hidden: 128, heads: 2, intermediate: 512 },
  mini: { layers: 4, hidden: 256, heads: 4, intermediate: 1024 },
  small: { layers: 4, hidden: 512, heads: 8, intermediate: 2048 },
  medium: { layers: 8, hidden: 512, heads: 8, intermediate: 2048 },
  base: { layers: 12, hidden: 768, heads: 12, intermediate: 3072 },
  large: { layers: 24, hidden: 1024, heads: 16, intermediate: 4096 },
} as const;

export interface RunEstimate {
  params: number;
  /** Parameters inside matmuls of the encoder layers (what the 6N rule counts). */
  layerParams: number;
  steps: number | null;
  /** Token positions processed (batch × seqLen × steps): an upper bound on real tokens, since samples are padded. */
  tokenPositions: number | null;
  flops: number | null;
}

/** Vocabulary rows after padding to a multiple (30522 → 30528 for a multiple of 8). */
export const paddedVocab = (vocabSize: number, multiple: number): number => Math.ceil(vocabSize / multiple) * multiple;

export function estimateRun(config: Record<string, Scalar>): RunEstimate {
  const shape = SIZE_SHAPES[config.size as keyof typeof SIZE_SHAPES];
  const H = shape.hidden;
  const I = shape.intermediate;
  const L = shape.layers;
  const seq = Number(config.seqLen);
  const batch = Number(config.batchSize);
  const V = paddedVocab(Number(config.vocabSize), Number(config.vocabMultiple));
  const glu = config.feedForward === 'geglu';
  const attention = 4 * H * H + 4 * H;
  const feedForward = glu ? 3 * H * I + 2 * I + H : 2 * H * I + I + H;
  const layerParams = L * (attention + feedForward + 4 * H);
  const embeddings = V * H + (config.positions === 'learned' ? seq * H : 0) + 2 * H + 2 * H;
  const mlmHead = H * H + H + 2 * H + V;
  const params = layerParams + embeddings + mlmHead;

  const d = parseDuration(String(config.duration)) as Duration;
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
