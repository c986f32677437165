import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { createEncoder, type Encoder } from '../../src/model/encoder.js';
import { ClassifierHead, classificationLoss, classifierLogits, regressionLoss } from '../../src/model/classifier.js';
import { makeBatch, tinyConfig } from './helpers.js';

before(async () => {
  await useBackend('cpu');
});

const batch = makeBatch([9, 16, 3, 12], 16, 50, 4);

/** A few plain SGD steps on what fine-tuning trains (encoder without its MLM head, and the head); returns the losses. */
function train(encoder: Encoder, head: ClassifierHead, loss: (logits: tf.Tensor2D) => tf.Scalar, steps: number, lr: number): number[] {
  const vars = [...encoder.encoderWeights(), ...head.weights].map((w) => w.variable);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const { value, grads } = tf.variableGrads(() => loss(classifierLogits(encoder, head, batch, null)), vars);
    losses.push(value.dataSync()[0]!);
    tf.tidy(() => vars.forEach((v) => v.assign(tf.sub(v, tf.mul(grads[v.name]!, lr)))));
    tf.dispose([value, ...Object.values(grads)]);
  }
  return losses;
}

const predict = (encoder: Encoder, head: ClassifierHead): number[] => tf.tidy(() => [...tf.argMax(classifierLogits(encoder, head, batch, null), 1).dataSync()]);

for (const recipe of ['bert', 'mosaic'] as const) {
  test(`${recipe}: the [CLS] classifier gives [B, labels] logits and learns a small labelling`, () => {
    const enc = createEncoder(tinyConfig(recipe), 1);
    const head = new ClassifierHead(enc.config.hidden, 3, 2, enc.config.hiddenDropout);
    tf.tidy(() => assert.deepEqual(classifierLogits(enc, head, batch, null).shape, [4, 3]));
    assert.ok([...enc.encoderWeights(), ...head.weights].every((w) => !w.name.startsWith('mlm.')));
    assert.deepEqual(head.weights.map((w) => [w.name, w.variable.shape]), [
      ['head.pooler.w', [16, 16]],
      ['head.pooler.b', [16]],
      ['head.classifier.w', [16, 3]],
      ['head.classifier.b', [3]],
    ]);
    const labels = Int32Array.from([0, 2, 1, 2]);
    const losses = train(enc, head, (logits) => classificationLoss(logits, labels), 15, 0.5);
    assert.ok(losses.at(-1)! < losses[0]! * 0.5, `losses ${losses.map((l) => l.toFixed(3))}`);
    assert.deepEqual(predict(enc, head), [0, 2, 1, 2]);
    head.dispose();
    enc.dispose();
  });
}

test('numLabels = 1 is a regressor trained with mean squared error', () => {
  const enc = createEncoder(tinyConfig('mosaic'), 1);
  const head = new ClassifierHead(enc.config.hidden, 1, 3);
  const targets = Float32Array.from([0.5, -1, 2, 0]);
  const losses = train(enc, head, (scores) => regressionLoss(scores, targets), 20, 0.05);
  assert.ok(losses.at(-1)! < losses[0]! * 0.5, `losses ${losses.map((l) => l.toFixed(3))}`);
  tf.tidy(() => assert.deepEqual(classifierLogits(enc, head, batch, null).shape, [4, 1]));
  head.dispose();
  enc.dispose();
});

test('the head is deterministic from its seed, dropout from the step seed, and numLabels must be positive', () => {
  const enc = createEncoder(tinyConfig('mosaic'), 1);
  const a = new ClassifierHead(16, 2, 5);
  const b = new ClassifierHead(16, 2, 5);
  const other = new ClassifierHead(16, 2, 6);
  const out = (h: ClassifierHead, seed: number | null) => tf.tidy(() => [...classifierLogits(enc, h, batch, seed).dataSync()]);
  assert.deepEqual(out(a, null), out(b, null));
  assert.notDeepEqual(out(a, null), out(other, null));
  assert.deepEqual(out(a, 7), out(a, 7));
  assert.notDeepEqual(out(a, 7), out(a, null));
  assert.throws(() => new ClassifierHead(16, 0, 1), /numLabels must be a positive integer/);
  [a, b, other].forEach((h) => h.dispose());
  enc.dispose();
});
