import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePretrain } from '../../src/train/pretrain-run.js';
import { UserError } from '../../src/errors.js';

const base = { recipe: 'mosaic', size: 'tiny', duration: '10ba', corpus: ['builtin'], backend: 'cpu' };

test('requests with bad names or numbers are UserErrors naming the flag, before anything is written', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mbench-req-')), 'run');
  const cases: Array<[object, RegExp]> = [
    [{ size: 'huge' }, /unknown size 'huge'/],
    [{ recipe: 'bart' }, /unknown recipe 'bart'/],
    [{ duration: '0s' }, /--duration: duration '0s' is zero wall-clock time; a run without pretraining \(random init\) is written 0ba/],
    [{ duration: '200bananas' }, /--duration: cannot parse duration '200bananas'/],
    [{ warmup: 'soon' }, /--warmup: cannot parse duration 'soon'/],
    [{ batchSize: 0 }, /--batch must be an integer ≥ 1/],
    [{ maskRatio: 1.5 }, /--mask-ratio must be between 0 and 1/],
    [{ peakLr: -1 }, /--lr must be a positive number/],
    [{ seqLen: 4096 }, /--seq must be at most 512/],
    [{ backend: 'tpu' }, /unknown backend 'tpu'/],
  ];
  for (const [over, message] of cases) {
    await assert.rejects(resolvePretrain({ ...base, outDir: out, ...over }), (e: unknown) => e instanceof UserError && message.test(e.message), JSON.stringify(over));
  }
  assert.ok(!existsSync(out));
});

test('a good request resolves to the recipe defaults', async () => {
  const o = await resolvePretrain({ ...base, outDir: '/nonexistent/never-written' });
  assert.equal(o.maskRatio, 0.3);
  assert.equal(o.batchSize, 32);
  assert.equal(o.seqLen, 128);
  assert.equal(o.model.positions, 'alibi');
  assert.equal(o.model.vocabSize, o.source.tokenizer.vocabSize);
  const bert = await resolvePretrain({ ...base, recipe: 'bert', outDir: '/nonexistent/never-written' });
  assert.equal(bert.maskRatio, 0.15);
});
