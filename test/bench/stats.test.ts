import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hodgesLehmannShift, mannWhitneyNullDistribution, median, mosesRank, quantile } from '../../bench/stats.js';

test('median and quantile interpolate between order statistics (Hyndman–Fan type 7)', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(quantile([10, 20, 30, 40, 50], 0.25), 20);
  assert.equal(quantile([1, 2], 0.75), 1.75);
  assert.throws(() => median([]), /empty/);
});

test('Mann–Whitney null distribution for m = n = 2 is 1,1,2,1,1 out of 6', () => {
  const d = [...mannWhitneyNullDistribution(2, 2)].map((p) => Math.round(p * 6 * 1e9) / 1e9);
  assert.deepEqual(d, [1, 1, 2, 1, 1]);
  const big = mannWhitneyNullDistribution(7, 4);
  assert.ok(Math.abs(big.reduce((a, b) => a + b, 0) - 1) < 1e-12);
});

test("Moses' rank matches the published two-sided 5% Mann–Whitney critical values (k = U_crit + 1)", () => {
  // Critical U at two-sided α = 0.05: n=5 → 2, n=8 → 13, n=10 → 23, n=20 → 127 (standard tables).
  assert.equal(mosesRank(5, 5, 0.95), 3);
  assert.equal(mosesRank(8, 8, 0.95), 14);
  assert.equal(mosesRank(10, 10, 0.95), 24);
  assert.equal(mosesRank(20, 20, 0.95), 128);
  assert.equal(mosesRank(3, 3, 0.95), 0, 'too few samples for a 95% interval');
});

test('Hodges–Lehmann shift is the median of pairwise differences, with Moses bounds', () => {
  // b − a over all pairs: {1,2,3,0,1,2,−1,0,1} → median 1
  const small = hodgesLehmannShift([1, 2, 3], [2, 3, 4]);
  assert.equal(small.shift, 1);
  assert.equal(small.low, -Infinity);
  const a = [1, 2, 3, 4, 5];
  const b = [11, 12, 13, 14, 15];
  const est = hodgesLehmannShift(a, b, 0.95);
  // 25 differences 6 … 14; k = 3 → 3rd smallest 7 and 3rd largest 13.
  assert.deepEqual([est.shift, est.low, est.high], [10, 7, 13]);
});
