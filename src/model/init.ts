/**
 * Deterministic weight initialisation, identical on every backend: values come from a JS generator keyed on
 * (seed, weight name), so adding a weight does not change the others.
 * BERT's scheme (Devlin et al. 2019, released code): weights ~ N(0, 0.02²) truncated at ±2σ, biases 0,
 * LayerNorm γ = 1 and β = 0.
 */
import { mixSeed, Rng } from '../random.js';

export const INIT_STD = 0.02;

/** FNV-1a hash of a string, for per-name seeds. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** N(0, std²) truncated at ±2σ (resampled), Box–Muller over src/random.ts. */
export function truncatedNormal(size: number, std: number, seed: number, name: string): Float32Array {
  const rng = new Rng(mixSeed(seed, hashName(name)));
  const out = new Float32Array(size);
  let i = 0;
  while (i < size) {
    const u = 1 - rng.next(); // (0, 1]
    const v = rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    for (const z of [r * Math.cos(2 * Math.PI * v), r * Math.sin(2 * Math.PI * v)]) {
      if (i < size && Math.abs(z) <= 2) out[i++] = z * std;
    }
  }
  return out;
}

export type InitKind = 'normal' | 'zeros' | 'ones';

export function initValues(kind: InitKind, size: number, seed: number, name: string): Float32Array {
  if (kind === 'zeros') return new Float32Array(size);
  if (kind === 'ones') return new Float32Array(size).fill(1);
  return truncatedNormal(size, INIT_STD, seed, name);
}
