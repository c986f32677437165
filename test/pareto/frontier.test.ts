import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paretoFrontier, strictFrontier } from '../../src/pareto/frontier.js';

const pts = (...xy: [number, number][]) => xy.map(([x, y], i) => ({ x, y, id: String.fromCharCode(97 + i) }));
const ids = (f: { id: string }[]) => f.map((p) => p.id).join('');

test('dominated points are dropped; the frontier is sorted by cost', () => {
  // a(1,.5) b(2,.7) c(3,.6: dominated by b) d(4,.8) e(2.5,.7: dominated by b) f(0.5,.4)
  const f = paretoFrontier(pts([1, 0.5], [2, 0.7], [3, 0.6], [4, 0.8], [2.5, 0.7], [0.5, 0.4]));
  assert.equal(ids(f), 'fabd');
});

test('exact ties both stay on the frontier; strictFrontier collapses them', () => {
  const input = pts([1, 0.5], [2, 0.7], [2, 0.7], [3, 0.9]);
  assert.equal(ids(paretoFrontier(input)), 'abcd');
  assert.equal(ids(strictFrontier(input)), 'abd');
});

test('equal cost: only the best score survives; equal score: only the cheapest', () => {
  assert.equal(ids(paretoFrontier(pts([2, 0.6], [2, 0.7], [2, 0.65]))), 'b');
  assert.equal(ids(paretoFrontier(pts([3, 0.7], [1, 0.7], [2, 0.7]))), 'b');
});

test('one point is its own frontier; no points give none; non-finite points are ignored', () => {
  assert.equal(ids(paretoFrontier(pts([5, 0.1]))), 'a');
  assert.deepEqual(paretoFrontier([]), []);
  assert.equal(ids(paretoFrontier(pts([NaN, 0.9], [1, 0.5], [2, Infinity]))), 'b');
});

test('a point that is cheapest and best dominates everything else', () => {
  assert.equal(ids(paretoFrontier(pts([3, 0.5], [1, 0.9], [2, 0.8], [4, 0.85]))), 'b');
});
