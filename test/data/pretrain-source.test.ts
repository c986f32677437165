import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { memoryCorpus } from '../../src/data/corpus.js';
import { CachedPretrainSource } from '../../src/data/pretrain-source.js';
import { buildTokenCache } from '../../src/data/token-cache.js';
import { bertBaseUncasedVocab } from '../../src/data/vocab-bert.js';
import { WordPieceTokenizer } from '../../src/data/wordpiece.js';

const tok = new WordPieceTokenizer(bertBaseUncasedVocab(), 'bert-base-uncased');
// Document i has i+1 words "w0 … wi" → distinct lengths identify documents.
const docs = Array.from({ length: 50 }, (_, i) => Array.from({ length: i + 1 }, (_, j) => `word${j}`).join(' '));
const cache = await buildTokenCache(memoryCorpus('src', 's1', () => docs), tok, mkdtempSync(join(tmpdir(), 'mbench-src-')), { heldOutFraction: 0.2 });
const source = new CachedPretrainSource(cache);
const { cls, sep, pad } = tok.special;

function rows(ids: Int32Array, seqLen: number): number[][] {
  return Array.from({ length: ids.length / seqLen }, (_, b) => Array.from(ids.subarray(b * seqLen, (b + 1) * seqLen)));
}

test('samples are [CLS] doc [SEP] then pads, truncated to seqLen, never packed', () => {
  const seqLen = 16;
  const { inputIds, attentionMask } = source.batch(CachedPretrainSource.start(1), 8, seqLen);
  for (const [b, row] of rows(inputIds, seqLen).entries()) {
    assert.equal(row[0], cls);
    const real = attentionMask.subarray(b * seqLen, (b + 1) * seqLen).reduce((a, x) => a + x, 0);
    assert.equal(row[real - 1], sep);
    assert.ok(row.slice(real).every((t) => t === pad));
    assert.ok(row.slice(1, real - 1).every((t) => t !== sep && t !== cls && t !== pad));
    // the middle is a prefix of exactly one document's tokens
    const body = row.slice(1, real - 1);
    assert.ok(docs.some((d) => tok.encode(d).slice(0, seqLen - 2).join() === body.join()));
  }
});

test('same cursor, same batch; an epoch visits every training document exactly once; held-out never appears', () => {
  const seqLen = 128;
  const start = CachedPretrainSource.start(7);
  assert.deepEqual(source.batch(start, 5, seqLen).inputIds, source.batch(start, 5, seqLen).inputIds);
  const n = source.samplesPerEpoch;
  assert.equal(n, cache.trainDocs.length);
  const seen: number[] = [];
  let cursor = start;
  const epochOne: number[] = [];
  let consumed = 0;
  for (let i = 0; i < 2 * n; i += 3, consumed += 3) {
    const b = source.batch(cursor, 3, seqLen);
    for (let r = 0; r < 3; r++) {
      const len = b.attentionMask.subarray(r * seqLen, (r + 1) * seqLen).reduce((a, x) => a + x, 0);
      (seen.length < n ? seen : epochOne).push(len);
    }
    cursor = b.next;
  }
  const trainLengths = Array.from(cache.trainDocs, (d) => cache.docLength(d) + 2).sort((a, b) => a - b);
  assert.deepEqual([...seen].sort((a, b) => a - b), trainLengths);
  assert.notDeepEqual(epochOne.slice(0, 10), seen.slice(0, 10)); // reshuffled each epoch
  assert.equal(cursor.epoch * n + cursor.position, consumed);
  const heldLengths = new Set(Array.from(cache.heldOutDocs, (d) => cache.docLength(d) + 2));
  assert.ok(heldLengths.size > 0);
  for (const len of seen) assert.ok(!heldLengths.has(len));
});

test('resuming from a saved cursor continues the same stream; other seeds shuffle differently', () => {
  const seqLen = 64;
  let c = CachedPretrainSource.start(3);
  const straight: number[] = [];
  for (let i = 0; i < 6; i++) {
    const b = source.batch(c, 4, seqLen);
    straight.push(...b.inputIds);
    c = b.next;
  }
  let r = CachedPretrainSource.start(3);
  for (let i = 0; i < 3; i++) r = source.batch(r, 4, seqLen).next;
  const saved = JSON.parse(JSON.stringify(r)) as typeof r;
  const resumed: number[] = [];
  for (let i = 0; i < 3; i++) {
    const b = source.batch(saved, 4, seqLen);
    resumed.push(...b.inputIds);
    Object.assign(saved, b.next);
  }
  assert.deepEqual(resumed, straight.slice(3 * 4 * seqLen));
  assert.notDeepEqual(source.batch(CachedPretrainSource.start(4), 4, seqLen).inputIds, source.batch(CachedPretrainSource.start(3), 4, seqLen).inputIds);
});

test('eval batches come from held-out documents only, deterministically', () => {
  const evals = source.evalBatches(2, 128, 3);
  assert.equal(evals.length, cache.heldOutDocs.length >= 2 ? 3 : 0); // more than one pass goes round again (next test)
  const held = new Set(Array.from(cache.heldOutDocs, (d) => cache.docLength(d) + 2));
  for (const e of evals) for (let r = 0; r < 2; r++) assert.ok(held.has(e.attentionMask.subarray(r * 128, (r + 1) * 128).reduce((a, x) => a + x, 0)));
  assert.deepEqual(source.evalBatches(2, 128, 3), evals);
});

test('eval batches beyond one pass of the held-out documents go round again, in the same order', () => {
  const perPass = Math.floor(cache.heldOutDocs.length / 2);
  assert.ok(perPass >= 1);
  const evals = source.evalBatches(2, 128, perPass * 2 + 1);
  assert.equal(evals.length, perPass * 2 + 1);
  for (let i = 0; i < perPass; i++) {
    assert.deepEqual(evals[perPass + i], evals[i]);
  }
  assert.deepEqual(evals[2 * perPass], evals[0]);
  // a batch larger than the held-out set has no full batch to give
  assert.deepEqual(source.evalBatches(cache.heldOutDocs.length + 1, 128, 4), []);
});
