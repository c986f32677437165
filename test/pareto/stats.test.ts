import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ciHalfWidth, describe, mean, sampleSd, tQuantile } from '../../src/pareto/stats.js';

const close = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b} (±${tol})`);

test('t quantiles match the standard two-sided 95% table (t_{0.975, dof})', () => {
  // NIST/SEMATECH e-Handbook Table 1.3.6.7.2 (upper critical values of Student's t).
  const table: [number, number][] = [[1, 12.706], [2, 4.303], [3, 3.182], [4, 2.776], [5, 2.571], [9, 2.262], [30, 2.042], [100, 1.984]];
  for (const [dof, t] of table) close(tQuantile(0.975, dof), t, 5e-4);
});

test('mean, sample sd and the 95% CI of 1..5', () => {
  const s = describe([1, 2, 3, 4, 5]);
  assert.equal(s.n, 5);
  assert.equal(s.mean, 3);
  close(s.sd!, Math.sqrt(2.5), 1e-15);
  // half-width = t_{0.975,4} · sd/√n = 2.776445 · 1.581139 / 2.236068 = 1.963243
  close(s.ciLow!, 3 - 1.963243, 1e-6);
  close(s.ciHigh!, 3 + 1.963243, 1e-6);
});

test('two seeds: the interval uses t with one degree of freedom', () => {
  // values 0.80, 0.82: sd = 0.0141421, half-width = 12.7062 · 0.0141421 / √2 = 0.127062
  const s = describe([0.8, 0.82]);
  close(s.ciHigh! - s.mean, 0.127062, 1e-6);
  close(ciHalfWidth(s.sd!, 2), 0.127062, 1e-6);
});

test('one value: mean only, no spread or interval', () => {
  assert.deepEqual(describe([0.7]), { n: 1, mean: 0.7, sd: null, ciLow: null, ciHigh: null });
  assert.equal(sampleSd([0.7]), null);
  assert.ok(Number.isNaN(mean([])));
  assert.throws(() => describe([]));
});
