import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextSource, WORD_SPECIAL_IDS } from '../../src/data/text-source.js';
import { builtinSource } from '../../src/data/builtin-source.js';

const samples = Array.from({ length: 20 }, (_, i) => `sample number ${i} says hello world`);

test('rows are [CLS] words [SEP] then pads, with the attention mask', () => {
  const s = new TextSource(samples);
  const { inputIds, attentionMask } = s.batch({ epoch: 0, position: 0, seed: 1 }, 2, 10);
  const row = Array.from(inputIds.subarray(0, 10));
  assert.equal(row[0], WORD_SPECIAL_IDS.cls);
  assert.equal(row[7], WORD_SPECIAL_IDS.sep);
  assert.deepEqual(row.slice(8), [0, 0]);
  assert.deepEqual(Array.from(attentionMask.subarray(0, 10)), [1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  const short = s.batch({ epoch: 0, position: 0, seed: 1 }, 1, 4).inputIds;
  assert.equal(short[3], WORD_SPECIAL_IDS.sep, 'truncated rows still end in [SEP]');
});

test('same cursor → same batch; epochs wrap and reshuffle; held-out samples never train', () => {
  const s = new TextSource(samples);
  assert.equal(s.samplesPerEpoch, 18);
  const a = s.batch({ epoch: 0, position: 5, seed: 3 }, 4, 12);
  const b = s.batch({ epoch: 0, position: 5, seed: 3 }, 4, 12);
  assert.deepEqual(a, b);
  const wrap = s.batch({ epoch: 0, position: 16, seed: 3 }, 4, 12);
  assert.deepEqual(wrap.next, { epoch: 1, position: 2, seed: 3 });
  const epoch0 = s.batch({ epoch: 0, position: 0, seed: 3 }, 18, 12).inputIds;
  const epoch1 = s.batch({ epoch: 1, position: 0, seed: 3 }, 18, 12).inputIds;
  assert.notDeepEqual(epoch0, epoch1);
  const rows = (ids: Int32Array) => Array.from({ length: ids.length / 12 }, (_, r) => ids.subarray(r * 12, r * 12 + 12).join(','));
  assert.deepEqual(rows(epoch0).sort(), rows(epoch1).sort(), 'each epoch is a permutation of the same samples');
  const held = s.evalBatches(4, 12, 10);
  assert.equal(held.length, 1);
  const train = new Set(rows(epoch0));
  for (const r of rows(held[0]!.inputIds)) assert.ok(!train.has(r));
});

test('the built-in source has a vocabulary and enough samples', () => {
  const s = builtinSource();
  assert.ok(s.samplesPerEpoch >= 30, `${s.samplesPerEpoch}`);
  assert.ok(s.tokenizer.vocabSize > 200);
  assert.match(s.tokenizer.id, /^word-[0-9a-f]{16}$/);
});
