import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { createEncoder } from '../../src/model/encoder.js';
import { makeBatch, tinyConfig } from './helpers.js';

before(async () => {
  await useBackend('cpu');
});

const batch = makeBatch([16, 9, 4], 16, 50, 5);

function lossOf(seed: number, dropoutSeed: number | null, recipe: 'bert' | 'mosaic' = 'bert'): number {
  const m = createEncoder(tinyConfig(recipe), seed);
  const loss = tf.tidy(() => m.mlmLoss(batch, dropoutSeed).loss.dataSync()[0]!);
  m.dispose();
  return loss;
}

test('same seed → same weights and same loss (with dropout seeded too); other seeds differ', async () => {
  assert.equal(lossOf(3, 11), lossOf(3, 11));
  assert.notEqual(lossOf(3, 11), lossOf(4, 11));
  assert.notEqual(lossOf(3, 11), lossOf(3, 12)); // another dropout mask
  assert.notEqual(lossOf(3, null), lossOf(3, 11)); // evaluation runs without dropout
  const a = await createEncoder(tinyConfig('mosaic'), 8).exportWeights();
  const b = await createEncoder(tinyConfig('mosaic'), 8).exportWeights();
  for (const [name, v] of a.values) assert.deepEqual(v, b.values.get(name), name);
});

test('no tensor leaks across repeated loss + gradient steps (both recipes)', () => {
  for (const recipe of ['bert', 'mosaic'] as const) {
    const m = createEncoder(tinyConfig(recipe), 2);
    const vars = m.weights.map((w) => w.variable);
    const counts: number[] = [];
    for (let step = 0; step < 4; step++) {
      const { value, grads } = tf.variableGrads(() => m.mlmLoss(batch, step).loss, vars);
      tf.dispose([value, ...Object.values(grads)]);
      tf.tidy(() => {
        m.mlmLoss(batch, null); // evaluation path too
      });
      counts.push(tf.memory().numTensors);
    }
    assert.deepEqual(counts, counts.map(() => counts[0]), `${recipe}: ${counts}`);
    m.dispose();
  }
});

test('MLM output: masked count, correct ≤ masked, and loss ≈ ln V at initialisation', () => {
  const m = createEncoder(tinyConfig('mosaic'), 1);
  tf.tidy(() => {
    const out = m.mlmLoss(batch, null);
    const masked = [...batch.labels].filter((l) => l !== -100).length;
    assert.equal(out.maskedCount, masked);
    assert.ok(out.correct.dataSync()[0]! <= masked);
    assert.ok(Math.abs(out.loss.dataSync()[0]! - Math.log(56)) < 0.5);
  });
  m.dispose();
});

test('bad batches are rejected with the reason', () => {
  const m = createEncoder(tinyConfig('bert'), 1);
  const bad = { ...batch, inputIds: batch.inputIds.map((x, i) => (i === 3 ? 50 : x)) };
  assert.throws(() => tf.tidy(() => m.mlmLoss(bad, null).loss), /token id 50 is outside the vocabulary/);
  const long = makeBatch([20], 20, 50);
  assert.throws(() => tf.tidy(() => m.mlmLoss(long, null).loss), /exceeds the model's 16 learned positions/);
  m.dispose();
});
