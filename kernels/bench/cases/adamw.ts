/**
 * The decoupled AdamW update (src/train/adamw.ts) over one encoder layer's parameters: elementwise, so the
 * measure is memory traffic — per parameter it reads p, g, m, v and writes p, m, v (7 floats).
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamwApply, DEFAULT_ADAMW, zeroMoments, type Moments } from '../../../src/train/adamw.js';
import type { KernelCase } from '../types.js';
import { randomTensor, type BenchSize } from './shapes.js';

/** Shapes of one post-LN encoder layer with a GeGLU feed-forward: QKV, output, W1|V, W2, biases, 2 LayerNorms. */
export function encoderLayerParamShapes(size: BenchSize): number[][] {
  const { hidden: h, intermediate: i } = size;
  return [[h, 3 * h], [3 * h], [h, h], [h], [h, 2 * i], [2 * i], [i, h], [h], [h], [h], [h], [h]];
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
      const ps = shapes.map((s, k) => tf.variable(randomTensor(s, 20 + k), true));
      const gs = shapes.map((s, k) => randomTensor(s, 40 + k, 1e-3));
      const moments: Moments[] = ps.map((p) => zeroMoments(p));
      let step = 0;
      return {
        run: () => {
          step++;
          ps.forEach((p, k) => adamwApply(p, gs[k]!, moments[k]!, step, 5e-4, 5e-4, DEFAULT_ADAMW));
          return [];
        },
        dispose: () => tf.dispose([...ps, ...gs, ...moments.flatMap((m) => [m.m, m.v])]),
      };
    },
  };
}
