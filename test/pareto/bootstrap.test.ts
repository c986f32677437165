// The headline speedup's seed-bootstrap interval (src/pareto/bootstrap.ts), on hand-made seed groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from '../../src/pareto/analyse.js';
import { headlineInterval, headlineRatio } from '../../src/pareto/bootstrap.js';
import { SCORE_METRIC, type YMetric } from '../../src/pareto/direction.js';
import { reportText } from '../../src/pareto/table.js';
import type { RawPoint } from '../../src/pareto/load.js';

const LOSS: YMetric = { direction: 'lower', format: (v) => v.toFixed(3) };
const near = (a: number | null, b: number) => assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
const seeds = (x: number, ys: number[], xs: number[] = ys.map(() => x)) => ys.map((y, i) => ({ x: xs[i]!, y }));

test('no spread between seeds: the interval is the point ratio itself', () => {
  // baseline best .70 at 4 h; the recipe reaches .70 halfway between (1, .60) and (3, .80): 2 h → 2×
  const baseline = [seeds(1, [0.5, 0.5, 0.5]), seeds(4, [0.7, 0.7, 0.7])];
  const recipe = [seeds(1, [0.6, 0.6, 0.6]), seeds(3, [0.8, 0.8, 0.8])];
  near(headlineRatio(baseline.map((g) => g[0]!), recipe.map((g) => g[0]!), SCORE_METRIC), 2);
  const i = headlineInterval(baseline, recipe, SCORE_METRIC)!;
  near(i.low, 2);
  near(i.high, 2);
  assert.equal(i.notReached, 0);
});

test('a clear win keeps its interval above 1, around the point ratio; the same input gives the same interval', () => {
  const baseline = [seeds(1, [0.5, 0.52, 0.48], [1, 1.1, 0.9]), seeds(4, [0.7, 0.71, 0.69], [4, 4.2, 3.8])];
  const recipe = [seeds(1, [0.6, 0.61, 0.59]), seeds(3, [0.8, 0.82, 0.78])];
  const i = headlineInterval(baseline, recipe, SCORE_METRIC)!;
  assert.ok(i.low > 1.5 && i.low <= 2, `low ${i.low}`);
  assert.ok(i.high !== null && i.high >= 2 && i.high < 2.6, `high ${i.high}`);
  assert.deepEqual(headlineInterval(baseline, recipe, SCORE_METRIC), i);
});

test('seeds that straddle the baseline best: draws that never reach it make the low end "not reached"', () => {
  const baseline = [seeds(1, [0.5, 0.5, 0.5]), seeds(4, [0.7, 0.7, 0.7])];
  // the recipe's longest point averages .70 but one seed in three is far below
  const recipe = [seeds(1, [0.5, 0.5, 0.5]), seeds(3, [0.76, 0.76, 0.58])];
  const i = headlineInterval(baseline, recipe, SCORE_METRIC)!;
  assert.equal(i.low, 0);
  assert.ok(i.notReached > 0.05 * i.replicates, `${i.notReached} of ${i.replicates}`);
  assert.ok(i.high !== null && i.high > 1);
});

test('lower is better (mlm-loss): the ratio and the interval follow the direction', () => {
  // baseline best loss 6.0 at 4 h; the recipe reaches 6.0 halfway between (1, 7.0) and (3, 5.0): 2 h → 2×
  const baseline = [seeds(1, [7.5, 7.5]), seeds(4, [6.0, 6.0])];
  const recipe = [seeds(1, [7.0, 7.0]), seeds(3, [5.0, 5.0])];
  near(headlineRatio(baseline.map((g) => g[0]!), recipe.map((g) => g[0]!), LOSS), 2);
  const i = headlineInterval(baseline, recipe, LOSS)!;
  near(i.low, 2);
  near(i.high, 2);
  // the same numbers read as scores: the baseline's best is its first point; the recipe is at .70 ≥ 7.5 never
  assert.equal(headlineRatio(baseline.map((g) => g[0]!), recipe.map((g) => g[0]!), SCORE_METRIC), 0);
});

test('analyse attaches the interval to the headline row only, and the text prints it', () => {
  const point = (recipe: string, hours: number, score: number, seed: number): RawPoint => ({
    id: `${recipe}-${hours}-${seed}`, name: `${recipe}-${hours}-${seed}`, sweep: 's', kind: 'run', recipe,
    configKey: `duration=${hours}`, config: { duration: `${hours}` }, seed, hours, costUsd: null, tokens: null, flops: null,
    score, tasks: {}, mlmLoss: null, mlmAccuracy: null,
  });
  const raw = [1, 2, 3].flatMap((seed) => [
    point('bert', 1, 0.5 + seed / 1000, seed), point('bert', 4, 0.7 + seed / 1000, seed),
    point('mosaic', 1, 0.6 + seed / 1000, seed), point('mosaic', 3, 0.8 + seed / 1000, seed),
  ]);
  const report = analyse(raw, { sweep: 's', x: 'hours', y: 'score' });
  const withInterval = report.speedups.filter((s) => s.interval);
  assert.equal(withInterval.length, 1);
  assert.equal(withInterval[0]!.atBaselineBest, true);
  const i = withInterval[0]!.interval!;
  assert.ok(i.low <= withInterval[0]!.speedupInterp! && withInterval[0]!.speedupInterp! <= i.high!);
  assert.match(reportText(report), /mosaic: 2\.0\d× faster \(reaches it at [\d.]+ h\); 95% CI [\d.]+× … [\d.]+× \(bootstrap over seeds\)/);
});

test('one seed per point: no interval (not one of zero width), and the text says what it needs', () => {
  const baseline = [seeds(1, [0.5]), seeds(4, [0.7])];
  const recipe = [seeds(1, [0.6]), seeds(3, [0.8])];
  assert.equal(headlineInterval(baseline, recipe, SCORE_METRIC), null);
  // one point with two seeds is enough to resample
  assert.notEqual(headlineInterval([seeds(1, [0.5]), seeds(4, [0.7, 0.72])], recipe, SCORE_METRIC), null);
  const point = (recipe: string, hours: number, score: number): RawPoint => ({
    id: `${recipe}-${hours}`, name: `${recipe}-${hours}`, sweep: 's', kind: 'run', recipe,
    configKey: `duration=${hours}`, config: { duration: `${hours}` }, seed: 1, hours, costUsd: null, tokens: null, flops: null,
    score, tasks: {}, mlmLoss: null, mlmAccuracy: null,
  });
  const report = analyse([point('bert', 1, 0.5), point('bert', 4, 0.7), point('mosaic', 1, 0.6), point('mosaic', 3, 0.8)], { sweep: 's', x: 'hours', y: 'score' });
  assert.match(reportText(report), /mosaic: 2\.00× faster \(reaches it at [\d.]+ h\); no interval \(it needs ≥ 2 pretraining seeds per point\)/);
});
