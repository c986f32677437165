/**
 * A PretrainSource over a token cache. A sample is one training document, truncated to seqLen as
 * [CLS] t1 … t(seqLen−2) [SEP] and padded with [PAD] (documents are never packed together, so pads remain for
 * unpadding to remove, as with C4). Each epoch visits every training document once in an order shuffled by
 * (seed, epoch); a DataCursor (epoch, position, seed) pins the stream exactly, so training resumes mid-epoch.
 */
import type { TokenCache } from './token-cache.js';
import { foldSeed, mulberry32, permutation } from '../random.js';
import type { DataCursor, PretrainSource, TokenizerInfo } from './types.js';

export interface TokenRows {
  inputIds: Int32Array;
  attentionMask: Uint8Array;
}

export class CachedPretrainSource implements PretrainSource {
  readonly tokenizer: TokenizerInfo;
  readonly samplesPerEpoch: number;
  private order: { epoch: number; seed: number; perm: Int32Array } | undefined;

  constructor(readonly cache: TokenCache) {
    this.tokenizer = cache.meta.tokenizer;
    this.samplesPerEpoch = cache.trainDocs.length;
  }

  /** The starting cursor for a run with this seed. */
  static start(seed: number): DataCursor {
    return { epoch: 0, position: 0, seed };
  }

  batch(cursor: DataCursor, batchSize: number, seqLen: number): TokenRows & { next: DataCursor } {
    const rows = emptyRows(batchSize, seqLen, this.tokenizer.special.pad);
    let { epoch, position } = cursor;
    for (let b = 0; b < batchSize; b++) {
      if (position >= this.samplesPerEpoch) {
        epoch++;
        position = 0;
      }
      const doc = this.cache.trainDocs[this.epochOrder(epoch, cursor.seed)[position]!]!;
      this.fillRow(rows, b, seqLen, doc);
      position++;
    }
    return { ...rows, next: { epoch, position, seed: cursor.seed } };
  }

  /**
   * Held-out rows in batches: the first `maxBatches` full batches of held-out documents, in their cache order.
   * Asked for more than one pass holds, it goes round again: the same rows, which the evaluator masks afresh
   * (its masks are keyed on the batch index), so further passes score other positions of the same text. The
   * default corpus holds 2,126 held-out documents (66 batches of 32): `evalSamples: 3072` is 1.45 passes.
   */
  evalBatches(batchSize: number, seqLen: number, maxBatches: number): TokenRows[] {
    const held = this.cache.heldOutDocs;
    const perPass = Math.floor(held.length / batchSize);
    const out: TokenRows[] = [];
    for (let i = 0; perPass > 0 && i < maxBatches; i++) {
      const start = (i % perPass) * batchSize;
      const rows = emptyRows(batchSize, seqLen, this.tokenizer.special.pad);
      for (let b = 0; b < batchSize; b++) this.fillRow(rows, b, seqLen, held[start + b]!);
      out.push(rows);
    }
    return out;
  }

  /** Real (non-pad) tokens in a batch: the unit throughput is quoted in. */
  static realTokens(rows: TokenRows): number {
    let n = 0;
    for (let i = 0; i < rows.attentionMask.length; i++) n += rows.attentionMask[i]!;
    return n;
  }

  private fillRow(rows: TokenRows, b: number, seqLen: number, doc: number): void {
    const { cls, sep } = this.tokenizer.special;
    const tokens = this.cache.docTokens(doc);
    const n = Math.min(tokens.length, seqLen - 2);
    const base = b * seqLen;
    rows.inputIds[base] = cls;
    for (let i = 0; i < n; i++) rows.inputIds[base + 1 + i] = tokens[i]!;
    rows.inputIds[base + 1 + n] = sep;
    rows.attentionMask.fill(1, base, base + n + 2);
  }

  private epochOrder(epoch: number, seed: number): Int32Array {
    if (!this.order || this.order.epoch !== epoch || this.order.seed !== seed) {
      this.order = { epoch, seed, perm: permutation(this.samplesPerEpoch, mulberry32(foldSeed(seed, epoch))) };
    }
    return this.order.perm;
  }
}

function emptyRows(batchSize: number, seqLen: number, pad: number): TokenRows {
  const inputIds = new Int32Array(batchSize * seqLen);
  if (pad !== 0) inputIds.fill(pad);
  return { inputIds, attentionMask: new Uint8Array(batchSize * seqLen) };
}
