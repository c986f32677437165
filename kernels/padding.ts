/**
 * Unpadding (MosaicBERT's bert_padding): run projections, MLP and LayerNorm on real tokens only, and re-pad
 * only around the attention core.
 *
 * Contract, for a batch [B,T] whose attention mask marks real tokens:
 * - `realTokenRows(mask)` → the flat positions b·T + t of real tokens, ascending (an Int32Array, [n]).
 * - `unpad(x [B·T,H], idx) → [n,H]`   gather of the real rows; gradient scatters back (pads get 0).
 * - `repad(x [n,H], idx, B·T) → [B·T,H]` scatter into zeros; gradient gathers.
 * - `packedRowStarts(mask, B, T)` → [B+1] first unpadded row of each sample (and n), when every sample's real
 *   tokens come first (pads after them); null otherwise. A fused attention kernel reads such rows in place.
 * `repad(unpad(x))` equals x on real rows and is 0 on pads; `unpad(repad(y))` equals y.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { gatherRows, scatterRows, type RowIndex } from './gather.js';

/** Flat positions (row·seqLen + position) of the real tokens, ascending. */
export function realTokenRows(attentionMask: Uint8Array): Int32Array {
  let n = 0;
  for (const m of attentionMask) if (m !== 0) n++;
  const out = new Int32Array(n);
  let j = 0;
  for (let i = 0; i < attentionMask.length; i++) if (attentionMask[i] !== 0) out[j++] = i;
  return out;
}

/** Maps each flat position to its row in the unpadded tensor, −1 for pads. */
export function rowOfPosition(attentionMask: Uint8Array): Int32Array {
  const out = new Int32Array(attentionMask.length).fill(-1);
  let j = 0;
  for (let i = 0; i < attentionMask.length; i++) if (attentionMask[i] !== 0) out[i] = j++;
  return out;
}

/** Row starts of each sample in the unpadded rows when every sample is a prefix of real tokens, else null. */
export function packedRowStarts(attentionMask: Uint8Array, batch: number, seq: number): Int32Array | null {
  const starts = new Int32Array(batch + 1);
  for (let b = 0; b < batch; b++) {
    let len = 0;
    while (len < seq && attentionMask[b * seq + len] !== 0) len++;
    for (let t = len; t < seq; t++) if (attentionMask[b * seq + t] !== 0) return null;
    starts[b + 1] = starts[b]! + len;
  }
  return starts;
}

/** x [B·T,H] → [n,H], the real tokens only. */
export function unpad(x: tf.Tensor2D, real: RowIndex): tf.Tensor2D {
  return gatherRows(x, real);
}

/** x [n,H] → [B·T,H], zeros at pads. */
export function repad(x: tf.Tensor2D, real: RowIndex, paddedRows: number): tf.Tensor2D {
  return scatterRows(x, real, paddedRows);
}
