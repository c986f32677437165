import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFromSource } from '../../src/config/expand.js';
import { YamlSource } from '../../src/config/yaml-source.js';
import { pretrainDataOf } from '../../src/config/pretrain-request.js';
import { sharedDataOf } from '../../src/launch/shared-data.js';

/** The tokenizer part of what a run with these settings reads. */
const tokenizerFor = (vocabSize: number, corpus: string): { tokenizer?: string } => {
  const { tokenizer } = pretrainDataOf({ vocabSize, corpus });
  return tokenizer === undefined ? {} : { tokenizer };
};

const plan = (text: string) => planFromSource(YamlSource.parse('s.yaml', text));

test('the builtin corpus cannot be fine-tuned: refused when the sweep is read, before any run starts', () => {
  const head = 'name: b\ndefaults: { duration: 2ba, corpus: builtin }\nmatrix:\n  recipe: [bert]\n';
  assert.throws(() => plan(head + 'finetune: { suite: micro-glue }\n'), /builtin' corpus has its own word-level tokenizer/);
  assert.doesNotThrow(() => plan(head + 'finetune: { suite: none }\n'));
  assert.doesNotThrow(() => plan(head));
});

test('a sweep vocabSize picks the tokenizer: 30522 is bert-base-uncased, other sizes a trained WordPiece', () => {
  assert.deepEqual(tokenizerFor(30522, 'default'), {});
  assert.deepEqual(tokenizerFor(8192, 'default'), { tokenizer: 'wordpiece-8192' });
  assert.deepEqual(tokenizerFor(4096, '/data/c4'), { tokenizer: 'wordpiece-4096' });
  assert.deepEqual(tokenizerFor(4096, 'builtin'), {});
});

test('finetune.maxTrainExamples reaches the run spec, changes the run id, and is checked', () => {
  const head = 'name: f\ndefaults: { duration: 2ba }\nmatrix:\n  recipe: [bert]\n';
  const [capped] = plan(head + 'finetune: { suite: micro-glue, maxTrainExamples: 64, lr: 0.003 }\n').runs;
  const [whole] = plan(head + 'finetune: { suite: micro-glue }\n').runs;
  assert.equal(capped!.finetune!.maxTrainExamples, 64);
  assert.equal(capped!.finetune!.lr, 0.003);
  assert.equal(whole!.finetune!.lr, null);
  assert.equal(whole!.finetune!.maxTrainExamples, null);
  assert.notEqual(capped!.id, whole!.id);
  assert.throws(() => plan(head + 'finetune: { suite: micro-glue, maxTrainExamples: 2 }\n'), /maxTrainExamples/);
});

test('a sweep prepares each shared (corpus, tokenizer) once, for real runs only', () => {
  const head = 'name: d\ndefaults: { duration: 2ba }\nseeds: [1, 2]\nmatrix:\n  recipe: [bert, mosaic]\n';
  assert.deepEqual(sharedDataOf(plan(head + '  vocabSize: [8192, 30522]\n').runs), [
    { corpus: [], tokenizer: 'wordpiece-8192' },
    { corpus: [] },
  ]);
  assert.deepEqual(sharedDataOf(plan(head.replace('2ba', '2ba, corpus: /data/c4') + '').runs), [{ corpus: ['/data/c4'] }]);
  assert.deepEqual(sharedDataOf(plan('runner: mock\n' + head).runs), []);
  assert.deepEqual(sharedDataOf(plan(head.replace('2ba', '2ba, corpus: builtin')).runs), []);
});
