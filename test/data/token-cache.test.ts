import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { memoryCorpus } from '../../src/data/corpus.js';
import type { Corpus } from '../../src/data/corpus.js';
import { isHeldOut } from '../../src/data/split.js';
import { buildTokenCache, ensureTokenCache, openTokenCache } from '../../src/data/token-cache.js';
import { bertBaseUncasedVocab } from '../../src/data/vocab-bert.js';
import { WordPieceTokenizer } from '../../src/data/wordpiece.js';
import { BadFileError, UserError } from '../../src/errors.js';

const tok = new WordPieceTokenizer(bertBaseUncasedVocab(), 'bert-base-uncased');
const docs = Array.from({ length: 200 }, (_, i) => `Document number ${i} says hello to the world ${'again '.repeat(i % 7)}.`);
const corpus = memoryCorpus('unit', 'unit-v1', () => docs);

test('cache round-trips every document and splits held-out documents by hash', async () => {
  const root = mkdtempSync(join(tmpdir(), 'mbench-cache-'));
  const cache = await buildTokenCache(corpus, tok, root, { heldOutFraction: 0.1 });
  assert.equal(cache.meta.documents, docs.length);
  assert.equal(cache.meta.bytesPerToken, 2);
  docs.forEach((d, i) => assert.deepEqual(Array.from(cache.docTokens(i)), tok.encode(d)));
  const expectedHeld = docs.flatMap((d, i) => (isHeldOut(d, 0.1) ? [i] : []));
  assert.ok(expectedHeld.length > 5 && expectedHeld.length < 40);
  assert.deepEqual(Array.from(cache.heldOutDocs), expectedHeld);
  assert.equal(cache.trainDocs.length + cache.heldOutDocs.length, docs.length);
  // reopening gives the same thing; ensure reuses it instead of rebuilding
  const again = await ensureTokenCache(corpus, tok, root, { heldOutFraction: 0.1 });
  assert.equal(again.dir, cache.dir);
  assert.equal(again.meta.buildSeconds, cache.meta.buildSeconds);
  assert.deepEqual(readdirSync(root), [cache.dir.split('/').pop()]);
});

test('a different tokenizer or corpus gets a different cache', async () => {
  const root = mkdtempSync(join(tmpdir(), 'mbench-cache-'));
  const a = await ensureTokenCache(corpus, tok, root);
  const other = new WordPieceTokenizer([...bertBaseUncasedVocab().slice(0, 30000)], 'truncated');
  const b = await ensureTokenCache(corpus, other, root);
  const c = await ensureTokenCache(memoryCorpus('unit', 'unit-v2', () => docs.slice(1)), tok, root);
  assert.equal(new Set([a.dir, b.dir, c.dir]).size, 3);
});

test('a failure mid-corpus or an empty corpus leaves no partial cache', async () => {
  const root = mkdtempSync(join(tmpdir(), 'mbench-cache-'));
  const failing: Corpus = {
    name: 'failing',
    fingerprint: 'f',
    async *documents() {
      yield 'one good document';
      throw new BadFileError('shard-3.json.gz', 'corrupt or truncated gzip');
    },
  };
  await assert.rejects(buildTokenCache(failing, tok, root), BadFileError);
  assert.deepEqual(readdirSync(root), []);
  await assert.rejects(buildTokenCache(memoryCorpus('empty', 'e', () => ['', '   ']), tok, root), (e: unknown) => e instanceof UserError && /empty/.test(e.message));
  assert.deepEqual(readdirSync(root), []);
});

test('a truncated token file is detected on open', async () => {
  const root = mkdtempSync(join(tmpdir(), 'mbench-cache-'));
  const cache = await buildTokenCache(corpus, tok, root);
  truncateSync(join(cache.dir, 'tokens.bin'), 10);
  assert.throws(() => openTokenCache(cache.dir), (e: unknown) => e instanceof BadFileError && e.message.includes('tokens.bin'));
  assert.ok(existsSync(cache.dir));
});
