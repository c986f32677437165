import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { createEncoder } from '../../src/model/encoder.js';
import { makeBatch, tinyConfig } from '../model/helpers.js';
import { maxRelError, skipNative } from './compare.js';

/** Loss and every weight's gradient of one MLM step (no dropout), on the given backend. */
function mlmStep(backend: string, recipe: 'bert' | 'mosaic', unpad: boolean): { loss: number; grads: Map<string, Float32Array> } {
  tf.setBackend(backend);
  const enc = createEncoder(tinyConfig(recipe, recipe === 'mosaic' ? { unpad } : {}), 7);
  const batch = makeBatch([16, 9, 13, 4], 16, 50, 3);
  const vars = enc.weights.map((w) => w.variable);
  const { value, grads } = tf.variableGrads(() => enc.mlmLoss(batch, null).loss, vars);
  const out = { loss: value.dataSync()[0]!, grads: new Map(Object.entries(grads).map(([k, g]) => [k.replace(/^[^/]*\//, ''), Float32Array.from(g.dataSync())])) };
  tf.dispose([value, ...Object.values(grads)]);
  enc.dispose();
  return out;
}

describe('the encoder on native (fused attention, LayerNorm, GELU/GeGLU) matches cpu', { skip: skipNative }, () => {
  for (const [recipe, unpad] of [['bert', false], ['mosaic', true], ['mosaic', false]] as const) {
    it(`${recipe}${recipe === 'mosaic' ? (unpad ? ' unpadded' : ' padded') : ''}: MLM loss and all gradients`, () => {
      const want = mlmStep('cpu', recipe, unpad);
      const got = mlmStep('native', recipe, unpad);
      tf.setBackend('cpu');
      assert.ok(Math.abs(got.loss - want.loss) < 1e-4 * (1 + Math.abs(want.loss)), `loss ${got.loss} vs ${want.loss}`);
      assert.deepEqual([...got.grads.keys()].sort(), [...want.grads.keys()].sort());
      for (const [name, g] of want.grads) {
        const e = maxRelError(got.grads.get(name)!, g);
        assert.ok(e < 2e-4, `gradient of ${name} differs by ${e}`);
      }
    });
  }
});
