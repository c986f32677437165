// The exported `mosaic-bert` folder through a from-scratch Float64 forward pass of MosaicBERT's
// BertForMaskedLM (bert_layers.py semantics, hf-reference.ts). With the one known difference removed (GeGLU's
// GELU in mbench's tanh form) it gives mbench's logits within 1e-4; as bert_layers.py really runs (erf GELU in
// the GeGLU) the difference is measured and bounded.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { alibiSlopes } from '../../kernels/attention.js';
import { useBackend } from '../../src/engine/backends.js';
import { exportFixture, fixtureBatch, maxDifference, TOLERANCE } from './forward-helpers.js';
import { mosaicAlibiSlopes, mosaicBertLogits } from './hf-reference.js';
import { mbenchLogits } from './mbench-logits.js';

before(async () => {
  await useBackend('cpu');
});

test("mbench's ALiBi slopes are bert_layers.py's, including head counts that are not powers of two", () => {
  for (const heads of [1, 2, 3, 4, 6, 8, 12, 16, 24]) {
    const ours = alibiSlopes(heads);
    const theirs = mosaicAlibiSlopes(heads);
    assert.equal(ours.length, heads);
    ours.forEach((s, i) => assert.ok(Math.abs(s - theirs[i]!) < 1e-15, `heads ${heads}, slope ${i}: ${s} vs ${theirs[i]}`));
  }
});

// 3 heads: ALiBi's interleaved slopes; vocabMultiple 8 (mosaic's): 337 tokens → 344 rows.
for (const [label, features] of [['mosaic', {}], ['mosaic+padded+attdrop', { unpad: false, attentionDropout: 0.1 }]] as const) {
  test(`${label}: MosaicBERT semantics on the exported folder reproduce mbench's logits`, (t) => {
    const { model, tensors, config } = exportFixture('mosaic', features, { hidden: 24, heads: 3, intermediate: 40 }, 17);
    const { batch, positions } = fixtureBatch(model.config.vocabSize);
    const V = model.vocabRows;
    assert.equal(V, 344);
    const mb = mbenchLogits(model, batch, positions);

    const exact = maxDifference(mb, mosaicBertLogits(tensors, config, batch, 'tanh'), positions, V);
    t.diagnostic(`GeGLU with tanh GELU (mbench's): max |mbench − reference| = ${exact.toExponential(2)} over ${positions.length}×${V} logits`);
    assert.ok(exact <= TOLERANCE, `max difference ${exact}`);

    const asShipped = maxDifference(mb, mosaicBertLogits(tensors, config, batch, 'erf'), positions, V);
    t.diagnostic(`GeGLU with erf GELU (bert_layers.py's): max |mbench − reference| = ${asShipped.toExponential(2)}`);
    assert.ok(asShipped < 2e-3, `erf GeGLU moves logits by ${asShipped}`);

    // Sensitivity: k and v exchanged inside Wqkv of the last layer is far off.
    const qkv = tensors.get('bert.encoder.layer.1.attention.self.Wqkv.weight')!;
    const H = config.hidden_size as number;
    const data = Float32Array.from(qkv.data);
    data.set(qkv.data.subarray(2 * H * H, 3 * H * H), H * H);
    data.set(qkv.data.subarray(H * H, 2 * H * H), 2 * H * H);
    const broken = new Map(tensors).set('bert.encoder.layer.1.attention.self.Wqkv.weight', { ...qkv, data });
    assert.ok(maxDifference(mb, mosaicBertLogits(broken, config, batch, 'tanh'), positions, V) > 1e-2);
    model.dispose();
  });
}
