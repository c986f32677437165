// Lower is better (held-out MLM loss): the frontier, interpolation, fits and speedups follow the axis's
// direction. Hand-made cases with exact numbers; the 'higher' cases are in frontier/speedup/fit.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { yAxisInfo } from '../../src/pareto/axes.js';
import { fitSaturating, reachByFit, saturating } from '../../src/pareto/fit.js';
import { paretoFrontier, strictFrontier } from '../../src/pareto/frontier.js';
import { reachByInterpolation } from '../../src/pareto/interpolate.js';
import { speedups } from '../../src/pareto/speedup.js';
import type { SaturatingFit } from '../../src/pareto/types.js';

const LOSS = yAxisInfo('mlm-loss');
const close = (a: number | null | undefined, b: number, eps = 1e-12) => assert.ok(a !== null && a !== undefined && Math.abs(a - b) < eps, `${a} vs ${b}`);
const pts = (...xy: [number, number][]) => xy.map(([x, y], i) => ({ x, y, id: String.fromCharCode(97 + i) }));
const ids = (f: { id: string }[]) => f.map((p) => p.id).join('');

test('the axes say their direction: mlm-loss lower, mlm-accuracy, score and tasks higher', () => {
  assert.equal(LOSS.direction, 'lower');
  assert.equal(yAxisInfo('mlm-accuracy').direction, 'higher');
  assert.equal(yAxisInfo('score').direction, 'higher');
  assert.equal(yAxisInfo('spam').direction, 'higher');
  // loss is printed in nats, accuracy ×100
  assert.equal(LOSS.format(2.34567), '2.346');
  assert.equal(yAxisInfo('mlm-accuracy').format(0.41234), '41.23');
  // --level / --rule: a loss is taken as is, an accuracy may be a percentage
  assert.equal(LOSS.fromUser(2.5), 2.5);
  assert.equal(yAxisInfo('mlm-accuracy').fromUser(41), 0.41);
});

test('lower is better: the frontier keeps the points no cheaper point beats on loss', () => {
  // a(1, 5.0) b(2, 4.0) c(3, 4.5: dominated by b) d(4, 3.0) e(2.5, 4.0: same loss as b, dearer) f(0.5, 6.0)
  const input = pts([1, 5.0], [2, 4.0], [3, 4.5], [4, 3.0], [2.5, 4.0], [0.5, 6.0]);
  assert.equal(ids(paretoFrontier(input, 'lower')), 'fabd');
  // the same points read as scores: f is cheapest and best, nothing else survives
  assert.equal(ids(paretoFrontier(input, 'higher')), 'f');
  // equal cost: the lowest loss wins; exact ties both stay, strictFrontier collapses them
  assert.equal(ids(paretoFrontier(pts([2, 4.2], [2, 3.9], [2, 4.0]), 'lower')), 'b');
  const tie = pts([1, 5], [2, 4], [2, 4], [3, 3]);
  assert.equal(ids(paretoFrontier(tie, 'lower')), 'abcd');
  assert.equal(ids(strictFrontier(tie, 'lower')), 'abd');
});

// Baseline frontier (hours, loss): (1, 5.0) (2, 4.0) (4, 3.0); (3, 4.5) is dominated.
const baseline = { recipe: 'bert', points: [{ x: 1, y: 5.0 }, { x: 2, y: 4.0 }, { x: 3, y: 4.5 }, { x: 4, y: 3.0 }], fit: null };
// Recipe frontier: (0.5, 4.6) (1, 3.6) (3, 2.9).
const fast = { recipe: 'mosaic', points: [{ x: 0.5, y: 4.6 }, { x: 1, y: 3.6 }, { x: 3, y: 2.9 }], fit: null };

