// --y mlm-loss and --y mlm-accuracy end to end: placement, exclusions, direction, speedup at the baseline's best,
// and how tables, CSV and charts name the axis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { analyse } from '../../src/pareto/analyse.js';
import { chartData } from '../../src/pareto/chart/data.js';
import { paretoSpec } from '../../src/pareto/chart/pareto-spec.js';
import { aggregatesCsv, runsCsv } from '../../src/pareto/export/csv.js';
import { pointFromSummary, type RawPoint } from '../../src/pareto/load.js';
import { parseReferenceCsv } from '../../src/pareto/reference.js';
import { runPareto } from '../../src/pareto/run.js';
import { reportText } from '../../src/pareto/table.js';
import { makeSummary, mlmRuns, randomInitRun, tempRoot, writeSweep, type SyntheticRun } from './synthetic.js';

const points = (runs: SyntheticRun[]): RawPoint[] => runs.map((r) => pointFromSummary(makeSummary('m', r)));
const close = (a: number | null | undefined, b: number) => assert.ok(a !== null && a !== undefined && Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

/** (hours, loss): bert (1, 5.0) (2, 4.0) (3, 4.5: dominated) (4, 3.0); mosaic (0.5, 4.6) (1, 3.6) (3, 2.9); one seed each. */
function handMade(withInit: boolean): SyntheticRun[] {
  const run = (recipe: string, hours: number, loss: number): SyntheticRun => ({
    recipe, config: { duration: `${hours}h` }, wallSeconds: hours * 3600, score: 0.5, mlm: { loss, accuracy: 0.3 },
  });
  return [
    ...(withInit ? [randomInitRun('bert', { score: 0.5, mlm: { loss: 7, accuracy: 0.01 } }), randomInitRun('mosaic', { score: 0.5, mlm: { loss: 7, accuracy: 0.01 } })] : []),
    run('bert', 1, 5.0), run('bert', 2, 4.0), run('bert', 3, 4.5), run('bert', 4, 3.0),
    run('mosaic', 0.5, 4.6), run('mosaic', 1, 3.6), run('mosaic', 3, 2.9),
    // not evaluated: excluded on the MLM axes, counted
    { recipe: 'bert', config: { duration: '5h' }, wallSeconds: 5 * 3600, score: 0.5 },
    { recipe: 'mosaic', config: { duration: '5h' }, wallSeconds: 5 * 3600, score: 0.5 },
  ];
}

const opts = { sweep: 'm', x: 'hours' as const, y: 'mlm-loss' };

test('--y mlm-loss: lower is better; runs without an MLM evaluation are excluded and counted, not a crash', () => {
  const r = analyse(points(handMade(false)), opts);
  assert.equal(r.y, 'mlm-loss');
  assert.equal(r.yDirection, 'lower');
  assert.match(r.warnings.join('\n'), /2 of 9 runs excluded: 2 with no held-out MLM evaluation/);
  assert.deepEqual(r.excluded.map((e) => e.reason), ['no held-out MLM evaluation', 'no held-out MLM evaluation']);
  const byKey = new Map(r.aggregates.map((a) => [a.key, a]));
  assert.deepEqual(r.recipeFrontiers.bert!.map((k) => byKey.get(k)!.y.mean), [5, 4, 3]);
  assert.deepEqual(r.recipeFrontiers.mosaic!.map((k) => byKey.get(k)!.y.mean), [4.6, 3.6, 2.9]);
  // overall: mosaic everywhere (cheaper at every loss) — bert's (1 h, 5.0) is beaten by mosaic's (0.5 h, 4.6)
  assert.ok(r.aggregates.filter((a) => a.onOverallFrontier).every((a) => a.recipe === 'mosaic'));
  // every bert frontier loss is a level; the headline is at bert's best, 3.0 nats at 4 h:
  // mosaic reaches 3.0 at 1 + (3.0 − 3.6)·2/(2.9 − 3.6) h ⇒ 4 / (1 + 1.2/0.7) = 2.8/1.9
  assert.deepEqual(r.speedups.map((s) => s.level), [5, 4, 3]);
  const best = r.speedups.find((s) => s.atBaselineBest)!;
  assert.equal(best.level, 3);
  close(best.speedupInterp, 2.8 / 1.9);
  close(r.speedups[1]!.speedupInterp, 2 / 0.8);
  assert.equal(r.speedups[0]!.speedupInterpBound, 'atLeast');
});

test('with random-init points at x = 0 the lines start there: levels between init and the first run are interpolated', () => {
  const r = analyse(points(handMade(true)), opts);
  const init = r.aggregates.filter((a) => a.kind === 'random-init');
  assert.deepEqual(init.map((a) => [a.recipe, a.x.mean, a.y.mean, a.onRecipeFrontier]), [['bert', 0, 7, true], ['mosaic', 0, 7, true]]);
  // the random-init loss (7.0, reached at no cost) is not a speedup level
  assert.deepEqual(r.speedups.map((s) => s.level), [5, 4, 3]);
  // 5.0: mosaic now interpolates from (0, 7.0) to (0.5, 4.6): (5 − 7)·0.5/(4.6 − 7) = 1/2.4 h ⇒ exactly 2.4×
  close(r.speedups[0]!.speedupInterp, 2.4);
  assert.equal(r.speedups[0]!.speedupInterpBound, 'exact');
  close(r.speedups.find((s) => s.atBaselineBest)!.speedupInterp, 2.8 / 1.9);
});

test('tables name the axis: loss in nats, lower is better, the level unit, the headline and the falling fit', () => {
  const text = reportText(analyse(points(mlmRuns()), opts));
  assert.match(text, /Pareto frontier per recipe \(held-out MLM loss \(lower is better\) vs hours, sweep m\)/);
  assert.match(text, /│ MLM loss \(nats\) \[95% CI\] │/);
  assert.match(text, /│ bert \(random-init\) +│ 0ba +│ 2 +│ 0 \[0, 0\] +│ 7\.200 \[7\.175, 7\.225\] +│ frontier │/);
  assert.match(text, /│ level \(nats\) │/);
  assert.match(text, /│ mosaic │ 2\.938 \(best\) │ 15 +│/);
  assert.match(text, /At bert's best held-out MLM loss \(2\.938 nats, reached at 15 min\):\n  mosaic: 1\.\d\d× faster/);
  assert.match(text, /Fitted curves y = c1 \+ c2·exp\(−\(c3·t\)\^c4\) \(loss in nats\):\n  bert: y = 2\.200 \+ 5\.000·exp/);
  const acc = reportText(analyse(points(mlmRuns()), { ...opts, y: 'mlm-accuracy' }));
  assert.match(acc, /held-out MLM accuracy vs hours/);
  assert.match(acc, /│ MLM accuracy % \[95% CI\] │/);
  assert.match(acc, /│ level % +│/);
  assert.match(acc, /Fitted curves y = c1 − c2·exp\(−\(c3·t\)\^c4\) \(accuracy in %\)/);
});

test('CSV: MLM columns on every run, x/y named with the direction, MLM stats per aggregate', () => {
  const r = analyse(points(handMade(true)), opts);
  const runs = parse(runsCsv(r), { columns: true }) as Record<string, string>[];
  assert.deepEqual(
    runs.slice(0, 3).map((row) => [row.kind, row.mlm_loss, row.mlm_accuracy, row.x_axis, row.x, row.y_axis, row.y_direction, row.y, row.included]),
    [
      ['random-init', '7', '0.01', 'hours', '0', 'mlm-loss', 'lower', '7', 'true'],
      ['random-init', '7', '0.01', 'hours', '0', 'mlm-loss', 'lower', '7', 'true'],
      ['run', '5', '0.3', 'hours', '1', 'mlm-loss', 'lower', '5', 'true'],
    ],
  );
  assert.equal(runs.at(-1)!.excluded_reason, 'no held-out MLM evaluation');
  const aggs = parse(aggregatesCsv(r), { columns: true }) as Record<string, string>[];
  const first = aggs[0]!;
  assert.deepEqual([first.kind, first.recipe, first.x_axis, first.x_mean, first.y_axis, first.y_direction, first.y_mean, first.mlm_loss_mean, first.mlm_accuracy_mean], ['random-init', 'bert', 'hours', '0', 'mlm-loss', 'lower', '7', '7', '0.01']);
  // on the score axis the MLM stats are still there
  const score = parse(aggregatesCsv(analyse(points(handMade(true)), { ...opts, y: 'score' })), { columns: true }) as Record<string, string>[];
  assert.equal(score.find((a) => a.config === 'duration=4h')!.mlm_loss_mean, '3');
});

test('charts: loss drawn in nats (not ×100), titled with its unit and direction; accuracy ×100', () => {
  const r = analyse(points(handMade(true)), opts);
  const spec = paretoSpec(r) as unknown as { title: { text: string; subtitle: string[] }; layer: { encoding: { y?: { title?: string } } }[] };
  assert.equal(spec.title.text, 'Held-out MLM loss vs pretraining time — m');
  assert.ok(spec.title.subtitle.includes('Lower is better: the frontier falls with cost.'));
  assert.ok(spec.layer.some((l) => l.encoding.y?.title === 'Held-out MLM loss (nats; lower is better)'));
  const data = chartData(r);
  assert.deepEqual(data.rows.filter((row) => row.recipe === 'bert').map((row) => row.y), [7, 5, 4, 4.5, 3]);
  assert.ok(data.yRange.lo >= 0 && data.yRange.lo <= 2.9 && data.yRange.hi >= 7 && data.yRange.hi <= 8, JSON.stringify(data.yRange));
  const acc = chartData(analyse(points(handMade(true)), { ...opts, y: 'mlm-accuracy' }));
  assert.deepEqual(acc.rows.filter((row) => row.recipe === 'bert').map((row) => row.y), [1, 30, 30, 30, 30]);
});

test('--level and --rule on mlm-loss are nats; on mlm-accuracy percentages work; reference rows are excluded', async () => {
  const root = tempRoot();
  writeSweep(root, 'm', handMade(true));
  const loss = await runPareto({ resultsDir: root, y: 'mlm-loss', levels: [3.5], rules: ['target=2.5'] });
  const chosen = loss.report.speedups.find((s) => s.levelSource === 'chosen')!;
  assert.equal(chosen.level, 3.5);
  // bert reaches 3.5 at 3 h; mosaic at 1 + (3.5 − 3.6)·2/(2.9 − 3.6) = 1 + 0.2/0.7 h ⇒ 2.1/0.9
  close(chosen.speedupInterp, 2.1 / 0.9);
  assert.deepEqual(loss.report.rules, [{ label: 'target', y: 2.5 }]);
  const acc = await runPareto({ resultsDir: root, y: 'mlm-accuracy', levels: [20] });
  assert.equal(acc.report.speedups.find((s) => s.levelSource === 'chosen')!.level, 0.2);
  const refs = parseReferenceCsv('recipe,time,score\nBERT-Base,1,70\n', 'ref.csv');
  const withRef = analyse([...points(handMade(true)), ...refs], opts);
  assert.equal(withRef.excluded.find((e) => e.id === 'ref:2')!.reason, 'reference rows have no MLM evaluation');
});
