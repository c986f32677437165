import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IGNORE_LABEL, maskTokens } from '../../src/data/masking.js';
import { Rng, streamFor } from '../../src/random.js';

const special = { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 };
const vocabSize = 50;

function batch(rows: number, len: number, real: number): { ids: Int32Array; mask: Uint8Array } {
  const ids = new Int32Array(rows * len);
  const mask = new Uint8Array(rows * len);
  const r = new Rng(7);
  for (let b = 0; b < rows; b++) {
    for (let i = 0; i < real; i++) {
      ids[b * len + i] = i === 0 ? special.cls : i === real - 1 ? special.sep : 5 + r.int(vocabSize - 5);
      mask[b * len + i] = 1;
    }
  }
  return { ids, mask };
}

test('the ratio, the 80/10/10 split, and labels', () => {
  const { ids, mask } = batch(400, 64, 50); // 400 × 48 = 19200 eligible tokens
  const out = maskTokens(ids, mask, 0.3, special, vocabSize, streamFor(1, 'mask', 0));
  let chosen = 0;
  let toMask = 0;
  let kept = 0;
  for (let i = 0; i < ids.length; i++) {
    if (out.labels[i] === IGNORE_LABEL) {
      assert.equal(out.inputIds[i], ids[i]);
      continue;
    }
    chosen++;
    assert.equal(out.labels[i], ids[i]);
    if (out.inputIds[i] === special.mask) toMask++;
    else if (out.inputIds[i] === ids[i]) kept++;
    assert.ok(out.inputIds[i]! >= 5 || out.inputIds[i] === special.mask, 'no special as a random replacement');
  }
  assert.equal(chosen, out.maskedCount);
  const eligible = 400 * 48;
  assert.ok(Math.abs(chosen / eligible - 0.3) < 0.015, `ratio ${chosen / eligible}`);
  assert.ok(Math.abs(toMask / chosen - 0.8) < 0.02, `mask share ${toMask / chosen}`);
  // "unchanged" is 10% plus the 1/45 of random draws that hit the same id.
  const keptExpected = 0.1 + 0.1 / 45;
  assert.ok(Math.abs(kept / chosen - keptExpected) < 0.02, `kept share ${kept / chosen}`);
});

test('never masks specials or pads', () => {
  const { ids, mask } = batch(50, 32, 20);
  const out = maskTokens(ids, mask, 0.9, special, vocabSize, streamFor(2, 'mask', 0));
  for (let i = 0; i < ids.length; i++) {
    if (mask[i] === 0 || ids[i]! < 5) {
      assert.equal(out.labels[i], IGNORE_LABEL);
      assert.equal(out.inputIds[i], ids[i]);
    }
  }
});

test('deterministic from the generator; different steps differ', () => {
  const { ids, mask } = batch(8, 32, 30);
  const a = maskTokens(ids, mask, 0.15, special, vocabSize, streamFor(3, 'mask', 5));
  const b = maskTokens(ids, mask, 0.15, special, vocabSize, streamFor(3, 'mask', 5));
  const c = maskTokens(ids, mask, 0.15, special, vocabSize, streamFor(3, 'mask', 6));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.labels, c.labels);
});

test('a batch always has at least one masked token', () => {
  const { ids, mask } = batch(1, 8, 4); // two eligible tokens
  for (let s = 0; s < 20; s++) assert.ok(maskTokens(ids, mask, 0.01, special, vocabSize, streamFor(s, 'mask', 0)).maskedCount >= 1);
});
