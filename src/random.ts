/**
 * Every seeded random number in mbench: the one place streams are made, on the ground floor (kernels, model,
 * data and train all draw from here). Everything is a pure function of its integer keys and identical on every
 * platform, so a resumed run, another device count or another backend draws the same numbers.
 *
 * Two generators, each kept bit for bit as runs, checkpoints and caches have always used them:
 *   SplitMix32  `Rng`, keyed on (seed, purpose, step) by `streamFor`: MLM masks, dropout masks and seeds, weight
 *               init, the text source's data order, evaluation masks. A Weyl sequence through Murmur3's 32-bit
 *               finaliser (after Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
 *               OOPSLA 2014); its whole state is one uint32, so a checkpoint stores it as a number.
 *   mulberry32  (Tommy Ettinger, public domain) `mulberry32(seed)`: the token cache's epoch order, micro-GLUE's
 *               splits and corruptions, fine-tuning batch order.
 * And two seed mixers: `mixSeed` (per-layer, per-site seeds from a step seed; fine-tuning orders) and
 * `foldSeed` (the token cache's (seed, epoch) order seeds). They give different numbers for the same parts;
 * each stays with the streams that have always used it.
 */

/** Murmur3's 32-bit finaliser: a bijective avalanche mix of one uint32. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

const GOLDEN_GAMMA = 0x9e3779b9;

/** SplitMix32: seeded, serialisable (the state is one uint32). */
export class Rng {
  private state: number;
  constructor(state: number) {
    this.state = state >>> 0;
  }
  /** Next uint32. */
  nextUint32(): number {
    this.state = (this.state + GOLDEN_GAMMA) >>> 0;
    return mix32(this.state);
  }
  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  getState(): number {
    return this.state;
  }
}

/** Named purposes, so two uses of the same seed and step never share random numbers. */
export type RngPurpose = 'mask' | 'dropout' | 'init' | 'shuffle' | 'eval-mask';
const PURPOSE_CODE: Record<RngPurpose, number> = { mask: 1, dropout: 2, init: 3, shuffle: 4, 'eval-mask': 5 };

/**
 * The generator for (seed, purpose, step): a pure function of its arguments, so the numbers of step N never
 * depend on how many were drawn before (a resumed run draws the same masks as an uninterrupted one).
 */
export function streamFor(seed: number, purpose: RngPurpose, step: number): Rng {
  let h = mix32((seed >>> 0) ^ 0x5bd1e995);
  h = mix32(h ^ PURPOSE_CODE[purpose]);
  h = mix32(h ^ (step >>> 0));
  h = mix32(h ^ Math.floor(step / 4294967296));
  return new Rng(h);
}

/** A 31-bit integer seed for ops that take one (dropout), derived like `streamFor`. */
export function seedFor(seed: number, purpose: RngPurpose, step: number): number {
  return streamFor(seed, purpose, step).nextUint32() >>> 1;
}

/** Mixes integers into one 32-bit seed (per-layer, per-site dropout seeds from a step seed; sample keys). */
export function mixSeed(...parts: number[]): number {
  return parts.reduce((h, p) => mix32(h ^ (p >>> 0)), 0x5bd1e995);
}

/** mulberry32: a 32-bit-state generator returning uniforms in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Folds several integers into one 32-bit seed for `mulberry32` (so (seed, epoch) pairs give unrelated streams). */
export function foldSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A source of uniforms in [0, 1): an `Rng` or a function such as `mulberry32(seed)`. */
export type Uniform = Rng | (() => number);

function uniform(random: Uniform): () => number {
  return typeof random === 'function' ? random : () => random.next();
}

/** A Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, random: Uniform): Int32Array {
  const next = uniform(random);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** Shuffles an array in place (Fisher–Yates); returns it. */
export function shuffleInPlace<T>(items: T[], random: Uniform): T[] {
  const next = uniform(random);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
