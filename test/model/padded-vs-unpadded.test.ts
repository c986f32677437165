import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { createEncoder } from '../../src/model/encoder.js';
import { makeBatch, tinyConfig } from './helpers.js';

before(async () => {
  await useBackend('cpu');
});

const batch = makeBatch([16, 5, 11, 1], 16, 50, 3);

function maxAbsDiff(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

for (const positions of ['alibi', 'learned'] as const) {
  test(`unpadded and padded encoders agree on real tokens (${positions} positions, forward)`, () => {
    const padded = createEncoder(tinyConfig('mosaic', { unpad: false, positions }), 11);
    const unpadded = createEncoder(tinyConfig('mosaic', { unpad: true, positions }), 11);
    tf.tidy(() => {
      const p = padded.encode(batch, null);
      const u = unpadded.encode(batch, null);
      assert.equal(u.hidden.shape[0], 16 + 5 + 11 + 1);
      assert.equal(p.hidden.shape[0], 4 * 16);
      const pv = p.hidden.dataSync();
      const uv = u.hidden.dataSync();
      const H = 16;
      let worst = 0;
      for (let pos = 0; pos < batch.attentionMask.length; pos++) {
        const r = u.layout.rowOf[pos]!;
        if (r < 0) continue;
        worst = Math.max(worst, maxAbsDiff(pv.subarray(pos * H, pos * H + H), uv.subarray(r * H, r * H + H)));
      }
      assert.ok(worst < 1e-4, `max difference ${worst}`);
    });
    padded.dispose();
    unpadded.dispose();
  });
}

test('unpadded and padded encoders give the same MLM loss and gradients', () => {
  const padded = createEncoder(tinyConfig('mosaic', { unpad: false }), 5);
  const unpadded = createEncoder(tinyConfig('mosaic', { unpad: true }), 5);
  const run = (m: typeof padded) => {
    const { value, grads } = tf.variableGrads(() => m.mlmLoss(batch, null).loss);
    const out = new Map<string, Float32Array>();
    for (const w of m.weights) out.set(w.name, grads[w.variable.name]!.dataSync() as Float32Array);
    const loss = value.dataSync()[0]!;
    tf.dispose([value, ...Object.values(grads)]);
    return { loss, grads: out };
  };
  const p = run(padded);
  const u = run(unpadded);
  assert.ok(Math.abs(p.loss - u.loss) < 1e-5, `${p.loss} vs ${u.loss}`);
  assert.equal(p.grads.size, u.grads.size);
  for (const [name, g] of p.grads) {
    const d = maxAbsDiff(g, u.grads.get(name)!);
    assert.ok(d < 1e-5, `${name}: max gradient difference ${d}`);
  }
  padded.dispose();
  unpadded.dispose();
});
