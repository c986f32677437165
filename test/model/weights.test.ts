import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { UserError } from '../../src/errors.js';
import { createEncoder } from '../../src/model/encoder.js';
import { makeBatch, tinyConfig } from './helpers.js';

before(async () => {
  await useBackend('cpu');
});

test('export → import reproduces the model exactly', async () => {
  const batch = makeBatch([7, 16], 16, 50);
  const a = createEncoder(tinyConfig('mosaic'), 1);
  const b = createEncoder(tinyConfig('mosaic'), 2);
  const loss = (m: typeof a) => tf.tidy(() => m.mlmLoss(batch, null).loss.dataSync()[0]!);
  assert.notEqual(loss(a), loss(b));
  const w = await a.exportWeights();
  assert.deepEqual(w.shapes.get('emb.word'), [56, 16]);
  assert.ok(w.values.has('layer.1.ffn.gate.w'));
  b.importWeights(w);
  assert.equal(loss(a), loss(b));
  a.dispose();
  b.dispose();
});

test('importing another model’s weights fails clearly and changes nothing', async () => {
  const mosaic = createEncoder(tinyConfig('mosaic'), 1);
  const bert = createEncoder(tinyConfig('bert'), 1);
  const before = await mosaic.exportWeights();
  const bertWeights = await bert.exportWeights();
  assert.throws(
    () => mosaic.importWeights(bertWeights, 'ckpt/step-10.bin'),
    (e: Error) =>
      e instanceof UserError &&
      e.message.startsWith('ckpt/step-10.bin does not fit this model') &&
      /missing weight 'layer.0.ffn.gate.w'/.test(e.message) &&
      /weight 'emb.word' has shape \[50,16\], the model expects \[56,16\]/.test(e.message),
  );
  const after = await mosaic.exportWeights();
  for (const [name, v] of before.values) assert.deepEqual(after.values.get(name), v, name);
  const extra = await mosaic.exportWeights();
  extra.values.set('surprise', new Float32Array(1));
  extra.shapes.set('surprise', [1]);
  assert.throws(() => mosaic.importWeights(extra), /unexpected weight 'surprise'/);
  mosaic.dispose();
  bert.dispose();
});
