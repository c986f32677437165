import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { clipByGlobalNorm, clipCoefficient } from '../../src/train/clip.js';

await tf.setBackend('cpu');

test('global norm over all gradients and the torch clip coefficient', () => {
  const a = tf.tensor([3, 0]);
  const b = tf.tensor([[0, 4]]);
  const { grads, norm } = clipByGlobalNorm([a, b], 1);
  assert.ok(Math.abs(norm.dataSync()[0]! - 5) < 1e-6);
  const k = 1 / (5 + 1e-6);
  assert.ok(Math.abs(grads[0]!.dataSync()[0]! - 3 * k) < 1e-6);
  assert.ok(Math.abs(grads[1]!.dataSync()[1]! - 4 * k) < 1e-6);
  assert.equal(clipCoefficient(5, 1), 1 / (5 + 1e-6));
  assert.equal(clipCoefficient(0.5, 1), 1);
  tf.dispose([a, b, norm, ...grads]);
});

test('below the threshold gradients pass unchanged', () => {
  const a = tf.tensor([0.3, 0.4]);
  const { grads, norm } = clipByGlobalNorm([a], 1);
  assert.deepEqual(Array.from(grads[0]!.dataSync()), Array.from(a.dataSync()));
  tf.dispose([a, norm, ...grads]);
});
