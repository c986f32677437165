/**
 * The deterministic train / held-out split. A document is held out when a hash of its text falls below the
 * held-out fraction: the decision needs no global state, survives re-ordering and re-sharding, and puts
 * duplicate documents on the same side. Pretraining never sees held-out documents; MLM evaluation and the
 * synthetic micro-GLUE tasks are built from them.
 */

/** 32-bit FNV-1a over UTF-16 code units (Fowler–Noll–Vo, http://www.isthe.com/chongo/tech/comp/fnv/). */
export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Held-out fraction of the embedded default corpus, and the default for user corpora. */
export const DEFAULT_HELD_OUT_FRACTION = 0.05;

export function isHeldOut(text: string, fraction: number = DEFAULT_HELD_OUT_FRACTION): boolean {
  return fnv1a32(text) / 2 ** 32 < fraction;
}
