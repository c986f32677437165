import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFromSource } from '../../src/config/expand.js';
import { YamlSource } from '../../src/config/yaml-source.js';
import { canonicalJson } from '../../src/config/run-spec.js';

const plan = (text: string) => planFromSource(YamlSource.parse('t.yaml', text));

const A = `
name: ids
runner: mock
defaults: { size: tiny, seqLen: 32, batchSize: 4 }
matrix:
  recipe: [bert, mosaic]
  duration: [10ba, 20ba]
seeds: [1, 2]
finetune: { suite: micro-glue, seeds: [1, 2] }
pricePerDeviceHour: 2.5
`;
// The same study with every mapping written in another key order and spelled differently.
const B = `
pricePerDeviceHour: 2.5
finetune: { seeds: [1, 2], suite: micro-glue }
seeds: [1, 2]
matrix:
  duration: [1e1ba, 20ba]
  recipe: [bert, mosaic]
defaults: { batchSize: 4, seqLen: 32, size: tiny }
runner: mock
name: ids
`;

test('ids do not depend on key order or spelling, and re-expansion finds the same ids', () => {
  const a = plan(A).runs.map((r) => r.id).sort();
  const b = plan(B).runs.map((r) => r.id).sort();
  assert.equal(a.length, 8);
  assert.equal(new Set(a).size, 8);
  assert.deepEqual(a, b);
  assert.deepEqual(plan(A).runs.map((r) => r.id), plan(A).runs.map((r) => r.id));
});

test('what a run computes changes its id; price and sweep name do not', () => {
  const ids = (text: string) => plan(text).runs.map((r) => r.id).sort();
  const base = ids(A);
  assert.deepEqual(ids(A.replace('pricePerDeviceHour: 2.5', 'pricePerDeviceHour: 4')), base);
  assert.deepEqual(ids(A.replace('name: ids', 'name: other')), base);
  const changed = ids(A.replace('seqLen: 32', 'seqLen: 64'));
  assert.equal(changed.filter((id) => base.includes(id)).length, 0);
  const reseeded = ids(A.replace('seeds: [1, 2]\nfinetune', 'seeds: [1, 3]\nfinetune'));
  assert.equal(reseeded.filter((id) => base.includes(id)).length, 4);
});

test('a run spec carries the resolved recipe features and its seeds', () => {
  const runs = plan(A).runs;
  const mosaic = runs.find((r) => r.recipe === 'mosaic' && r.seed === 2 && r.config.duration === '20ba')!;
  assert.equal(mosaic.name, 'mosaic-tiny-20ba-s2');
  assert.equal(mosaic.config.maskRatio, 0.3);
  assert.equal(mosaic.config.positions, 'alibi');
  assert.equal(mosaic.config.vocabMultiple, 8);
  assert.deepEqual(mosaic.finetune, { suite: 'micro-glue', tasks: null, seeds: [1, 2], glueDir: null, epochs: null, maxTrainExamples: null, lr: null });
  assert.equal(mosaic.pricePerDeviceHour, 2.5);
  assert.equal(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 3 } }), '{"a":{"c":3,"d":[2,{"e":0,"f":1}]},"b":1}');
});

test('evalAt adds intermediate points to the runs it falls inside, with their own ids', () => {
  const runs = plan(A + 'evalAt: [10ba, 0.25dur]\n').runs;
  const short = runs.find((r) => r.config.duration === '10ba')!;
  const long = runs.find((r) => r.config.duration === '20ba')!;
  assert.deepEqual(short.intermediates.map((p) => p.at), ['0.25dur']);
  assert.deepEqual(long.intermediates.map((p) => p.at), ['10ba', '0.25dur']);
  assert.match(long.intermediates[0]!.name, /@10ba$/);
  const all = runs.flatMap((r) => [r.id, ...r.intermediates.map((p) => p.id)]);
  assert.equal(new Set(all).size, all.length);
});

test('named recipes derive from a base recipe', () => {
  const runs = plan(A.replace('recipe: [bert, mosaic]', 'recipe: [bert, bert-alibi]') + 'recipes:\n  bert-alibi: { base: bert, positions: alibi }\n').runs;
  const r = runs.find((x) => x.recipe === 'bert-alibi')!;
  assert.equal(r.config.positions, 'alibi');
  assert.equal(r.config.feedForward, 'gelu');
});

test('dry-run estimates: parameters and FLOPs follow the cited formulas', async () => {
  const { estimateRun } = await import('../../src/config/estimate.js');
  const e = estimateRun(plan(A).runs[0]!.config);
  // bert tiny: L2 H128 I512, vocab 30522, learned positions for the model's 512 (maxSeqLen), batch 4 × seqLen 32
  const layer = 4 * 128 * 128 + 4 * 128 + (2 * 128 * 512 + 512 + 128) + 4 * 128;
  assert.equal(e.params, 2 * layer + (30522 * 128 + 512 * 128 + 4 * 128) + (128 * 128 + 3 * 128 + 30522));
  assert.equal(e.steps, 10);
  assert.equal(e.tokenPositions, 10 * 4 * 32);
  // PaLM's count per step (src/model/flops.ts): 6·N·(B·T) + 12·L·H·T·(B·T) + 6·(H² + H·V)·masked, 15% of B·T masked
  const perStep = 6 * 2 * (4 * 128 * 128 + 2 * 128 * 512) * 128 + 12 * 2 * 128 * 32 * 128 + 6 * (128 * 128 + 128 * 30522) * 0.15 * 128;
  assert.equal(e.flops, 10 * perStep);
});
