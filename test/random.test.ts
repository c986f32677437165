// Exact numbers from the generators as they were before they moved into src/random.ts (src/train/rng.ts,
// src/data/shuffle.ts, kernels/dropout.ts): checkpoints, caches and results depend on these streams.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropoutMask } from '../kernels/dropout.js';
import { foldSeed, mix32, mixSeed, mulberry32, permutation, Rng, seedFor, shuffleInPlace, streamFor } from '../src/random.js';

test('SplitMix32 streams keyed on (seed, purpose, step) are pinned', () => {
  assert.equal(mix32(12345), 1011272156);
  const s = streamFor(7, 'mask', 3);
  assert.deepEqual([s.nextUint32(), s.nextUint32(), s.next()], [2332199364, 2110726818, 0.7050042988266796]);
  assert.equal(streamFor(1, 'shuffle', 2 ** 33 + 5).nextUint32(), 3106927607);
  assert.equal(seedFor(42, 'dropout', 9), 198552353);
  assert.equal(new Rng(99).int(1000), 562);
  assert.deepEqual(Array.from(permutation(10, streamFor(3, 'shuffle', 0))), [6, 2, 7, 1, 8, 9, 0, 5, 4, 3]);
});

test('mulberry32, the two seed mixers and the shuffles are pinned', () => {
  const m = mulberry32(1);
  assert.deepEqual([m(), m()], [0.6270739405881613, 0.002735721180215478]);
  assert.equal(foldSeed(3, 1), 306268023);
  assert.equal(mixSeed(3, 1, 0xf17e), 1580056281);
  assert.deepEqual(Array.from(permutation(10, mulberry32(foldSeed(3, 1)))), [5, 1, 2, 4, 8, 7, 3, 6, 0, 9]);
  assert.deepEqual(shuffleInPlace(['a', 'b', 'c', 'd', 'e'], mulberry32(5)), ['c', 'b', 'a', 'e', 'd']);
  assert.deepEqual(Array.from(dropoutMask(8, 0.5, 11)), [0, 0, 0, 0, 2, 2, 2, 0]);
});
