/**
 * One post-LayerNorm encoder layer (Devlin et al. 2019; MosaicBERT keeps post-LN):
 *   x ← LN(x + Dropout(Attention(x)·Wo + bo));  x ← LN(x + Dropout(FFN(x)))
 * on rows x [N,H]: all B·T rows when padded, the real tokens only when unpadded, in which case the attention
 * core re-pads q, k, v to [B·T,H] and unpads its context (or, fused on `native`, reads the packed rows).
 */
import * as tf from '@tensorflow/tfjs-core';
import { attention } from '../../kernels/attention.js';
import { dropout, sampleRows } from '../../kernels/dropout.js';
import { mixSeed } from '../random.js';
import { geglu, geluMlp } from '../../kernels/feedforward.js';
import type { RowIndex } from '../../kernels/gather.js';
import { addLayerNorm } from '../../kernels/layernorm.js';
import { linear } from '../../kernels/matmul.js';
import type { ModelConfig } from './types.js';
import type { WeightStore } from './weights.js';

/** Declares layer i's weights in `store` (names are the checkpoint names). */
export function addLayerWeights(store: WeightStore, c: ModelConfig, i: number): void {
  const p = `layer.${i}`;
  const H = c.hidden;
  for (const n of ['q', 'k', 'v', 'out']) {
    store.add(`${p}.attn.${n}.w`, [H, H], 'normal');
    store.add(`${p}.attn.${n}.b`, [H], 'zeros');
  }
  store.add(`${p}.attn.ln.gamma`, [H], 'ones');
  store.add(`${p}.attn.ln.beta`, [H], 'zeros');
  if (c.feedForward === 'geglu') {
    store.add(`${p}.ffn.gate.w`, [H, c.intermediate], 'normal');
    store.add(`${p}.ffn.value.w`, [H, c.intermediate], 'normal');
  } else {
    store.add(`${p}.ffn.in.w`, [H, c.intermediate], 'normal');
    store.add(`${p}.ffn.in.b`, [c.intermediate], 'zeros');
  }
  store.add(`${p}.ffn.out.w`, [c.intermediate, H], 'normal');
  store.add(`${p}.ffn.out.b`, [H], 'zeros');
  store.add(`${p}.ffn.ln.gamma`, [H], 'ones');
  store.add(`${p}.ffn.ln.beta`, [H], 'zeros');
}

export interface LayerContext {
  config: ModelConfig;
  batch: number;
  seq: number;
  /** Real-token rows in the padded layout, when the model runs unpadded. */
  real: RowIndex | null;
  /** When unpadded and every sample's real tokens come first: each sample's first row (kernels/padding.ts). */
  rowStart: Int32Array | null;
  /** Additive attention bias [B|1, heads, T, T] (ALiBi and key mask), built on first use. */
  bias: () => tf.Tensor4D;
  /** The batch's attention mask [B·T] (1 = real token), which `bias` is built from. */
  keyMask: Uint8Array;
  /** null: evaluation, no dropout. */
  dropoutSeed: number | null;
  /** The batch's samples: global index of the first, and each one's rows in x (dropout is keyed by sample). */
  samples: { firstSample: number; rowsPerSample: Int32Array };
}

export function encoderLayer(x: tf.Tensor2D, store: WeightStore, ctx: LayerContext, i: number): tf.Tensor2D {
  const c = ctx.config;
  const w = (n: string) => store.get(`layer.${i}.${n}`) as tf.Variable<tf.Rank.R2>;
  const b = (n: string) => store.get(`layer.${i}.${n}`) as tf.Variable<tf.Rank.R1>;
  const seedOf = (site: number) => mixSeed(ctx.dropoutSeed ?? 0, i, site);
  const rows = sampleRows(ctx.samples.firstSample, ctx.samples.rowsPerSample, c.hidden);
  const drop = (t: tf.Tensor2D, site: number) => (ctx.dropoutSeed === null ? t : dropout(t, c.hiddenDropout, seedOf(site), rows));

  // 1. Attention block. q, k, v are computed on the model's rows (re-padded only for the core, if at all).
  const q = linear(x, w('attn.q.w'), b('attn.q.b'));
  const k = linear(x, w('attn.k.w'), b('attn.k.b'));
  const v = linear(x, w('attn.v.w'), b('attn.v.b'));
  const rate = ctx.dropoutSeed === null ? 0 : c.attentionDropout;
  const context = attention(q, k, v, ctx.bias, {
    batch: ctx.batch,
    seq: ctx.seq,
    heads: c.heads,
    dropoutRate: rate,
    dropoutSeed: seedOf(1),
    firstSample: ctx.samples.firstSample,
    keyMask: ctx.keyMask,
    alibi: c.positions === 'alibi',
    unpadded: ctx.real ? { real: ctx.real, rowStart: ctx.rowStart } : undefined,
  });
  const attnOut = drop(linear(context, w('attn.out.w'), b('attn.out.b')), 2);
  x = addLayerNorm(x, attnOut, b('attn.ln.gamma'), b('attn.ln.beta'));

  // 2. Feed-forward block.
  const ff =
    c.feedForward === 'geglu'
      ? geglu(x, { wGate: w('ffn.gate.w'), wValue: w('ffn.value.w'), w2: w('ffn.out.w'), b2: b('ffn.out.b') })
      : geluMlp(x, { w1: w('ffn.in.w'), b1: b('ffn.in.b'), w2: w('ffn.out.w'), b2: b('ffn.out.b') });
  return addLayerNorm(x, drop(ff, 3), b('ffn.ln.gamma'), b('ffn.ln.beta'));
}
