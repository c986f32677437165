// A checkpoint on the bert-base-uncased tokenizer exports Google's vocab.txt byte for byte (md5 as published),
// with vocab_size the padded row count (mosaic: 30522 → 30528).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bertBaseUncasedVocab, BERT_BASE_UNCASED } from '../../src/data/vocab-bert.js';
import { WordPieceTokenizer } from '../../src/data/wordpiece.js';
import { useBackend } from '../../src/engine/backends.js';
import { exportCheckpoint } from '../../src/export/index.js';
import { createEncoder } from '../../src/model/encoder.js';
import { fixtureConfig, writeFixtureCheckpoint } from './fixtures.js';

before(async () => {
  await useBackend('cpu');
});

test('bert-base-uncased: vocab.txt is the original (md5 64800d5d…), config vocab_size the padded rows', () => {
  const root = mkdtempSync(join(tmpdir(), 'mbench-export-vocab-'));
  const id = new WordPieceTokenizer(bertBaseUncasedVocab(), BERT_BASE_UNCASED).info.id;
  const model = createEncoder(fixtureConfig('mosaic', { hidden: 8, heads: 2, intermediate: 8, layers: 1 }, {}, 30522), 1);
  const ckpt = writeFixtureCheckpoint(join(root, 'run'), 'mosaic', model, 3, {}, id);
  model.dispose();
  const out = join(root, 'hf');
  exportCheckpoint(ckpt, { format: 'hf', outDir: out, cacheRoot: join(root, 'no-cache') });
  assert.equal(createHash('md5').update(readFileSync(join(out, 'vocab.txt'))).digest('hex'), '64800d5d8528ce344256daf115d4965e');
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { vocab_size: number; pad_token_id: number };
  assert.equal(config.vocab_size, 30528);
  assert.equal(config.pad_token_id, 0);
  assert.match(readFileSync(join(out, 'README.md'), 'utf8'), /\| tokenizer \| bert-base-uncased \(WordPiece, 30,522 tokens; 30,528 embedding rows\) \|/);
});

test('a trained tokenizer missing from the store is refused, saying how to get it back', () => {
  const root = mkdtempSync(join(tmpdir(), 'mbench-export-vocab-'));
  const model = createEncoder(fixtureConfig('bert', { hidden: 8, heads: 2, intermediate: 8, layers: 1 }, {}, 100), 1);
  const ckpt = writeFixtureCheckpoint(join(root, 'run'), 'bert', model, 3, {}, '0123456789abcdef');
  model.dispose();
  assert.throws(
    () => exportCheckpoint(ckpt, { format: 'hf', outDir: join(root, 'hf'), cacheRoot: join(root, 'cache') }),
    /was made with tokenizer 0123456789abcdef, which is not in .*cache\/tokenizers: run 'mbench data prepare'/,
  );
});
