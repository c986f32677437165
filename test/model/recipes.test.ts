import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { useBackend } from '../../src/engine/backends.js';
import { UserError } from '../../src/errors.js';
import { createEncoder } from '../../src/model/encoder.js';
import { buildModelConfig, mlmRatioOf, paddedVocabSize, RECIPES } from '../../src/model/recipes.js';
import { tinyConfig } from './helpers.js';

before(async () => {
  await useBackend('cpu');
});

test('mosaic differs from bert exactly in the DESIGN.md feature switches and masking ratio', () => {
  const diff = Object.keys(RECIPES.bert.features).filter(
    (k) => RECIPES.bert.features[k as keyof typeof RECIPES.bert.features] !== RECIPES.mosaic.features[k as keyof typeof RECIPES.mosaic.features],
  );
  assert.deepEqual(diff.sort(), ['attentionDropout', 'feedForward', 'positions', 'unpad', 'vocabMultiple']);
  assert.deepEqual(RECIPES.mosaic.features, { positions: 'alibi', feedForward: 'geglu', unpad: true, attentionDropout: 0, hiddenDropout: 0.1, vocabMultiple: 8 });
  assert.equal(mlmRatioOf('bert'), 0.15);
  assert.equal(mlmRatioOf('mosaic'), 0.3);
});

test('sizes follow the BERT miniatures; the vocabulary pads to a multiple', () => {
  const c = buildModelConfig({ recipe: 'mosaic', size: 'base', vocabSize: 30522 });
  assert.deepEqual([c.layers, c.hidden, c.heads, c.intermediate], [12, 768, 12, 3072]);
  assert.equal(paddedVocabSize(c), 30528);
  assert.equal(paddedVocabSize(buildModelConfig({ recipe: 'bert', size: 'tiny', vocabSize: 30522 })), 30522);
  const t = buildModelConfig({ recipe: 'bert', size: 'tiny', vocabSize: 100, features: { unpad: true } });
  assert.deepEqual([t.layers, t.hidden, t.heads, t.intermediate, t.unpad], [2, 128, 2, 512, true]);
});

test('unknown names and impossible values are user errors that say what is known', () => {
  assert.throws(() => buildModelConfig({ recipe: 'mosiac', size: 'tiny', vocabSize: 10 }), (e: Error) => e instanceof UserError && /did you mean 'mosaic'/.test(e.message));
  assert.throws(() => buildModelConfig({ recipe: 'bert', size: 'huge', vocabSize: 10 }), (e: Error) => e instanceof UserError && /known: tiny, mini/.test(e.message));
  assert.throws(() => buildModelConfig({ recipe: 'bert', size: 'tiny', vocabSize: 0 }), /vocabSize must be a positive integer/);
  assert.throws(() => buildModelConfig({ recipe: 'bert', size: 'tiny', vocabSize: 9, features: { hiddenDropout: 1 } }), /hiddenDropout must be in \[0, 1\)/);
});

test('parameter count matches the architecture, for both recipes', () => {
  const [H, I, L, S] = [16, 24, 2, 16];
  const ln = 2 * H;
  for (const recipe of ['bert', 'mosaic'] as const) {
    const c = tinyConfig(recipe);
    const V = paddedVocabSize(c);
    const embeddings = V * H + 2 * H + ln + (recipe === 'bert' ? S * H : 0);
    const ffn = recipe === 'mosaic' ? 2 * H * I + I * H + H : H * I + I + I * H + H;
    const layer = 4 * (H * H + H) + ln + ffn + ln;
    const head = H * H + H + ln + V;
    const m = createEncoder(c, 1);
    assert.equal(m.parameterCount(), embeddings + L * layer + head, recipe);
    m.dispose();
  }
});