test('interpolation reads the time at which the loss first falls to a level', () => {
  // 4.5 between (1, 5.0) and (2, 4.0): 1 + (4.5 − 5)·(2 − 1)/(4 − 5) = 1.5 h
  assert.deepEqual(reachByInterpolation(baseline.points, 4.5, LOSS), { reached: true, x: 1.5, bound: 'exact' });
  // 3.5 between (2, 4.0) and (4, 3.0): 2 + (−0.5)·2/(−1) = 3 h; the dominated (3, 4.5) is not used
  assert.deepEqual(reachByInterpolation(baseline.points, 3.5, LOSS), { reached: true, x: 3, bound: 'exact' });
  // a level the first point already beats: only an upper bound; its own loss: exact
  assert.deepEqual(reachByInterpolation(baseline.points, 5.5, LOSS), { reached: true, x: 1, bound: 'atMost' });
  assert.deepEqual(reachByInterpolation(baseline.points, 5.0, LOSS), { reached: true, x: 1, bound: 'exact' });
  // below the best loss: never, said in nats
  assert.deepEqual(reachByInterpolation(baseline.points, 2.9, LOSS), { reached: false, reason: 'never reaches it (best 3.000)' });
});

test('speedup on mlm-loss: baseline time to a loss ÷ recipe time to it; at the baseline best it is the headline', () => {
  const s = speedups(baseline, [fast], [5.0, 4.0, 3.0], [2.95], LOSS);
  const at = (level: number) => s.find((v) => v.level === level)!;
  // 5.0: mosaic's first point (0.5 h, 4.6) is already below it → its time is an upper bound → ≥ 1/0.5 = 2×
  close(at(5.0).speedupInterp, 2);
  assert.equal(at(5.0).speedupInterpBound, 'atLeast');
  // 4.0: mosaic 0.5 + (4.0 − 4.6)·0.5/(3.6 − 4.6) = 0.8 h → 2/0.8 = 2.5×
  close(at(4.0).speedupInterp, 2.5);
  assert.equal(at(4.0).speedupInterpBound, 'exact');
  // 3.0 = bert's best (4 h): mosaic 1 + (3.0 − 3.6)·2/(2.9 − 3.6) = 1 + 1.2/0.7 h → 4·0.7/1.9 = 1.4736842…×
  close(at(3.0).speedupInterp, 2.8 / 1.9);
  assert.deepEqual(s.map((v) => v.atBaselineBest), [false, false, true, false]);
  // 2.95, below bert's best loss: bert never gets there, so there is no ratio
  assert.equal(at(2.95).speedupInterp, null);
  assert.equal(at(2.95).levelSource, 'chosen');
  assert.ok(!at(2.95).baselineInterp.reached);
});

test('the fitted curve falls to its asymptote: y = c1 + c2·exp(−(c3·t)^c4), recovered and inverted', () => {
  const [c1, c2, c3, c4] = [2.5, 4, 0.5, 0.8];
  const f = saturating(c1, c2, c3, c4, 'lower');
  close(f(0), 6.5);
  const times = [0, 0.5, 1, 2, 3, 4, 6, 8, 12];
  const fit = fitSaturating('r', times.map((x) => ({ x, y: f(x) })), LOSS);
  assert.ok(fit.ok, JSON.stringify(fit));
  assert.equal(fit.direction, 'lower');
  for (const [got, want] of [[fit.c1, c1], [fit.c2, c2], [fit.c3, c3], [fit.c4, c4]] as const) close(got, want, 1e-3 * want);
  assert.ok(fit.rSquared > 0.999999);
  // inverting: 2 + 3·exp(−0.5t) = 2.75 ⇒ t = 2·ln 4
  const byHand: SaturatingFit = { recipe: 'r', ok: true, direction: 'lower', c1: 2, c2: 3, c3: 0.5, c4: 1, n: 8, rSquared: 1, rmse: 0, iterations: 1 };
  const r = reachByFit(byHand, 2.75, 10, LOSS.format);
  assert.ok(r.reached && !r.extrapolated);
  close(r.reached ? r.x : null, 2 * Math.log(4));
  // at or below the asymptote: never; above the start (2 + 3 = 5 nats): already there at t = 0
  assert.deepEqual(reachByFit(byHand, 2, 10, LOSS.format), { reached: false, reason: 'never reaches it (fitted asymptote 2.000)' });
  assert.deepEqual(reachByFit(byHand, 6, 10, LOSS.format), { reached: true, x: 0, bound: 'atMost' });
});
