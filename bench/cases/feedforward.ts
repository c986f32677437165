/**
 * The feed-forward block both ways (kernels/feedforward.ts) — GELU MLP (BERT) vs GeGLU (MosaicBERT) — and
 * LayerNorm (kernels/layernorm.ts), forward, on the B·S rows of a padded batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { geglu, geluMlp } from '../../kernels/feedforward.js';
import { layerNorm } from '../../kernels/layernorm.js';
import type { KernelCase } from '../types.js';
import { randomTensor, seqLen, type BenchSize } from './shapes.js';

/** GELU MLP: gelu(x·W1 + b1)·W2 + b2, x [T, H], W1 [H, I], W2 [I, H]: two matmuls of 2·T·H·I FLOPs. */
export function geluMlpCase(size: BenchSize): KernelCase {
  const tokens = size.batch * seqLen;
  const { hidden, intermediate } = size;
  return {
    name: `ffn-gelu/${size.name}`,
    kernel: 'ffn-gelu',
    shape: { tokens, hidden, intermediate },
    flops: 2 * 2 * tokens * hidden * intermediate,
    setup() {
      const x = randomTensor([tokens, hidden], 7, 1) as tf.Tensor2D;
      const w = {
        w1: randomTensor([hidden, intermediate], 8) as tf.Tensor2D,
        b1: tf.zeros([intermediate]) as tf.Tensor1D,
        w2: randomTensor([intermediate, hidden], 9) as tf.Tensor2D,
        b2: tf.zeros([hidden]) as tf.Tensor1D,
      };
      return { run: () => geluMlp(x, w), dispose: () => tf.dispose([x, ...Object.values(w)]) };
    },
  };
}

/** GeGLU: (gelu(x·Wg) ⊙ x·Wv)·W2 + b2, Wg and Wv [H, I], W2 [I, H]: three matmuls of 2·T·H·I FLOPs. */
export function gegluCase(size: BenchSize): KernelCase {
  const tokens = size.batch * seqLen;
  const { hidden, intermediate } = size;
  return {
    name: `ffn-geglu/${size.name}`,
    kernel: 'ffn-geglu',
    shape: { tokens, hidden, intermediate },
    flops: 3 * 2 * tokens * hidden * intermediate,
    setup() {
      const x = randomTensor([tokens, hidden], 7, 1) as tf.Tensor2D;
      const w = {
        wGate: randomTensor([hidden, intermediate], 8) as tf.Tensor2D,
        wValue: randomTensor([hidden, intermediate], 10) as tf.Tensor2D,
        w2: randomTensor([intermediate, hidden], 9) as tf.Tensor2D,
        b2: tf.zeros([hidden]) as tf.Tensor1D,
      };
      return { run: () => geglu(x, w), dispose: () => tf.dispose([x, ...Object.values(w)]) };
    },
  };
}

/** LayerNorm over H on [T, H]: reads x and writes y once (γ, β negligible): 8·T·H bytes. */
export function layerNormCase(size: BenchSize): KernelCase {
  const tokens = size.batch * seqLen;
  const { hidden } = size;
  return {
    name: `layernorm/${size.name}`,
    kernel: 'layernorm',
    shape: { tokens, hidden },
    bytes: 2 * 4 * tokens * hidden,
    setup() {
      const x = randomTensor([tokens, hidden], 11, 1) as tf.Tensor2D;
      const gamma = tf.ones([hidden]) as tf.Tensor1D;
      const beta = tf.zeros([hidden]) as tf.Tensor1D;
      return { run: () => layerNorm(x, gamma, beta), dispose: () => tf.dispose([x, gamma, beta]) };
    },
  };
}
