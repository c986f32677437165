import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { createEncoder } from '../../src/model/encoder.js';
import { assertClose } from '../kernels/helpers.js';
import { makeBatch, tinyConfig } from './helpers.js';

/** Loss and every gradient of a tiny model, as plain arrays (so they survive a backend switch). */
function lossAndGrads(recipe: 'bert' | 'mosaic'): Float32Array[] {
  const m = createEncoder(tinyConfig(recipe), 4);
  const batch = makeBatch([16, 7, 2], 16, 50, 6);
  const vars = m.weights.map((w) => w.variable);
  const { value, grads } = tf.variableGrads(() => m.mlmLoss(batch, 3).loss, vars);
  const out = [value, ...vars.map((v) => grads[v.name]!)].map((t) => t.dataSync().slice() as Float32Array);
  tf.dispose([value, ...Object.values(grads)]);
  m.dispose();
  return out;
}

test('wasm (XNNPACK slices, JS kernels) matches cpu on a small model: loss and all gradients, with dropout', async () => {
  for (const recipe of ['bert', 'mosaic'] as const) {
    await useBackend('cpu');
    const cpu = lossAndGrads(recipe);
    await useBackend('wasm');
    const wasm = lossAndGrads(recipe);
    wasm.forEach((v, i) => assertClose(v, cpu[i]!, 2e-4, `${recipe} result ${i}`));
  }
});
