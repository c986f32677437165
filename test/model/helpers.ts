/** Shared fixtures for model tests: tiny configs and deterministic batches. */
import type { MlmBatch, ModelConfig } from '../../src/model/types.js';
import { buildModelConfig } from '../../src/model/recipes.js';
import { Rng } from '../../src/random.js';

/** A tiny model (2 layers × 16 hidden, 2 heads) of a recipe, with optional feature overrides. */
export function tinyConfig(recipe: 'bert' | 'mosaic', features: Partial<ModelConfig> = {}, vocabSize = 50): ModelConfig {
  const c = buildModelConfig({ recipe, size: 'tiny', vocabSize, maxSeqLen: 16 });
  return { ...c, hidden: 16, heads: 2, intermediate: 24, ...features };
}

/** A batch with rows of the given real lengths (pads at the end) and every `maskEvery`-th real token masked. */
export function makeBatch(lengths: number[], seqLen: number, vocabSize: number, seed = 1, maskEvery = 3): MlmBatch {
  const rng = new Rng(seed);
  const rand = () => rng.next();
  const n = lengths.length * seqLen;
  const inputIds = new Int32Array(n);
  const attentionMask = new Uint8Array(n);
  const labels = new Int32Array(n).fill(-100);
  const tokenTypeIds = new Int32Array(n);
  lengths.forEach((len, b) => {
    for (let t = 0; t < len; t++) {
      const p = b * seqLen + t;
      inputIds[p] = 1 + Math.floor(rand() * (vocabSize - 1));
      attentionMask[p] = 1;
      tokenTypeIds[p] = t >= len / 2 ? 1 : 0;
      if ((p + b) % maskEvery === 1) labels[p] = 1 + Math.floor(rand() * (vocabSize - 1));
    }
  });
  return { batchSize: lengths.length, seqLen, inputIds, attentionMask, tokenTypeIds, labels };
}
