/**
 * Checkpoints for the export tests, written with the real checkpoint writer from a real Encoder whose every
 * weight is replaced by seeded random values (LayerNorm γ around 1, all biases non-zero), so a mapping that
 * mixes two tensors up cannot hide behind BERT's initial zeros and ones. The vocabulary is the built-in text's
 * word-level tokenizer, which the exporter can always find.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildModelConfig } from '../../src/model/recipes.js';
import { createEncoder, type Encoder } from '../../src/model/encoder.js';
import type { ModelConfig, ModelFeatures } from '../../src/model/types.js';
import { builtinSentences } from '../../src/data/builtin-source.js';
import { writeCheckpoint, type NamedArray } from '../../src/train/checkpoint.js';
import { Rng } from '../../src/random.js';
import { WordTokenizer } from '../../src/data/text-source.js';

export const builtinTokenizer = (): WordTokenizer => WordTokenizer.fromTexts(builtinSentences());

export interface FixtureShape {
  hidden: number;
  heads: number;
  intermediate: number;
  layers?: number;
  maxSeqLen?: number;
}

/** A small model of `recipe` on the built-in vocabulary (337 tokens, unless told), with feature overrides. */
export function fixtureConfig(recipe: 'bert' | 'mosaic', shape: FixtureShape, features: Partial<ModelFeatures> = {}, vocabSize = builtinTokenizer().vocabSize): ModelConfig {
  const base = buildModelConfig({ recipe, size: 'tiny', vocabSize, maxSeqLen: shape.maxSeqLen ?? 24, features });
  return { ...base, hidden: shape.hidden, heads: shape.heads, intermediate: shape.intermediate, layers: shape.layers ?? 2 };
}

/** An Encoder of `config` with every weight random (seeded): matrices N-ish(0, 0.15²), γ ∈ 1 ± 0.3, β and biases ± 0.2. */
export function randomisedEncoder(config: ModelConfig, seed: number): Encoder {
  const model = createEncoder(config, seed);
  const rng = new Rng(seed * 7919 + 13);
  const u = () => 2 * rng.next() - 1;
  const exported = { values: new Map<string, Float32Array>(), shapes: new Map<string, number[]>() };
  for (const { name, variable } of model.weights) {
    const fresh = new Float32Array(variable.size);
    for (let i = 0; i < fresh.length; i++) {
      if (name.endsWith('.gamma')) fresh[i] = 1 + 0.3 * u();
      else if (name.endsWith('.beta') || name.endsWith('.b') || name === 'mlm.bias') fresh[i] = 0.2 * u();
      else fresh[i] = 0.15 * (u() + u() + u()); // sum of uniforms: bell-shaped, sd 0.15
    }
    exported.values.set(name, fresh);
    exported.shapes.set(name, [...variable.shape]);
  }
  model.importWeights(exported, 'test weights');
  return model;
}

/** The model's weights as checkpoint arrays, plus one optimizer moment (which an export must leave out). */
export function checkpointArrays(model: Encoder): NamedArray[] {
  // The export tests run on cpu, which reads synchronously (Encoder.exportWeights is asynchronous for webgpu).
  const arrays: NamedArray[] = model.weights.map(({ name, variable }) => ({ name, kind: 'weight' as const, shape: [...variable.shape], data: Float32Array.from(variable.dataSync() as Float32Array) }));
  const first = arrays[0]!;
  return [...arrays, { name: first.name, kind: 'adam.m', shape: first.shape, data: new Float32Array(first.data.length).fill(0.5) }];
}

/** Writes `<runDir>/checkpoints/step-<step>.ckpt` of `model` and returns its path. */
export function writeFixtureCheckpoint(
  runDir: string,
  recipe: string,
  model: Encoder,
  step = 7,
  progress: Partial<{ tokens: number; trainSeconds: number; evalLoss: number | null; evalAccuracy: number | null }> = {},
  tokenizerId = builtinTokenizer().id,
): string {
  const dir = join(runDir, 'checkpoints');
  mkdirSync(dir, { recursive: true });
  return writeCheckpoint(
    dir,
    {
      mbenchVersion: '0.1.0', createdAt: '2026-01-01T00:00:00Z', step, totalSteps: 10, finished: false, recipe, model: model.config,
      tokenizerId, training: { batchSize: 4 }, seed: 1, rng: { scheme: 'keyed-splitmix32', seed: 1, step },
      cursor: { epoch: 0, position: 0, seed: 1 },
      progress: { samples: 28, tokens: 321, trainSeconds: 4.5, flops: 1e6, lastLoss: 5.5, evalLoss: 5.25, evalAccuracy: 0.125, ...progress },
    },
    checkpointArrays(model),
  );
}
