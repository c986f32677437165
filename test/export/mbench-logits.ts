/**
 * mbench's own MLM logits at chosen positions: the Encoder's encode() and then the head exactly as
 * Encoder.mlmLoss runs it (dense → GELU → LayerNorm → tied decoder), through the same kernels.
 * `mlmLossFrom` recomputes mlmLoss's value from these logits, so a test can confirm the head was reproduced.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gatherRows, rowIndex } from '../../kernels/gather.js';
import { gelu } from '../../kernels/gelu.js';
import { layerNorm } from '../../kernels/layernorm.js';
import { linear } from '../../kernels/matmul.js';
import { tiedLogits } from '../../kernels/mlm-loss.js';
import type { Encoder } from '../../src/model/encoder.js';
import type { TokenBatch } from '../../src/model/types.js';

/** Logits [positions.length, vocab rows] at flat positions `positions` (real tokens), float32. */
export function mbenchLogits(model: Encoder, batch: TokenBatch, positions: readonly number[]): Float32Array {
  return tf.tidy(() => {
    const { hidden, layout } = model.encode(batch, null);
    const rows = Int32Array.from(positions, (p) => {
      const r = layout.rowOf[p]!;
      if (r < 0) throw new Error(`position ${p} is a pad`);
      return r;
    });
    const w2 = (n: string) => model.weight(n) as tf.Tensor as tf.Tensor2D;
    const w1 = (n: string) => model.weight(n) as tf.Tensor as tf.Tensor1D;
    const h = gatherRows(hidden, rowIndex(rows));
    const t = layerNorm(gelu(linear(h, w2('mlm.transform.w'), w1('mlm.transform.b'))), w1('mlm.ln.gamma'), w1('mlm.ln.beta'));
    return tiedLogits(t, w2('emb.word'), w1('mlm.bias')).dataSync() as Float32Array;
  });
}

/** Mean cross-entropy of `labels` under row-major logits [labels.length, V]. */
export function mlmLossFrom(logits: ArrayLike<number>, V: number, labels: readonly number[]): number {
  let total = 0;
  labels.forEach((label, r) => {
    let max = -Infinity;
    for (let j = 0; j < V; j++) max = Math.max(max, logits[r * V + j]!);
    let z = 0;
    for (let j = 0; j < V; j++) z += Math.exp(logits[r * V + j]! - max);
    total += Math.log(z) + max - logits[r * V + label]!;
  });
  return total / labels.length;
}
