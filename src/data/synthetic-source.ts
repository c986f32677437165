/**
 * A PretrainSource of random token ids, for throughput benchmarks at any vocabulary size: rows are
 * [CLS] random ids [SEP] then pads, with row lengths chosen so that on average `fill` of the positions are real
 * (fill 1 = no padding; fill 0.75 = lengths uniform in [0.5, 1] × seqLen). Deterministic from the cursor.
 */
import type { DataCursor, PretrainSource, SpecialTokenIds, TokenizerInfo } from './types.js';
import { streamFor, type Rng } from '../random.js';

const SPECIAL: SpecialTokenIds = { pad: 0, unk: 100, cls: 101, sep: 102, mask: 103 }; // bert-base-uncased's ids

export class SyntheticSource implements PretrainSource {
  readonly tokenizer: TokenizerInfo;
  readonly samplesPerEpoch = 1_000_000;
  constructor(
    vocabSize: number,
    private readonly fill = 1,
  ) {
    if (vocabSize <= 104) throw new RangeError(`synthetic vocabulary must exceed 104 ids, got ${vocabSize}`);
    if (!(fill > 0.5 && fill <= 1)) throw new RangeError(`fill must be in (0.5, 1], got ${fill}`);
    this.tokenizer = { id: `synthetic-${vocabSize}`, name: `synthetic-${vocabSize}`, vocabSize, special: SPECIAL };
  }

  batch(cursor: DataCursor, batchSize: number, seqLen: number): { inputIds: Int32Array; attentionMask: Uint8Array; next: DataCursor } {
    const rng = streamFor(cursor.seed, 'shuffle', cursor.epoch * this.samplesPerEpoch + cursor.position);
    const rows = this.rows(rng, batchSize, seqLen);
    const position = cursor.position + batchSize;
    const next = position >= this.samplesPerEpoch ? { epoch: cursor.epoch + 1, position: 0, seed: cursor.seed } : { ...cursor, position };
    return { ...rows, next };
  }

  evalBatches(batchSize: number, seqLen: number, maxBatches: number): Array<{ inputIds: Int32Array; attentionMask: Uint8Array }> {
    return Array.from({ length: maxBatches }, (_, i) => this.rows(streamFor(0x5eed, 'shuffle', i), batchSize, seqLen));
  }

  private rows(rng: Rng, batchSize: number, seqLen: number): { inputIds: Int32Array; attentionMask: Uint8Array } {
    const inputIds = new Int32Array(batchSize * seqLen);
    const attentionMask = new Uint8Array(batchSize * seqLen);
    const low = 2 * this.fill - 1;
    for (let b = 0; b < batchSize; b++) {
      const len = Math.max(3, Math.round(seqLen * (low + (1 - low) * rng.next())));
      for (let i = 0; i < len; i++) {
        inputIds[b * seqLen + i] = i === 0 ? SPECIAL.cls : i === len - 1 ? SPECIAL.sep : 104 + rng.int(this.tokenizer.vocabSize - 104);
        attentionMask[b * seqLen + i] = 1;
      }
    }
    return { inputIds, attentionMask };
  }
}
