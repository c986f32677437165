import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskData, TaskSpec } from '../../src/data/tasks.js';
import { WordPieceTokenizer } from '../../src/data/wordpiece.js';
import { useBackend } from '../../src/engine/backends.js';
import { createEncoder } from '../../src/model/encoder.js';
import { buildModelConfig } from '../../src/model/recipes.js';
import type { ModelConfig, NamedWeights } from '../../src/model/types.js';
import { encodeExample } from '../../src/train/finetune-batches.js';
import { finetuneSeed, type EncodedTask } from '../../src/train/finetune.js';

await useBackend('cpu');
const words = ['good', 'bad', 'the', 'film', 'was', 'very', 'plot', 'acting', 'and', 'a'];
const tok = new WordPieceTokenizer(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...words], 'toy');
const model: ModelConfig = { ...buildModelConfig({ recipe: 'bert', size: 'tiny', vocabSize: tok.info.vocabSize, maxSeqLen: 32 }), layers: 1, hidden: 32, heads: 2, intermediate: 64 };
const mosaic: ModelConfig = { ...buildModelConfig({ recipe: 'mosaic', size: 'tiny', vocabSize: tok.info.vocabSize, maxSeqLen: 32 }), layers: 1, hidden: 32, heads: 2, intermediate: 64 };

/** Label 1 when "good" occurs, 0 when "bad" does: learnable from one token. */
function toyTask(kind: 'classification' | 'regression'): EncodedTask {
  const make = (i: number) => {
    const filler = words.slice(2 + (i % 5), 5 + (i % 5)).join(' ');
    const good = i % 2 === 0;
    return { a: `${i % 3 === 0 ? filler + ' ' : ''}${good ? 'good' : 'bad'} ${filler}`, label: kind === 'regression' ? (good ? 4 : 1) : good ? 1 : 0 };
  };
  const spec: TaskSpec = {
    name: `toy-${kind}`,
    kind,
    numLabels: kind === 'regression' ? 1 : 2,
    metrics: kind === 'regression' ? ['pearson'] : ['accuracy'],
    hyper: { lr: 1e-2, weightDecay: 0, batchSize: 16, epochs: 4, seeds: [1], maxSeqLen: 16, evalsPerEpoch: 2 },
    source: 'test',
  };
  const task: TaskData = { spec, train: Array.from({ length: 64 }, (_, i) => make(i)), dev: { dev: Array.from({ length: 24 }, (_, i) => make(i + 1000)) } };
  const e = (x: (typeof task.train)[number]) => encodeExample(x, (t) => tok.encode(t), tok.special, 16);
  return { task, train: task.train.map(e), dev: { dev: task.dev.dev!.map(e) } };
}

/**
 * At BERT's init (std 0.02) [CLS] barely sees the other tokens, so a random encoder needs many steps; a start
 * whose attention values/outputs are 10× larger stands in for a pretrained model whose [CLS] sees the sentence.
 */
async function seeingStart(config: ModelConfig): Promise<NamedWeights> {
  const enc = createEncoder(config, 99);
  const w = await enc.exportWeights();
  enc.dispose();
  for (const [k, v] of w.values) if (/attn\.(v|out)\.w$/.test(k)) w.values.set(k, v.map((x) => x * 10));
  return w;
}

test('fine-tuning learns a one-token classification task; evaluations are kept and the best reported', async () => {
  const run = await finetuneSeed({ data: toyTask('classification'), model, start: await seeingStart(model), seed: 7, pad: 0 });
  assert.equal(run.steps, 16);
  assert.deepEqual(run.history.map((h) => h.step), [2, 4, 6, 8, 10, 12, 14, 16]);
  assert.ok(run.best.metrics.accuracy! >= 0.9, `accuracy ${run.best.metrics.accuracy}`);
  assert.equal(run.best.metrics.accuracy, Math.max(...run.history.map((h) => h.metrics.accuracy!)));
});

test('same seed, same result; the regression head runs on the unpadded mosaic encoder', async () => {
  const data = toyTask('regression');
  const losses: number[][] = [[], []];
  const a = await finetuneSeed({ data, model: mosaic, start: null, seed: 3, pad: 0, epochs: 1, onStep: (_s, _t, l) => losses[0]!.push(l) });
  const b = await finetuneSeed({ data, model: mosaic, start: null, seed: 3, pad: 0, epochs: 1, onStep: (_s, _t, l) => losses[1]!.push(l) });
  assert.deepEqual(a.history, b.history);
  assert.deepEqual(losses[0], losses[1]);
  assert.ok(Number.isFinite(a.best.metrics.pearson));
  // MSE against targets 1 and 4 starts near their mean square (8.5) and falls as the bias learns
  assert.ok(losses[0]![0]! > 5 && losses[0]![3]! < losses[0]![0]!, losses[0]!.join(' '));
});

test('starting weights are used, and kept weights come back for MNLI-style chaining', async () => {
  const data = toyTask('classification');
  const first = await finetuneSeed({ data, model, start: null, seed: 5, pad: 0, epochs: 1, keepWeights: true });
  assert.ok(first.finalWeights && first.finalWeights.values.has('emb.word'));
  const firstLoss = (start: NamedWeights | null) =>
    finetuneSeed({ data, model, start, seed: 5, pad: 0, epochs: 1, onStep: (s, _t, l) => s === 1 && losses.push(l) });
  const losses: number[] = [];
  await firstLoss(first.finalWeights);
  await firstLoss(null);
  await firstLoss(first.finalWeights);
  assert.notEqual(losses[0], losses[1]);
  assert.equal(losses[0], losses[2]);
});

test('the linear probe scores a frozen encoder: the token that decides the label is read off the mean-pooled states', async () => {
  const { probeTask } = await import('../../src/train/probe.js');
  const data = toyTask('classification');
  const a = await probeTask(model, null, data, tok.special.pad, 1);
  assert.equal(a.accuracy, 1, 'a random encoder already carries "good" vs "bad" in its mean-pooled states');
  assert.deepEqual(await probeTask(model, null, data, tok.special.pad, 1), a, 'deterministic');
  // The frozen weights are what is scored: an encoder whose embeddings are all equal cannot tell the words apart.
  const enc = createEncoder(model, 1);
  const flat = await enc.exportWeights();
  enc.dispose();
  const values = new Map([...flat.values].map(([k, v]) => [k, k === 'emb.word' ? new Float32Array(v.length).fill(0.01) : v]));
  const blind = await probeTask(model, { values, shapes: flat.shapes }, data, tok.special.pad, 1);
  assert.ok(blind.accuracy! <= 0.75, `blind encoder accuracy ${blind.accuracy}`);
  const reg = await probeTask(model, null, toyTask('regression'), tok.special.pad, 1);
  assert.ok(reg.pearson! > 0.9, `regression probe pearson ${reg.pearson}`);
});
