import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reachByInterpolation } from '../../src/pareto/interpolate.js';
import { speedups } from '../../src/pareto/speedup.js';

const close = (a: number | null, b: number) => assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${a} vs ${b}`);

// Baseline frontier (hours, score): (1, .50) (2, .60) (4, .70); (3, .55) is dominated.
const baseline = { recipe: 'bert', points: [{ x: 1, y: 0.5 }, { x: 2, y: 0.6 }, { x: 3, y: 0.55 }, { x: 4, y: 0.7 }], fit: null };
// Recipe frontier: (0.5, .55) (1, .65) (3, .72).
const fast = { recipe: 'mosaic', points: [{ x: 0.5, y: 0.55 }, { x: 1, y: 0.65 }, { x: 3, y: 0.72 }], fit: null };
// A recipe that tops out at .62.
const slow = { recipe: 'slow', points: [{ x: 2, y: 0.52 }, { x: 6, y: 0.62 }], fit: null };

test('interpolation along the frontier, by hand', () => {
  // .60 lies between (0.5,.55) and (1,.65): 0.5 + (.05/.10)·0.5 = 0.75
  const r = reachByInterpolation(fast.points, 0.6);
  assert.ok(r.reached && r.bound === 'exact');
  close(r.reached ? r.x : null, 0.75);
  // .70 between (1,.65) and (3,.72): 1 + (.05/.07)·2 = 2.4285714…
  const r2 = reachByInterpolation(fast.points, 0.7);
  close(r2.reached ? r2.x : null, 1 + (0.05 / 0.07) * 2);
  // the dominated (3, .55) is not used: .575 lies between (1,.50) and (2,.60) → 1.75
  const b = reachByInterpolation(baseline.points, 0.575);
  close(b.reached ? b.x : null, 1.75);
});

test('speedups at the baseline frontier scores and a chosen level', () => {
  const s = speedups(baseline, [fast, slow], [0.5, 0.6, 0.7], [0.71]);
  const at = (recipe: string, level: number) => s.find((v) => v.recipe === recipe && v.level === level)!;
  // .50: the recipe's first point (0.5 h, .55) is already above it → only an upper bound on its time → "≥ 2×"
  close(at('mosaic', 0.5).speedupInterp, 1 / 0.5);
  assert.equal(at('mosaic', 0.5).speedupInterpBound, 'atLeast');
  close(at('mosaic', 0.6).speedupInterp, 2 / 0.75);
  assert.equal(at('mosaic', 0.6).speedupInterpBound, 'exact');
  close(at('mosaic', 0.7).speedupInterp, 4 / (1 + (0.05 / 0.07) * 2));
  // .71 is above the baseline's best: no speedup, and it says why
  const above = at('mosaic', 0.71);
  assert.equal(above.levelSource, 'chosen');
  assert.equal(above.speedupInterp, null);
  assert.equal(above.baselineInterp.reached, false);
  // slow never reaches .70: said plainly
  const never = at('slow', 0.7);
  assert.equal(never.speedupInterp, null);
  assert.ok(!never.recipeInterp.reached);
  assert.match(!never.recipeInterp.reached ? never.recipeInterp.reason : '', /never reaches it \(best 62\.00\)/);
  // slow at .60: between (2,.52) and (6,.62): 2 + .08/.10·4 = 5.2 h → 2/5.2
  close(at('slow', 0.6).speedupInterp, 2 / 5.2);
});

test('a single-point frontier: reached exactly at its score, upper bound below, never above', () => {
  const one = [{ x: 3, y: 0.6 }];
  assert.deepEqual(reachByInterpolation(one, 0.6), { reached: true, x: 3, bound: 'exact' });
  assert.deepEqual(reachByInterpolation(one, 0.5), { reached: true, x: 3, bound: 'atMost' });
  assert.equal(reachByInterpolation(one, 0.61).reached, false);
});
