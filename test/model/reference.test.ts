import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { createEncoder } from '../../src/model/encoder.js';
import { naiveMlmLoss } from '../../src/model/reference.js';
import { makeBatch, tinyConfig } from './helpers.js';

before(async () => {
  await useBackend('cpu');
});

// The kernels-based model against the same model written with plain tfjs ops (values and every gradient).
for (const recipe of ['bert', 'mosaic'] as const) {
  test(`${recipe}: fast kernels match plain tfjs ops (loss and all gradients)`, () => {
    const model = createEncoder(tinyConfig(recipe), 21);
    const batch = makeBatch([12, 16, 3], 16, 50, 9);
    const vars = model.weights.map((w) => w.variable);
    const fast = tf.variableGrads(() => model.mlmLoss(batch, null).loss, vars);
    const slow = tf.variableGrads(() => naiveMlmLoss(model, batch, null), vars);
    assert.ok(Math.abs(fast.value.dataSync()[0]! - slow.value.dataSync()[0]!) < 1e-5);
    for (const w of model.weights) {
      const a = fast.grads[w.variable.name]!.dataSync();
      const b = slow.grads[w.variable.name]!.dataSync();
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
        scale = Math.max(scale, Math.abs(b[i]!));
      }
      assert.ok(worst <= 1e-5 + 1e-3 * scale, `${w.name}: max gradient difference ${worst} (scale ${scale})`);
    }
    tf.dispose([fast.value, slow.value, ...Object.values(fast.grads), ...Object.values(slow.grads)]);
    model.dispose();
  });
}
