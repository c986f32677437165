import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accuracy, averageRanks, f1Binary, matthews, pearson, spearman } from '../../src/data/metrics.js';

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) < eps, `${a} ≠ ${b}`);

test('accuracy and binary F1 against hand counts', () => {
  const gold = [1, 1, 1, 0, 0, 0, 1, 0];
  const pred = [1, 1, 0, 0, 1, 0, 1, 1];
  // TP=3 FN=1 FP=2 TN=2
  assert.equal(accuracy(gold, pred), 5 / 8);
  close(f1Binary(gold, pred), 6 / 9);
  assert.equal(f1Binary([0, 0], [0, 0]), 0);
});

test('Matthews correlation: hand-computed, perfect, inverted, degenerate', () => {
  const gold = [1, 1, 1, 0, 0, 0, 1, 0];
  const pred = [1, 1, 0, 0, 1, 0, 1, 1];
  close(matthews(gold, pred), (3 * 2 - 2 * 1) / Math.sqrt(5 * 4 * 4 * 3));
  assert.equal(matthews([1, 0, 1, 0], [1, 0, 1, 0]), 1);
  assert.equal(matthews([1, 0, 1, 0], [0, 1, 0, 1]), -1);
  assert.equal(matthews([1, 0, 1, 0], [1, 1, 1, 1]), 0); // majority-class predictor
});

test('Pearson and Spearman, with ties as scipy computes them', () => {
  close(pearson([1, 2, 3, 4], [2, 4, 6, 8]), 1);
  close(pearson([1, 2, 3], [1, 3, 2]), 0.5);
  assert.deepEqual(Array.from(averageRanks([10, 20, 20, 30, 20])), [1, 3, 3, 5, 3]);
  // scipy.stats.spearmanr([1,2,2,3],[1,3,2,4]) = 0.9486832980505138
  close(spearman([1, 2, 2, 3], [1, 3, 2, 4]), 0.9486832980505138);
  close(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 0.8207826816681233);
  assert.equal(spearman([1, 1, 1], [1, 2, 3]), 0);
});
