/**
 * The two feed-forward blocks, on rows x [N,H] (padded or unpadded alike):
 * - GELU MLP (BERT):    y = gelu(x·W1 + b1)·W2 + b2,       W1 [H,I], W2 [I,H]
 * - GeGLU (MosaicBERT, Shazeer 2020 "GLU Variants Improve Transformer"):
 *                       y = (gelu(x·Wg) ⊙ (x·Wv))·W2 + b2,  Wg, Wv [H,I] (no bias, as MosaicBERT's gated layers)
 * GeGLU has 3·H·I weights against the MLP's 2·H·I; MosaicBERT keeps I and accepts the larger block.
 * Wg and Wv are separate matrices rather than one [H,2I] split in two: a column split is a slice, which is slow
 * on wasm (see wasm-fast-path.ts), and the two products cost the same as one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gelu } from './gelu.js';
import { linear, matMul } from './matmul.js';
import { nativeGeglu, onNative } from '../src/engine/native/fused.js';
import { onWasm } from './wasm-fast-path.js';
import { wasmGeglu } from './wasm-geglu.js';

export interface GeluMlpWeights {
  w1: tf.Tensor2D;
  b1: tf.Tensor1D;
  w2: tf.Tensor2D;
  b2: tf.Tensor1D;
}

export interface GegluWeights {
  wGate: tf.Tensor2D;
  wValue: tf.Tensor2D;
  w2: tf.Tensor2D;
  b2: tf.Tensor1D;
}

/** x [N,H] → [N,H]. `inner` runs on the [N,I] activation before the output projection (dropout hook). */
export function geluMlp(x: tf.Tensor2D, w: GeluMlpWeights, inner?: (h: tf.Tensor2D) => tf.Tensor2D): tf.Tensor2D {
  let h = gelu(linear(x, w.w1, w.b1));
  if (inner) h = inner(h);
  return linear(h, w.w2, w.b2);
}

/** x [N,H] → [N,H]. */
export function geglu(x: tf.Tensor2D, w: GegluWeights, inner?: (h: tf.Tensor2D) => tf.Tensor2D): tf.Tensor2D {
  const [gate, value] = [matMul(x, w.wGate), matMul(x, w.wValue)];
  // native and wasm: one fused pass each way (src/engine/native, kernels/wasm-geglu.ts)
  let h = onNative() ? nativeGeglu(gate, value) : onWasm() ? wasmGeglu(gate, value) : (tf.mul(gelu(gate), value) as tf.Tensor2D);
  if (inner) h = inner(h);
  return linear(h, w.w2, w.b2);
}
