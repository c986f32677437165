import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { createEncoder } from '../../src/model/encoder.js';
import { SequenceClassifier } from '../../src/model/classifier.js';
import { makeBatch, tinyConfig } from './helpers.js';

before(async () => {
  await useBackend('cpu');
});

const batch = makeBatch([9, 16, 3, 12], 16, 50, 4);

/** A few plain SGD steps on the classifier's weights; returns the losses. */
function train(clf: SequenceClassifier, labels: number[], steps: number, lr: number): number[] {
  const vars = clf.weights.map((w) => w.variable);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const { value, grads } = tf.variableGrads(() => clf.loss(batch, labels, null), vars);
    losses.push(value.dataSync()[0]!);
    tf.tidy(() => vars.forEach((v) => v.assign(tf.sub(v, tf.mul(grads[v.name]!, lr)))));
    tf.dispose([value, ...Object.values(grads)]);
  }
  return losses;
}

for (const recipe of ['bert', 'mosaic'] as const) {
  test(`${recipe}: the [CLS] classifier gives [B, labels] logits and learns a small labelling`, () => {
    const enc = createEncoder(tinyConfig(recipe), 1);
    const clf = new SequenceClassifier(enc, 3, 2);
    tf.tidy(() => assert.deepEqual(clf.logits(batch, null).shape, [4, 3]));
    assert.ok(clf.weights.every((w) => !w.name.startsWith('mlm.')));
    assert.ok(clf.weights.some((w) => w.name === 'cls.out.w'));
    const losses = train(clf, [0, 2, 1, 2], 15, 0.5);
    assert.ok(losses.at(-1)! < losses[0]! * 0.5, `losses ${losses.map((l) => l.toFixed(3))}`);
    assert.deepEqual([...clf.predict(batch)], [0, 2, 1, 2]);
    clf.dispose();
    enc.dispose();
  });
}

test('numLabels = 1 is a regressor trained with mean squared error', () => {
  const enc = createEncoder(tinyConfig('mosaic'), 1);
  const clf = new SequenceClassifier(enc, 1, 3);
  const targets = [0.5, -1, 2, 0];
  const losses = train(clf, targets, 15, 0.1);
  assert.ok(losses.at(-1)! < losses[0]! * 0.5, `losses ${losses.map((l) => l.toFixed(3))}`);
  assert.equal(clf.predict(batch).length, 4);
  clf.dispose();
  enc.dispose();
});

test('classifier weights round-trip and mismatches are refused', () => {
  const enc = createEncoder(tinyConfig('mosaic'), 1);
  const clf = new SequenceClassifier(enc, 2, 5);
  const other = new SequenceClassifier(createEncoder(tinyConfig('mosaic'), 9), 2, 6);
  other.importWeights(clf.exportWeights());
  tf.tidy(() => assert.deepEqual(other.logits(batch, null).dataSync(), clf.logits(batch, null).dataSync()));
  const three = new SequenceClassifier(createEncoder(tinyConfig('mosaic'), 9), 3, 6);
  assert.throws(() => three.importWeights(clf.exportWeights(), 'ft.ckpt'), /ft.ckpt does not fit this classifier: weight 'cls.out.w' has shape \[16,2\]/);
  assert.throws(() => new SequenceClassifier(enc, 0, 1), /numLabels must be a positive integer/);
});
