// The exported `bert` folder, run through a from-scratch Float64 forward pass of transformers'
// BertForMaskedLM (hf-reference.ts) that reads only the folder, gives mbench's MLM logits within 1e-4.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBackend } from '../../src/engine/backends.js';
import { LAYER_NORM_EPS as EXPORT_EPS } from '../../src/export/hf-shared.js';
import { LAYER_NORM_EPS } from '../../kernels/layernorm.js';
import { exportFixture, fixtureBatch, maxDifference, TOLERANCE } from './forward-helpers.js';
import { hfBertLogits } from './hf-reference.js';
import { mbenchLogits, mlmLossFrom } from './mbench-logits.js';

before(async () => {
  await useBackend('cpu');
});

test('export and kernels agree on the LayerNorm epsilon', () => {
  assert.equal(EXPORT_EPS, LAYER_NORM_EPS);
});

for (const [label, features] of [['bert', {}], ['bert+unpad+vocab8', { unpad: true, vocabMultiple: 8 }]] as const) {
  test(`${label}: Hugging Face BertForMaskedLM semantics on the exported folder reproduce mbench's logits (≤ ${TOLERANCE})`, (t) => {
    const { model, tensors, config } = exportFixture('bert', features, { hidden: 32, heads: 4, intermediate: 48 }, 11);
    const { batch, positions } = fixtureBatch(model.config.vocabSize);
    const V = model.vocabRows;
    const mb = mbenchLogits(model, batch, positions);
    // The head above is mbench's own: its cross-entropy is mlmLoss's value.
    const labelled = positions.filter((p) => batch.labels[p] !== -100);
    const lossFromLogits = mlmLossFrom(mbenchLogits(model, batch, labelled), V, labelled.map((p) => batch.labels[p]!));
    const loss = model.mlmLoss(batch, null);
    assert.ok(Math.abs(loss.loss.dataSync()[0]! - lossFromLogits) < 1e-5, 'the test reproduces mbench\'s MLM head');
    loss.loss.dispose();
    loss.correct.dispose();

    const ref = hfBertLogits(tensors, config, batch);
    const worst = maxDifference(mb, ref, positions, V);
    let scale = 0;
    for (const v of mb) scale = Math.max(scale, Math.abs(v));
    t.diagnostic(`max |mbench − HF reference| = ${worst.toExponential(2)} over ${positions.length}×${V} logits (largest |logit| ${scale.toFixed(2)})`);
    assert.ok(scale > 1, `logits are not trivially small (${scale})`);
    assert.ok(worst <= TOLERANCE, `max difference ${worst}`);

    // The comparison is sensitive: the same pass with query and key swapped in one layer is far off.
    const swapped = new Map(tensors);
    swapped.set('bert.encoder.layer.1.attention.self.query.weight', tensors.get('bert.encoder.layer.1.attention.self.key.weight')!);
    swapped.set('bert.encoder.layer.1.attention.self.key.weight', tensors.get('bert.encoder.layer.1.attention.self.query.weight')!);
    assert.ok(maxDifference(mb, hfBertLogits(swapped, config, batch), positions, V) > 1e-2);
    // And "gelu" (erf) where mbench's tanh form is, is measurably off: config.json must say gelu_new.
    const erfDiff = maxDifference(mb, hfBertLogits(tensors, { ...config, hidden_act: 'gelu' }, batch), positions, V);
    t.diagnostic(`with hidden_act "gelu" (erf) instead: ${erfDiff.toExponential(2)}`);
    assert.ok(erfDiff > TOLERANCE, `erf GELU gives ${erfDiff}`);
    model.dispose();
  });
}
