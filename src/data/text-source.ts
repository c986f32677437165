/**
 * A small in-memory PretrainSource over a list of text samples, with a word-level tokenizer: enough to run the
 * pretraining loop end to end without the real corpora and WordPiece tokenizer (corpus.ts, wordpiece.ts). Samples are
 * [CLS] words… [SEP], truncated to seqLen and padded (not packed), shuffled per epoch from the cursor's seed.
 */
import { createHash } from 'node:crypto';
import type { DataCursor, PretrainSource, SpecialTokenIds, TokenizerInfo } from './types.js';
import { permutation, streamFor } from '../random.js';

const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
export const WORD_SPECIAL_IDS: SpecialTokenIds = { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 };

/** Lower-cased words and punctuation marks. */
export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9']+|[.,;:!?]/g) ?? [];
}

export class WordTokenizer implements TokenizerInfo {
  readonly id: string;
  readonly vocabSize: number;
  readonly special = WORD_SPECIAL_IDS;
  private readonly index = new Map<string, number>();
  constructor(readonly vocab: readonly string[]) {
    vocab.forEach((w, i) => this.index.set(w, i));
    this.vocabSize = vocab.length;
    this.id = 'word-' + createHash('sha256').update(vocab.join('\n')).digest('hex').slice(0, 16);
  }
  /** Vocabulary: the specials, then every word of `texts` in sorted order. */
  static fromTexts(texts: readonly string[]): WordTokenizer {
    const words = new Set<string>();
    for (const t of texts) for (const w of wordTokens(t)) words.add(w);
    return new WordTokenizer([...SPECIAL_TOKENS, ...[...words].sort()]);
  }
  encode(text: string): number[] {
    return wordTokens(text).map((w) => this.index.get(w) ?? WORD_SPECIAL_IDS.unk);
  }
}

export interface TextSourceOptions {
  /** Every k-th sample is held out for evaluation (default 10). */
  heldOutEvery?: number;
}

export class TextSource implements PretrainSource {
  readonly tokenizer: WordTokenizer;
  readonly samplesPerEpoch: number;
  private readonly train: number[][];
  private readonly heldOut: number[][];
  private order: { key: string; perm: Int32Array } | null = null;

  constructor(samples: readonly string[], opts: TextSourceOptions = {}) {
    const every = opts.heldOutEvery ?? 10;
    if (samples.length < 2) throw new RangeError('a text source needs at least two samples');
    this.tokenizer = WordTokenizer.fromTexts(samples);
    const encoded = samples.map((s) => this.tokenizer.encode(s));
    this.train = encoded.filter((_, i) => (i + 1) % every !== 0);
    this.heldOut = encoded.filter((_, i) => (i + 1) % every === 0);
    if (this.heldOut.length === 0) this.heldOut = [encoded[encoded.length - 1]!];
    this.samplesPerEpoch = this.train.length;
  }

  batch(cursor: DataCursor, batchSize: number, seqLen: number): { inputIds: Int32Array; attentionMask: Uint8Array; next: DataCursor } {
    const inputIds = new Int32Array(batchSize * seqLen);
    const attentionMask = new Uint8Array(batchSize * seqLen);
    let { epoch, position } = cursor;
    for (let row = 0; row < batchSize; row++) {
      const perm = this.epochOrder(cursor.seed, epoch);
      this.fillRow(this.train[perm[position]!]!, row, seqLen, inputIds, attentionMask);
      if (++position >= this.samplesPerEpoch) {
        epoch++;
        position = 0;
      }
    }
    return { inputIds, attentionMask, next: { epoch, position, seed: cursor.seed } };
  }

  evalBatches(batchSize: number, seqLen: number, maxBatches: number): Array<{ inputIds: Int32Array; attentionMask: Uint8Array }> {
    const count = Math.min(maxBatches, Math.ceil(this.heldOut.length / batchSize));
    const out = [];
    for (let b = 0; b < count; b++) {
      const inputIds = new Int32Array(batchSize * seqLen);
      const attentionMask = new Uint8Array(batchSize * seqLen);
      // A short last batch is filled by cycling through the held-out samples again.
      for (let row = 0; row < batchSize; row++) this.fillRow(this.heldOut[(b * batchSize + row) % this.heldOut.length]!, row, seqLen, inputIds, attentionMask);
      out.push({ inputIds, attentionMask });
    }
    return out;
  }

  private epochOrder(seed: number, epoch: number): Int32Array {
    const key = `${seed}/${epoch}`;
    if (this.order?.key !== key) this.order = { key, perm: permutation(this.samplesPerEpoch, streamFor(seed, 'shuffle', epoch)) };
    return this.order.perm;
  }

  /** [CLS] ids… [SEP] then pads; ids are truncated to seqLen − 2. */
  private fillRow(ids: readonly number[], row: number, seqLen: number, out: Int32Array, mask: Uint8Array): void {
    const { cls, sep, pad } = WORD_SPECIAL_IDS;
    const body = ids.slice(0, Math.max(0, seqLen - 2));
    const tokens = [cls, ...body, sep].slice(0, seqLen);
    const base = row * seqLen;
    for (let i = 0; i < seqLen; i++) {
      out[base + i] = i < tokens.length ? tokens[i]! : pad;
      mask[base + i] = i < tokens.length ? 1 : 0;
    }
  }
}
