/**
 * Seeded, serialisable random numbers for everything in training that must replay exactly: masking, dropout
 * seeds, data order. The generator is SplitMix32-style (a Weyl sequence through a 32-bit avalanche mix, after
 * Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014); its whole state is one
 * uint32, so a checkpoint stores it as a number.
 *
 * Streams are keyed on (seed, purpose, step) by `streamFor`, so the random numbers of step N never depend on how
 * many were drawn before: a resumed run draws the same masks as an uninterrupted one.
 */

/** Murmur3's 32-bit finaliser: a bijective avalanche mix of one uint32. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

const GOLDEN_GAMMA = 0x9e3779b9;

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

/** The generator for (seed, purpose, step): a pure function of its arguments. */
export function streamFor(seed: number, purpose: RngPurpose, step: number): Rng {
  let h = mix32((seed >>> 0) ^ 0x5bd1e995);
  h = mix32(h ^ PURPOSE_CODE[purpose]);
  h = mix32(h ^ (step >>> 0));
  h = mix32(h ^ Math.floor(step / 4294967296));
  return new Rng(h);
}

/** A 31-bit integer seed for tfjs ops that take one (dropout), derived like `streamFor`. */
export function seedFor(seed: number, purpose: RngPurpose, step: number): number {
  return streamFor(seed, purpose, step).nextUint32() >>> 1;
}

/** Fisher–Yates shuffle of 0..n-1 with the given generator. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
