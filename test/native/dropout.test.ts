import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { dropoutMask, sampleDropoutMask, sampleRows } from '../../kernels/dropout.js';
import { Rng, mixSeed } from '../../src/random.js';
import { skipNative } from './compare.js';

/** The JS generator's mask, written out here so the test does not go through the code under test. */
function jsMask(states: number[], sizes: number[], rate: number): Float32Array {
  const out = new Float32Array(sizes.reduce((a, b) => a + b, 0));
  const keep = 1 / (1 - rate);
  let at = 0;
  states.forEach((st, b) => {
    const rng = new Rng(st);
    for (let i = 0; i < sizes[b]!; i++) out[at++] = rng.next() >= rate ? keep : 0;
  });
  return out;
}

describe('native dropout masks', { skip: skipNative }, () => {
  it('are bit for bit the JS generator’s, per sample block and as one stream, at any rate', () => {
    tf.setBackend('native');
    try {
      // 100 003 elements: more than one thread's share, not a multiple of the vector width.
      for (const rate of [0.1, 0.3, 0.5, 0.9, 1e-9]) {
        const one = dropoutMask(100_003, rate, 1234);
        assert.deepEqual(one, jsMask([mixSeed(1234)], [100_003], rate), `one stream, rate ${rate}`);
        // Samples of 0 to 900 rows × 37: empty blocks, blocks that straddle the threads' chunks.
        const rows = [5, 0, 900, 1, 333, 0, 64];
        const blocks = sampleRows(17, rows, 37);
        const got = sampleDropoutMask(blocks, rate, 99);
        const want = jsMask(rows.map((_, s) => mixSeed(99, 17 + s)), rows.map((r) => r * 37), rate);
        assert.deepEqual(got, want, `sample blocks, rate ${rate}`);
      }
      const half = dropoutMask(50_000, 0.5, 7);
      const kept = half.filter((v) => v !== 0).length;
      assert.ok(kept > 24_000 && kept < 26_000, `rate 0.5 kept ${kept} of 50000`);
      assert.ok(half.every((v) => v === 0 || v === 2));
    } finally {
      tf.setBackend('cpu');
    }
  });
});
