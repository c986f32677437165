/**
 * A checkpoint's model weights (kind 'weight'; optimizer moments are left behind) as a lookup that checks
 * every shape and remembers what was taken, so a layout can prove it mapped each weight exactly once.
 * Also the two reshapes the layouts need: mbench stores dense weights as [in, out] (y = x·W), PyTorch's
 * nn.Linear as [out, in] (y = x·Wᵀ).
 */
import { BadFileError } from '../errors.js';
import type { NamedArray } from '../train/checkpoint.js';

export class CheckpointWeights {
  private readonly byName = new Map<string, NamedArray>();
  private readonly taken = new Set<string>();

  constructor(
    arrays: readonly NamedArray[],
    private readonly source: string,
  ) {
    for (const a of arrays) if (a.kind === 'weight') this.byName.set(a.name, a);
  }

  /** The values of weight `name`, which must have `shape`. */
  take(name: string, shape: readonly number[]): Float32Array {
    const a = this.byName.get(name);
    if (!a) throw new BadFileError(this.source, `the checkpoint has no weight '${name}' (its model config promises one)`);
    if (a.shape.join() !== shape.join()) throw new BadFileError(this.source, `weight '${name}' has shape [${a.shape}], its model config says [${shape}]`);
    this.taken.add(name);
    return a.data;
  }

  /** Weights no layout rule took: a model feature the layout does not know. */
  untaken(): string[] {
    return [...this.byName.keys()].filter((n) => !this.taken.has(n));
  }

  /** Total values over all weights (the model's parameter count). */
  parameterCount(): number {
    let n = 0;
    for (const a of this.byName.values()) n += a.data.length;
    return n;
  }
}

/** w [rows, cols] row-major → wᵀ [cols, rows]. In 32×32 tiles: ~4× faster than row by row on a [768, 3072] matrix. */
export function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  if (w.length !== rows * cols) throw new Error(`transpose: ${w.length} values are not ${rows}×${cols}`);
  const out = new Float32Array(w.length);
  const TILE = 32;
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = w[r * cols + c]!;
    }
  }
  return out;
}

/** Row-major blocks with the same column count stacked top to bottom (or 1-D vectors end to end). */
export function stackRows(...blocks: Float32Array[]): Float32Array {
  const out = new Float32Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
