import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeExample, makeBatch } from '../../src/train/finetune-batches.js';

const special = { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 };
const enc = (t: string) => t.split(' ').map((w) => 10 + w.length);

test('single sentences are [CLS] a [SEP]; pairs add b [SEP] with token type 1', () => {
  const one = encodeExample({ a: 'aa bbb', label: 1 }, enc, special, 16);
  assert.deepEqual(Array.from(one.ids), [2, 12, 13, 3]);
  assert.deepEqual(Array.from(one.types), [0, 0, 0, 0]);
  const pair = encodeExample({ a: 'a bb', b: 'ccc', label: 0 }, enc, special, 16);
  assert.deepEqual(Array.from(pair.ids), [2, 11, 12, 3, 13, 3]);
  assert.deepEqual(Array.from(pair.types), [0, 0, 0, 0, 1, 1]);
});

test('truncation: singles to maxSeqLen − 2, pairs longest-first', () => {
  assert.equal(encodeExample({ a: 'a a a a a a a a a a', label: 0 }, enc, special, 6).ids.length, 6);
  const pair = encodeExample({ a: 'a a a a a a', b: 'b b', label: 0 }, enc, special, 8);
  assert.deepEqual(Array.from(pair.ids), [2, 11, 11, 11, 3, 11, 11, 3]);
});

test('a batch pads to its longest example rounded up to 8, with masks and labels', () => {
  const ex = [encodeExample({ a: 'a b c', label: 1 }, enc, special, 64), encodeExample({ a: 'a b c d e f g h i j', label: 0 }, enc, special, 64)];
  const b = makeBatch(ex, [1, 0], special.pad, 64);
  assert.equal(b.seqLen, 16);
  assert.equal(b.batchSize, 2);
  assert.deepEqual(Array.from(b.labels), [0, 1]);
  assert.deepEqual(Array.from(b.attentionMask.subarray(16, 32)), [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(b.inputIds.subarray(16, 22)), [2, 11, 11, 11, 3, 0]);
  assert.equal(makeBatch(ex, [0], special.pad, 64).seqLen, 8);
});
