import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { memoryCorpus } from '../../src/data/corpus.js';
import { defaultCorpus } from '../../src/data/default-corpus.js';
import { checkTokenizer, loadTokenizer, shippedVocabPath, tokenizerFor, trainedVocabKey } from '../../src/data/tokenizers.js';
import { SPECIALS_FIRST, trainedVocab, truncateTrainedVocab } from '../../src/data/vocab-train.js';
import { UserError } from '../../src/errors.js';

const words = ['whale', 'ship', 'captain', 'ocean', 'harpoon', 'sailor', 'deck', 'mast', 'storm', 'island'];
const docs = Array.from({ length: 300 }, (_, i) => `The ${words[i % 10]} and the ${words[(i * 3) % 10]} met a ${words[(i * 7) % 10]}s near ${i}.`);
const corpus = memoryCorpus('toy', 'toy-v1', () => docs);

test('trained WordPiece: a smaller vocabulary is the specials plus the first N−5 trained ids', async () => {
  const root = mkdtempSync(join(tmpdir(), 'mbench-tok-'));
  const trained = await trainedVocab(corpus, join(root, 'toy'));
  assert.ok(trained.length > 100 && trained.length <= 30000);
  assert.ok(trained.some((t) => t.startsWith('##')));
  assert.ok(trained.includes('whale'));
  const small = truncateTrainedVocab(trained, 80);
  assert.equal(small.length, 80);
  assert.deepEqual(small.slice(0, 5), SPECIALS_FIRST);
  assert.deepEqual(small.slice(5), trained.slice(0, 75));
  const bigger = truncateTrainedVocab(trained, 100);
  assert.deepEqual(bigger.slice(0, 80), small);
  assert.throws(() => truncateTrainedVocab(trained, trained.length + 6), UserError);
  // cached: a second call reads the saved file
  assert.deepEqual(await trainedVocab(memoryCorpus('toy', 'toy-v1', () => []), join(root, 'toy')), trained);
});

test('tokenizers are found again by id; a mismatch is refused', async () => {
  const root = mkdtempSync(join(tmpdir(), 'mbench-tok-'));
  const wp = await loadTokenizer('wordpiece-120', { corpus, cacheRoot: root });
  assert.equal(wp.info.vocabSize, 120);
  assert.deepEqual(wp.info.special, { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 });
  const back = tokenizerFor(wp.info, root);
  assert.deepEqual(back.encode('The whale met a captain.'), wp.encode('The whale met a captain.'));
  const bert = await loadTokenizer('bert-base-uncased', { cacheRoot: root });
  assert.equal(tokenizerFor(bert.info, root).info.id, bert.info.id);
  assert.throws(() => checkTokenizer(wp.info, bert.info, 'checkpoint ckpt.json'), (e: unknown) => e instanceof UserError && e.message.includes('ckpt.json') && e.message.includes(wp.info.id));
  checkTokenizer(bert.info, bert.info, 'same');
  assert.throws(() => tokenizerFor({ ...wp.info, id: 'ffffffffffffffff' }, root), UserError);
  await assert.rejects(loadTokenizer('wordpeice-100', { cacheRoot: root }), UserError);
});

test('a shipped trained list is used instead of training, and cached like a trained one', async () => {
  const root = mkdtempSync(join(tmpdir(), 'mbench-tok-'));
  const shipped = join(root, 'shipped.txt');
  // Tokens the toy corpus could never train (it has no 'zebra'), so the result can only be the shipped list.
  const list = Array.from({ length: 200 }, (_, i) => (i % 2 ? `##zeb${i}` : `zebra${i}`));
  writeFileSync(shipped, list.join('\n') + '\n');
  const got = await trainedVocab(corpus, join(root, 'toy'), { shipped });
  assert.deepEqual(got, list);
  assert.deepEqual(readFileSync(join(root, 'toy', 'trained.txt'), 'utf8').split('\n').filter(Boolean), list);
  // A missing shipped file trains as before.
  const trained = await trainedVocab(corpus, join(root, 'toy2'), { shipped: join(root, 'absent.txt') });
  assert.ok(trained.includes('whale'));
});

test('the embedded default corpus has its trained list shipped, so every clone gets the same vocabulary', async () => {
  const path = shippedVocabPath(trainedVocabKey(defaultCorpus()));
  assert.ok(existsSync(path), `${path} is missing: the default corpus's packages or extraction changed; copy the newly trained results/.cache/tokenizers/trained-<key>/trained.txt there`);
  const list = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  assert.ok(list.length >= 4096 && list.length <= 30000, `${list.length} tokens`);
  assert.equal(new Set(list).size, list.length, 'no token twice');
  assert.ok(!list.some((t) => (SPECIALS_FIRST as string[]).includes(t)), 'no special tokens (they are added in front)');
  // loadTokenizer takes it (training would give another list: the trainer is not deterministic).
  const root = mkdtempSync(join(tmpdir(), 'mbench-tok-'));
  const wp = await loadTokenizer('wordpiece-4096', { corpus: defaultCorpus(), cacheRoot: root });
  assert.deepEqual(wp.vocab, truncateTrainedVocab(list, 4096));
});
