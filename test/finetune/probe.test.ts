import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitLinear, fitStandardiser, predictLinear, standardise } from '../../src/train/probe.js';

test('the probe separates linearly separable classes exactly and gives the same weights every time', () => {
  // Three classes on a line through 2-D points, plus a constant feature that must be ignored.
  const n = 30;
  const x = new Float64Array(n * 3);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    x[i * 3] = c * 4 + ((i * 7) % 5) / 5;
    x[i * 3 + 1] = ((i * 3) % 7) / 7;
    x[i * 3 + 2] = 5;
    y.push(c);
  }
  const s = fitStandardiser(x, n, 3);
  assert.equal(s.scale[2], 0, 'a constant feature gets scale 0');
  const z = standardise(x, n, 3, s);
  const a = fitLinear(z, y, n, 3, 3, false);
  assert.deepEqual(predictLinear(a, z, n, false), y);
  const b = fitLinear(z, y, n, 3, 3, false);
  assert.deepEqual(Array.from(a.w), Array.from(b.w), 'deterministic: no seed, same data, same weights');
});

test('regression: least squares with a small L2 recovers a linear target', () => {
  const n = 40;
  const x = new Float64Array(n * 2);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    x[i * 2] = (i % 8) / 8 - 0.5;
    x[i * 2 + 1] = ((i * 5) % 11) / 11 - 0.5;
    y.push(3 * x[i * 2]! - 2 * x[i * 2 + 1]! + 1);
  }
  const m = fitLinear(x, y, n, 2, 1, true, 0, 3000);
  assert.ok(Math.abs(m.w[0]! - 3) < 1e-3 && Math.abs(m.w[1]! + 2) < 1e-3 && Math.abs(m.b[0]! - 1) < 1e-3, `w ${Array.from(m.w)} b ${m.b[0]}`);
  const pred = predictLinear(m, x, n, true);
  assert.ok(pred.every((p, i) => Math.abs(p - y[i]!) < 1e-3));
});

test('the L2 penalty shrinks the weights', () => {
  const x = Float64Array.from([-1, 1, -2, 2]);
  const y = [0, 1, 0, 1];
  const loose = fitLinear(x, y, 4, 1, 2, false, 0);
  const tight = fitLinear(x, y, 4, 1, 2, false, 1);
  assert.ok(Math.abs(tight.w[1]! - tight.w[0]!) < Math.abs(loose.w[1]! - loose.w[0]!));
});
