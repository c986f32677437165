/**
 * Task examples → model batches. A single sentence is [CLS] a [SEP]; a pair is [CLS] a [SEP] b [SEP] with token
 * type 0 up to the first [SEP] and 1 after it (BERT). Pairs are truncated longest-first to maxSeqLen. A batch is
 * padded only to its longest example, rounded up to a multiple of 8, so short-sentence tasks stay cheap.
 */
import type { SpecialTokenIds } from '../data/types.js';
import type { TaskExample } from '../data/tasks.js';
import type { TokenBatch } from '../model/types.js';

export interface EncodedExample {
  ids: Int32Array;
  types: Int32Array;
  label: number;
}

export interface LabelledBatch extends TokenBatch {
  tokenTypeIds: Int32Array;
  labels: Float32Array;
}

export function encodeExample(e: TaskExample, encode: (text: string) => number[], special: SpecialTokenIds, maxSeqLen: number): EncodedExample {
  const a = encode(e.a);
  const b = e.b === undefined ? null : encode(e.b);
  if (b === null) {
    a.length = Math.min(a.length, maxSeqLen - 2);
    const ids = Int32Array.from([special.cls, ...a, special.sep]);
    return { ids, types: new Int32Array(ids.length), label: e.label };
  }
  while (a.length + b.length + 3 > maxSeqLen) (a.length >= b.length ? a : b).pop();
  const ids = Int32Array.from([special.cls, ...a, special.sep, ...b, special.sep]);
  const types = new Int32Array(ids.length);
  types.fill(1, a.length + 2);
  return { ids, types, label: e.label };
}

const roundUp8 = (n: number) => Math.ceil(n / 8) * 8;

/** The examples at `indices` as one batch padded to its longest row (a multiple of 8, at most maxSeqLen). */
export function makeBatch(examples: readonly EncodedExample[], indices: ArrayLike<number>, pad: number, maxSeqLen: number): LabelledBatch {
  const batchSize = indices.length;
  let longest = 1;
  for (let i = 0; i < batchSize; i++) longest = Math.max(longest, examples[indices[i]!]!.ids.length);
  const seqLen = Math.min(maxSeqLen, roundUp8(longest));
  const inputIds = new Int32Array(batchSize * seqLen).fill(pad);
  const tokenTypeIds = new Int32Array(batchSize * seqLen);
  const attentionMask = new Uint8Array(batchSize * seqLen);
  const labels = new Float32Array(batchSize);
  for (let r = 0; r < batchSize; r++) {
    const e = examples[indices[r]!]!;
    inputIds.set(e.ids, r * seqLen);
    tokenTypeIds.set(e.types, r * seqLen);
    attentionMask.fill(1, r * seqLen, r * seqLen + e.ids.length);
    labels[r] = e.label;
  }
  return { batchSize, seqLen, inputIds, tokenTypeIds, attentionMask, labels };
}
