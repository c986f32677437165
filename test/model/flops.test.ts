import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layerDenseWeights, modelFlopsUtilisation, trainingFlops } from '../../src/model/flops.js';
import { buildModelConfig } from '../../src/model/recipes.js';

const step = { batchSize: 32, seqLen: 128, realTokens: 2000, maskedTokens: 600 };

test('dense weights per layer: 4H² + 2HI (GELU) or 3HI (GeGLU)', () => {
  assert.equal(layerDenseWeights({ hidden: 128, intermediate: 512, feedForward: 'gelu' }), 4 * 128 * 128 + 2 * 128 * 512);
  assert.equal(layerDenseWeights({ hidden: 128, intermediate: 512, feedForward: 'geglu' }), 4 * 128 * 128 + 3 * 128 * 512);
});

test('mosaic tiny: 6·N·real tokens + 12·L·H·T·(B·T) + 6·(H² + H·V)·masked', () => {
  const c = buildModelConfig({ recipe: 'mosaic', size: 'tiny', vocabSize: 30522 });
  const dense = 6 * 2 * (4 * 128 * 128 + 3 * 128 * 512) * 2000; // unpadded: real tokens only
  const attention = 12 * 2 * 128 * 128 * (32 * 128); // attention runs padded
  const head = 6 * (128 * 128 + 128 * 30528) * 600; // masked tokens only, padded vocabulary
  assert.equal(trainingFlops(c, step), dense + attention + head);
  assert.equal(trainingFlops(c, step), 6_291_456_000 + 1_610_612_736 + 14_126_284_800);
});

test('bert counts dense work on every padded position and the unpadded vocabulary', () => {
  const c = buildModelConfig({ recipe: 'bert', size: 'tiny', vocabSize: 30522 });
  const expected = 6 * 2 * (4 * 128 * 128 + 2 * 128 * 512) * 4096 + 12 * 2 * 128 * 128 * 4096 + 6 * (128 * 128 + 128 * 30522) * 600;
  assert.equal(trainingFlops(c, step), expected);
});

test('MFU is achieved FLOP/s over peak', () => {
  assert.equal(modelFlopsUtilisation(2e9, 0.5, 16e9), 0.25);
});

test('the analytical parameter count is the built encoder’s, for every recipe and feature mix', async () => {
  await import('@tensorflow/tfjs-backend-cpu');
  const tf = await import('@tensorflow/tfjs-core');
  await tf.setBackend('cpu');
  const { createEncoder } = await import('../../src/model/encoder.js');
  const { parameterCount } = await import('../../src/model/flops.js');
  for (const [recipe, features] of [
    ['bert', {}],
    ['mosaic', {}],
    ['bert', { feedForward: 'geglu', vocabMultiple: 8 }],
    ['mosaic', { positions: 'learned', feedForward: 'gelu' }],
  ] as const) {
    const c = buildModelConfig({ recipe, size: 'tiny', vocabSize: 1001, maxSeqLen: 64, features });
    const model = createEncoder(c, 1);
    assert.equal(parameterCount(c), model.parameterCount(), `${recipe} ${JSON.stringify(features)}`);
    model.dispose();
  }
  // bert tiny: learned positions for all maxSeqLen rows; GELU biases
  const bert = buildModelConfig({ recipe: 'bert', size: 'tiny', vocabSize: 30522, maxSeqLen: 512 });
  const layer = 4 * (128 * 128 + 128) + 2 * 128 + (2 * 128 * 512 + 512 + 128) + 2 * 128;
  assert.equal(parameterCount(bert), 30522 * 128 + 512 * 128 + 4 * 128 + 2 * layer + (128 * 128 + 3 * 128 + 30522));
});
