/** Shared by the forward-pass tests: an exported fixture folder read back, a padded batch, the comparison. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportCheckpoint } from '../../src/export/index.js';
import type { ModelFeatures, MlmBatch } from '../../src/model/types.js';
import { makeBatch } from '../model/helpers.js';
import { fixtureConfig, randomisedEncoder, writeFixtureCheckpoint } from './fixtures.js';
import type { Tensors } from './hf-reference.js';
import { readSafetensors } from './safetensors-reader.js';

export const TOLERANCE = 1e-4;

/** Max |a − b| over the real positions' logit rows of a full [B·T, V] reference. */
export function maxDifference(mb: Float32Array, ref: Float64Array, positions: readonly number[], V: number): number {
  let worst = 0;
  positions.forEach((p, r) => {
    for (let j = 0; j < V; j++) worst = Math.max(worst, Math.abs(mb[r * V + j]! - ref[p * V + j]!));
  });
  return worst;
}

export function exportFixture(recipe: 'bert' | 'mosaic', features: Partial<ModelFeatures>, shape: { hidden: number; heads: number; intermediate: number }, seed: number) {
  const root = mkdtempSync(join(tmpdir(), `mbench-export-fwd-${recipe}-`));
  const model = randomisedEncoder(fixtureConfig(recipe, { ...shape, layers: 2 }, features), seed);
  const ckpt = writeFixtureCheckpoint(join(root, 'run'), recipe, model);
  const out = join(root, 'hf');
  exportCheckpoint(ckpt, { format: 'hf', outDir: out });
  const tensors: Tensors = readSafetensors(readFileSync(join(out, 'model.safetensors'))).tensors;
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  return { model, tensors, config };
}

/** Rows of lengths 13, 20 (full), 5 and 9 over T = 20 with token types, every real position scored. */
export function fixtureBatch(vocabSize: number): { batch: MlmBatch; positions: number[] } {
  const batch = makeBatch([13, 20, 5, 9], 20, vocabSize, 4, 2);
  const positions = [...batch.attentionMask.keys()].filter((p) => batch.attentionMask[p] === 1);
  return { batch, positions };
}

