// Dropout keyed by sample: a sample's mask depends on its global index only, not on the batch it is computed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleDropoutMask, sampleRows } from '../../kernels/dropout.js';

test('the mask of a batch is the masks of its microbatches, back to back', () => {
  const rows = [5, 3, 7, 2]; // real tokens per sample (an unpadded layout)
  const whole = sampleDropoutMask(sampleRows(0, rows, 4), 0.3, 99);
  const first = sampleDropoutMask(sampleRows(0, rows.slice(0, 2), 4), 0.3, 99);
  const second = sampleDropoutMask(sampleRows(2, rows.slice(2), 4), 0.3, 99);
  assert.equal(whole.length, 17 * 4);
  assert.deepEqual(whole, Float32Array.from([...first, ...second]));
  // another position in the step is another mask; the kept values are scaled by 1/(1 − rate)
  assert.notDeepEqual(sampleDropoutMask(sampleRows(1, [5], 4), 0.3, 99), whole.subarray(0, 20));
  assert.ok(whole.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6));
  const dropped = whole.filter((v) => v === 0).length / whole.length;
  assert.ok(dropped > 0.1 && dropped < 0.5, `dropped ${dropped}`);
});
