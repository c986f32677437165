/**
 * The decoupled AdamW update as training runs it (src/train/optimizer.ts: AdamWOptimizer.update, with the
 * backend's default placement — a fused host loop on wasm/cpu/native, tfjs ops elsewhere), over one encoder
 * layer's parameters. The loss is linear, Σ_i sum(w_i ⊙ g_i), so its gradients are the fixed g_i and cost one
 * elementwise pass: what is timed is the optimizer. Elementwise, so the measure is memory traffic — per
 * parameter it reads p, g, m, v and writes p, m, v (7 floats).
 */
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_ADAMW } from '../../kernels/adamw.js';
import { addMany } from '../../kernels/add-many.js';
import { AdamWOptimizer } from '../../src/train/optimizer.js';
import type { KernelCase } from '../types.js';
import { randomTensor, type BenchSize } from './shapes.js';

/** Shapes of one post-LN encoder layer with a GeGLU feed-forward: q, k, v, out, gate, value, W2, biases, 2 LayerNorms. */
export function encoderLayerParamShapes(size: BenchSize): number[][] {
  const { hidden: h, intermediate: i } = size;
  return [[h, h], [h], [h, h], [h], [h, h], [h], [h, h], [h], [h, i], [h, i], [i, h], [h], [h], [h], [h], [h]];
}

export function adamwCase(size: BenchSize): KernelCase {
  const shapes = encoderLayerParamShapes(size);
  const params = shapes.reduce((sum, s) => sum + s.reduce((a, b) => a * b, 1), 0);
  return {
    name: `adamw-update/${size.name}`,
    kernel: 'adamw-update',
    shape: { params, tensors: shapes.length },
    bytes: 7 * 4 * params,
    setup() {
      const weights = shapes.map((s, k) => ({ name: `w${k}`, variable: tf.variable(randomTensor(s, 20 + k), true) }));
      const gs = shapes.map((s, k) => randomTensor(s, 40 + k, 1e-3));
      const optimizer = new AdamWOptimizer(weights, DEFAULT_ADAMW, 1.0);
      const loss = () => addMany(weights.map((w, k) => tf.sum(tf.mul(w.variable, gs[k]!)))) as tf.Scalar;
      let step = 0;
      return {
        run: () => {
          // Applied, not read back: the loss and norm scalars go to the harness, which waits for them on GPUs.
          const pending = optimizer.update(loss, ++step, 5e-4, 5e-4);
          return typeof pending.gradNorm === 'number' ? [pending.loss] : [pending.loss, pending.gradNorm];
        },
        dispose: () => tf.dispose([...weights.map((w) => w.variable), ...gs]),
      };
    },
  };
}
