/**
 * Masked-language-model corruption (Devlin et al. 2019, "BERT", §3.1 and appendix A.1): each real, non-special
 * token is chosen with probability `ratio`; a chosen token becomes [MASK] 80% of the time, a random non-special
 * token 10% and stays unchanged 10%, and its label is the original id (every other label is -100, ignored).
 * MosaicBERT trains at ratio 0.30, BERT at 0.15; evaluation always masks at 0.15 (EVAL_MASK_RATIO).
 *
 * Specials ([PAD], [UNK], [CLS], [SEP], [MASK]) are never chosen and never drawn as replacements. Deterministic:
 * the same ids and generator state give the same result.
 */
import type { SpecialTokenIds } from './types.js';
import type { Rng } from '../random.js';

export const EVAL_MASK_RATIO = 0.15;
export const IGNORE_LABEL = -100;
/** Of the chosen tokens: 80% → [MASK], 10% → random token, 10% → unchanged. */
export const MASK_FRACTION = 0.8;
export const RANDOM_FRACTION = 0.1;

export interface MaskedIds {
  inputIds: Int32Array;
  labels: Int32Array;
  /** Number of positions with a label. */
  maskedCount: number;
}

export function specialIdSet(special: SpecialTokenIds): Set<number> {
  return new Set([special.pad, special.unk, special.cls, special.sep, special.mask]);
}

/**
 * Masks `inputIds` (any shape, flattened) where `attentionMask` is 1. `vocabSize` bounds the random replacements
 * (the tokenizer's size, not the padded embedding rows). If no token was chosen but some could be, one is chosen
 * so the loss is never a mean over nothing.
 */
export function maskTokens(
  inputIds: Int32Array,
  attentionMask: Uint8Array,
  ratio: number,
  special: SpecialTokenIds,
  vocabSize: number,
  rng: Rng,
): MaskedIds {
  if (!(ratio > 0 && ratio < 1)) throw new RangeError(`mask ratio must be in (0, 1), got ${ratio}`);
  const specials = specialIdSet(special);
  if (specials.size >= vocabSize) throw new RangeError('vocabulary has no non-special tokens');
  const ids = Int32Array.from(inputIds);
  const labels = new Int32Array(ids.length).fill(IGNORE_LABEL);
  const eligible: number[] = [];
  let maskedCount = 0;
  const corrupt = (i: number): void => {
    labels[i] = inputIds[i]!;
    maskedCount++;
    const r = rng.next();
    if (r < MASK_FRACTION) ids[i] = special.mask;
    else if (r < MASK_FRACTION + RANDOM_FRACTION) ids[i] = randomToken(vocabSize, specials, rng);
  };
  for (let i = 0; i < ids.length; i++) {
    if (attentionMask[i] !== 1 || specials.has(inputIds[i]!)) continue;
    eligible.push(i);
    if (rng.next() < ratio) corrupt(i);
  }
  if (maskedCount === 0 && eligible.length > 0) corrupt(eligible[rng.int(eligible.length)]!);
  return { inputIds: ids, labels, maskedCount };
}

/** A uniformly drawn non-special id in [0, vocabSize). */
function randomToken(vocabSize: number, specials: Set<number>, rng: Rng): number {
  for (;;) {
    const id = rng.int(vocabSize);
    if (!specials.has(id)) return id;
  }
}
