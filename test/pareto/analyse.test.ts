import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/errors.js';
import { analyse } from '../../src/pareto/analyse.js';
import { pointFromSummary, type RawPoint } from '../../src/pareto/load.js';
import { makeSummary, realisticRuns, type SyntheticRun } from './synthetic.js';

const points = (runs: SyntheticRun[]): RawPoint[] => runs.map((r) => pointFromSummary(makeSummary('t', r)));
const opts = { sweep: 't', x: 'hours' as const, y: 'score' };

test('seeds of one configuration aggregate into one point with a t interval', () => {
  const cfg = { size: 'tiny', duration: '100ba' };
  const r = analyse(points([
    { recipe: 'bert', config: cfg, seed: 1, wallSeconds: 3600, score: 0.7 },
    { recipe: 'bert', config: cfg, seed: 2, wallSeconds: 3600, score: 0.72 },
    { recipe: 'bert', config: { ...cfg, duration: '200ba' }, seed: 1, wallSeconds: 7200, score: 0.75 },
  ]), opts);
  assert.equal(r.aggregates.length, 2);
  const a = r.aggregates[0]!;
  assert.deepEqual([a.recipe, a.y.n, a.seeds], ['bert', 2, [1, 2]]);
  assert.ok(Math.abs(a.y.mean - 0.71) < 1e-12);
  assert.ok(Math.abs(a.y.ciHigh! - a.y.mean - 12.7062047 * (0.0141421356 / Math.SQRT2)) < 1e-6);
  assert.equal(a.x.mean, 1);
  assert.deepEqual(r.recipeFrontiers.bert, r.aggregates.map((g) => g.key));
});

test('runs with missing scores are excluded, counted and named; all missing is an error', () => {
  const r = analyse(points([
    { recipe: 'bert', wallSeconds: 3600, score: 0.7 },
    { recipe: 'bert', config: { d: 2 }, wallSeconds: 7200, score: null },
    { recipe: 'mosaic', config: { d: 2 }, wallSeconds: 7200, score: null },
  ]), opts);
  assert.equal(r.excluded.length, 2);
  assert.match(r.warnings.join('\n'), /2 of 3 runs excluded: 2 with no average score/);
  assert.throws(
    () => analyse(points([{ recipe: 'bert', wallSeconds: 1, score: null }]), opts),
    (e: Error) => e instanceof UserError && /no run can be placed .* all 1 excluded/.test(e.message),
  );
});

test('unknown --y and --baseline are errors that list the choices', () => {
  const pts = points(realisticRuns());
  assert.throws(() => analyse(pts, { ...opts, y: 'spma' }), /--y 'spma' is neither 'score' nor a task .*did you mean 'spam'.*acceptability/);
  assert.throws(() => analyse(pts, { ...opts, baseline: 'bret' }), /--baseline 'bret' is not a recipe .*did you mean 'bert'/);
  const spam = analyse(pts, { ...opts, y: 'spam' });
  assert.equal(spam.y, 'spam');
  assert.ok(spam.points.every((p) => p.y === p.tasks.spam));
});

test('--x cost: runs without a price are excluded with that reason', () => {
  const r = analyse(points([
    { recipe: 'bert', wallSeconds: 3600, score: 0.7 },
    { recipe: 'bert', config: { d: 2 }, wallSeconds: 7200, score: 0.75, costUsd: null },
  ]), { ...opts, x: 'cost' });
  assert.equal(r.aggregates.length, 1);
  assert.equal(r.aggregates[0]!.x.mean, 2); // 1 h × $2
  assert.match(r.excluded[0]!.reason, /no cost/);
});

test('intermediate checkpoints are drawn but stay off the frontiers unless counted', () => {
  const runs: SyntheticRun[] = [
    { recipe: 'mosaic', config: { d: 1 }, wallSeconds: 3600, score: 0.6 },
    { recipe: 'mosaic', config: { d: 4 }, wallSeconds: 4 * 3600, score: 0.8 },
    { recipe: 'mosaic', config: { d: 4, at: 2 }, wallSeconds: 2 * 3600, score: 0.75, intermediateOf: 'p' },
  ];
  const off = analyse(points(runs), opts);
  const ckpt = off.aggregates.find((a) => a.kind === 'intermediate')!;
  assert.equal(ckpt.onRecipeFrontier, false);
  assert.equal(off.recipeFrontiers.mosaic!.length, 2);
  assert.match(off.warnings.join('\n'), /1 intermediate-checkpoint point drawn but not counted/);
  const on = analyse(points(runs), { ...opts, includeIntermediate: true });
  assert.equal(on.aggregates.find((a) => a.kind === 'intermediate')!.onRecipeFrontier, true);
  assert.equal(on.recipeFrontiers.mosaic!.length, 3);
});

test('the realistic sweep: mosaic holds the overall frontier and is faster than bert at every bert score', () => {
  const r = analyse(points(realisticRuns()), opts);
  assert.equal(r.baseline, 'bert');
  assert.ok(r.aggregates.filter((a) => a.onOverallFrontier).every((a) => a.recipe === 'mosaic'));
  const bertLevels = r.recipeFrontiers.bert!.length;
  assert.equal(r.speedups.length, bertLevels);
  for (const s of r.speedups) {
    assert.ok(s.speedupInterp! > 1.3 && s.speedupInterp! < 2.2, `interp ${s.speedupInterp}`);
    assert.ok(s.speedupFit! > 1.3 && s.speedupFit! < 2.2, `fit ${s.speedupFit}`);
  }
  assert.ok(r.fits.every((f) => f.ok && f.rSquared > 0.98));
});
