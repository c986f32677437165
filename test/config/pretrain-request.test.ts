import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planFromSource } from '../../src/config/expand.js';
import { pretrainCommandRequest, pretrainRequest, type PretrainCommandOptions } from '../../src/config/pretrain-request.js';
import { checkedConfig } from '../../src/config/run-spec.js';
import { YamlSource } from '../../src/config/yaml-source.js';
import { BadFileError, UserError } from '../../src/errors.js';
import { resolvePretrain } from '../../src/train/pretrain-run.js';

const base = { recipe: 'mosaic', size: 'tiny', duration: '10ba', corpus: ['builtin'], backend: 'cpu' };
const plan = (text: string) => planFromSource(YamlSource.parse('s.yaml', text));

test('requests with bad names or numbers are UserErrors naming the flag, before anything is written', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mbench-req-')), 'run');
  const cases: Array<[Partial<PretrainCommandOptions>, RegExp]> = [
    [{ size: 'huge' }, /unknown size 'huge'/],
    [{ recipe: 'bart' }, /unknown recipe 'bart'/],
    [{ duration: '0s' }, /--duration: duration '0s' is zero wall-clock time; a run without pretraining \(random init\) is written 0ba/],
    [{ duration: '200bananas' }, /--duration: cannot parse duration '200bananas'/],
    [{ warmup: 'soon' }, /--warmup: cannot parse duration 'soon'/],
    [{ batch: 0 }, /--batch must be an integer ≥ 1/],
    [{ maskRatio: 1.5 }, /--mask-ratio must be between 0 and 1/],
    [{ lr: -1 }, /--lr must be a positive number/],
    [{ seq: 4096 }, /--seq must be at most 512/],
    [{ backend: 'tpu' }, /unknown backend 'tpu'/],
    [{ tokenizer: 'wordpiece-4096' }, /--tokenizer cannot be used with --corpus builtin/],
    [{ corpus: [], tokenizer: 'sentencepiece' }, /unknown tokenizer 'sentencepiece'/],
  ];
  for (const [over, message] of cases) {
    await assert.rejects(
      async () => resolvePretrain(pretrainCommandRequest({ ...base, out, ...over })),
      (e: unknown) => e instanceof UserError && message.test(e.message),
      JSON.stringify(over),
    );
  }
  assert.ok(!existsSync(out));
});

test('a good request resolves to the recipe defaults', async () => {
  const o = await resolvePretrain(pretrainCommandRequest({ ...base, out: '/nonexistent/never-written' }));
  assert.equal(o.maskRatio, 0.3);
  assert.equal(o.batchSize, 32);
  assert.equal(o.seqLen, 128);
  assert.equal(o.model.positions, 'alibi');
  assert.equal(o.model.vocabSize, o.source.tokenizer.vocabSize);
  const bert = await resolvePretrain(pretrainCommandRequest({ ...base, recipe: 'bert', out: '/nonexistent/never-written' }));
  assert.equal(bert.maskRatio, 0.15);
});

test('a sweep run and `mbench pretrain` with the same settings make the same request', () => {
  const [spec] = plan('name: same\nbaseline: mosaic\ndefaults: { size: tiny, duration: 10ba, seqLen: 32, batchSize: 4, backend: cpu, corpus: builtin }\nmatrix:\n  recipe: [mosaic]\n').runs;
  const fromSweep = pretrainRequest(spec!.config, { outDir: 'run', seed: spec!.seed, devices: spec!.devices });
  const fromFlags = pretrainCommandRequest({ ...base, out: 'run', seq: 32, batch: 4 });
  // The one difference by design: a person watching `mbench pretrain` gets a learning curve every 100 steps.
  assert.equal(fromFlags.evalEvery, 100);
  assert.equal(fromSweep.evalEvery, 0);
  assert.deepEqual({ ...fromFlags, evalEvery: 0 }, fromSweep);
  assert.equal(fromSweep.duration.value, 10);
  assert.equal(fromSweep.warmup.text, '0.06dur');
  assert.deepEqual([fromSweep.peakLr, fromSweep.finalLrRatio, fromSweep.weightDecay, fromSweep.checkpointEvery], [5e-4, 0.02, 1e-5, 50]);
  // A tokenizer flag is the same setting as a sweep's vocabSize.
  const [wp] = plan('name: wp\ndefaults: { duration: 10ba, vocabSize: 4096 }\nmatrix:\n  recipe: [bert]\n').runs;
  const wpFlags = pretrainCommandRequest({ recipe: 'bert', size: 'tiny', duration: '10ba', out: 'run', tokenizer: 'wordpiece-4096' });
  assert.equal(pretrainRequest(wp!.config, { outDir: 'run', seed: 1, devices: 1 }).tokenizer, 'wordpiece-4096');
  assert.equal(wpFlags.tokenizer, 'wordpiece-4096');
  assert.deepEqual(wpFlags.corpus, []);
});

test("a sweep recipe's request carries its name, its features on bert, the sweep's schedule, devices and evalAt", () => {
  const [spec] = plan(`
name: abl
devices: 2
evalAt: [0.5dur]
recipes: { bert+alibi: { base: bert, positions: alibi } }
defaults: { duration: 40ba, finalLrFraction: 0.1, weightDecay: 0.01, evalSamples: 0, checkpointEvery: 0.25dur }
matrix:
  recipe: [bert+alibi]
finetune: { suite: micro-glue }
baseline: bert+alibi
`).runs;
  const r = pretrainRequest(spec!.config, { outDir: 'run', seed: spec!.seed, devices: spec!.devices, evalAt: spec!.intermediates.map((p) => p.at) });
  assert.equal(r.recipe, 'bert+alibi');
  assert.equal(r.modelRecipe, 'bert');
  assert.deepEqual(r.features, { positions: 'alibi', feedForward: 'gelu', unpad: false, attentionDropout: 0.1, hiddenDropout: 0.1, vocabMultiple: 1 });
  assert.equal(r.maskRatio, 0.15);
  assert.deepEqual([r.finalLrRatio, r.weightDecay, r.devices], [0.1, 0.01, 2]);
  assert.deepEqual(r.evalAt.map((d) => d.text), ['0.5dur']);
  assert.equal(r.evalBatches, 0, 'evalSamples 0: no evaluation at all');
  assert.equal(r.checkpointEvery, undefined, 'an interval not in steps is left to the loop');
});

test("a spec.json whose settings do not pass the schema is refused, naming the file and the key", () => {
  const [spec] = plan('name: bad\ndefaults: { duration: 10ba }\nmatrix:\n  recipe: [bert]\n').runs;
  assert.deepEqual(checkedConfig(spec!, 'r/spec.json'), spec!.config);
  const edited = { ...spec!, config: { ...spec!.config, size: 'huge' } } as unknown as typeof spec & object;
  assert.throws(() => checkedConfig(edited, 'r/spec.json'), (e: unknown) => e instanceof BadFileError && /^r\/spec\.json: config\.size: .*rerun `mbench sweep`/.test(e.message));
  const { seqLen: _, ...missing } = spec!.config;
  assert.throws(() => checkedConfig({ ...spec!, config: missing } as unknown as typeof spec & object, 'r/spec.json'), /config\.seqLen/);
});
