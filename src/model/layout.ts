/**
 * Where each token of a batch lives inside the model: padded models keep all B·T rows; unpadded models keep
 * only the real tokens (ascending flat position b·T + t), re-padding only around attention (kernels/padding.ts).
 * Built in JS from the batch's masks, before any tensor work.
 */
import type { TokenBatch } from './types.js';
import { realTokenRows, rowOfPosition } from '../../kernels/padding.js';

export interface BatchLayout {
  batch: number;
  seq: number;
  /** Flat positions of the rows the model computes on: every position when padded, real ones when unpadded. */
  positions: Int32Array;
  /** For each flat position, its row in the model's activations, or −1 when it has none (a pad, unpadded). */
  rowOf: Int32Array;
  /** Real (non-pad) token count. */
  realTokens: number;
  unpadded: boolean;
}

export function batchLayout(b: TokenBatch, unpad: boolean): BatchLayout {
  const n = b.batchSize * b.seqLen;
  if (b.inputIds.length !== n || b.attentionMask.length !== n)
    throw new Error(`batch arrays must have batchSize·seqLen = ${n} entries (inputIds ${b.inputIds.length}, attentionMask ${b.attentionMask.length})`);
  const real = realTokenRows(b.attentionMask);
  if (unpad) return { batch: b.batchSize, seq: b.seqLen, positions: real, rowOf: rowOfPosition(b.attentionMask), realTokens: real.length, unpadded: true };
  const all = Int32Array.from({ length: n }, (_, i) => i);
  return { batch: b.batchSize, seq: b.seqLen, positions: all, rowOf: all, realTokens: real.length, unpadded: false };
}
