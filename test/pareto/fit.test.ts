import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitSaturating, reachByFit, saturating } from '../../src/pareto/fit.js';
import type { SaturatingFit } from '../../src/pareto/types.js';

const relClose = (a: number, b: number, rel: number) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b} (±${rel * 100}%)`);

const cases: [number, number, number, number, number[]][] = [
  // c1, c2, c3 (1/hour), c4, times (hours)
  [0.82, 0.4, 0.5, 0.8, [0.5, 1, 2, 3, 4, 6, 8, 12]],
  [0.7, 0.3, 0.05, 1, [10, 20, 40, 60, 80, 120, 160, 240]],
  [0.9, 0.6, 2, 1.5, [0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.9, 1.2]],
];

for (const [c1, c2, c3, c4, times] of cases) {
  test(`the fit recovers c1=${c1} c2=${c2} c3=${c3} c4=${c4} from noise-free points`, () => {
    const f = saturating(c1, c2, c3, c4);
    const fit = fitSaturating('r', times.map((x) => ({ x, y: f(x) })));
    assert.ok(fit.ok, JSON.stringify(fit));
    relClose(fit.c1, c1, 1e-3);
    relClose(fit.c2, c2, 1e-3);
    relClose(fit.c3, c3, 1e-3);
    relClose(fit.c4, c4, 1e-3);
    assert.ok(fit.rSquared > 0.999999);
    assert.equal(fit.n, times.length);
  });
}

test('too few points or too few distinct costs: no fit, with the reason', () => {
  const four = [1, 2, 3, 4].map((x) => ({ x, y: 0.5 + x / 100 }));
  const r = fitSaturating('r', four);
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /4 runs at 4 costs; the fit needs 5/);
  const repeats = [1, 1, 2, 2, 3, 3].map((x) => ({ x, y: 0.5 + x / 100 }));
  assert.equal(fitSaturating('r', repeats).ok, false);
});

test('inverting the fitted curve: exact time, extrapolation flag, and never above the asymptote', () => {
  const fit: SaturatingFit = { recipe: 'r', ok: true, c1: 0.8, c2: 0.4, c3: 0.5, c4: 1, n: 8, rSquared: 1, rmse: 0, iterations: 1 };
  // 0.8 − 0.4·exp(−0.5t) = 0.7  ⇒  t = 2·ln 4 = 2.7725887
  const r = reachByFit(fit, 0.7, 10);
  assert.ok(r.reached && Math.abs(r.x - 2 * Math.log(4)) < 1e-12 && !r.extrapolated);
  const far = reachByFit(fit, 0.79, 3);
  assert.ok(far.reached && far.extrapolated);
  const never = reachByFit(fit, 0.8, 10);
  assert.equal(never.reached, false);
  assert.match(!never.reached ? never.reason : '', /never reaches it \(fitted asymptote 80\.00\)/);
});

test('constant scores are not fitted: the reason says the scores do not vary', () => {
  const fit = fitSaturating('r', [15, 22, 50, 16, 21, 51].map((x) => ({ x, y: 0.235 })));
  assert.equal(fit.ok, false);
  assert.match(!fit.ok ? fit.reason : '', /do not vary/);
});

test('a fit that explains under half the variance is reported as poor, not used', () => {
  // two seeds per cost scattered between two modes, as fine-tuning that sometimes fails to learn
  const ys = [0.68, 0.235, 0.235, 0.68, 0.235, 0.673];
  const fit = fitSaturating('r', [18, 17, 33, 34, 66, 65].map((x, i) => ({ x, y: ys[i]! })));
  assert.equal(fit.ok, false);
  assert.match(!fit.ok ? fit.reason : '', /poor fit \(R² -?\d\.\d\d < 0\.5/);
});
