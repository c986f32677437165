/**
 * The feed-forward block both ways — GELU MLP (BERT) vs GeGLU (MosaicBERT) — and LayerNorm, on all B·S tokens.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelCase } from '../types.js';
import { randomTensor, seqLen, type BenchSize } from './shapes.js';
import { gelu, layerNorm } from './standins.js';

/** GELU MLP: GELU(x W1) W2, x [T, H], W1 [H, I], W2 [I, H]; 2·T·H·I FLOPs per matmul. */
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
      const w1 = randomTensor([hidden, intermediate], 8) as tf.Tensor2D;
      const w2 = randomTensor([intermediate, hidden], 9) as tf.Tensor2D;
      return { run: () => tf.matMul(gelu(tf.matMul(x, w1)) as tf.Tensor2D, w2), dispose: () => tf.dispose([x, w1, w2]) };
    },
  };
}

/** GeGLU: (GELU(x W1) ⊙ x V) W2, W1 and V [H, I] (one fused [H, 2I] matmul), W2 [I, H]; 3 matmuls' FLOPs. */
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
      const w1v = randomTensor([hidden, 2 * intermediate], 10) as tf.Tensor2D;
      const w2 = randomTensor([intermediate, hidden], 9) as tf.Tensor2D;
      return {
        run: () => {
          const [gate, value] = tf.split(tf.matMul(x, w1v), 2, 1);
          return tf.matMul(tf.mul(gelu(gate!), value!) as tf.Tensor2D, w2);
        },
        dispose: () => tf.dispose([x, w1v, w2]),
      };
    },
  };
}

/** LayerNorm over H on [T, H]: reads x, writes y (gamma and beta are negligible): 8·T·H bytes. */
export function layerNormCase(size: BenchSize): KernelCase {
  const tokens = size.batch * seqLen;
  const { hidden } = size;
  return {
    name: `layernorm/${size.name}`,
    kernel: 'layernorm',
    shape: { tokens, hidden },
    bytes: 2 * 4 * tokens * hidden,
    setup() {
      const x = randomTensor([tokens, hidden], 11, 1);
      const gamma = tf.ones([hidden]) as tf.Tensor1D;
      const beta = tf.zeros([hidden]) as tf.Tensor1D;
      return { run: () => layerNorm(x, gamma, beta), dispose: () => tf.dispose([x, gamma, beta]) };
    },
  };
}
