// Learning curves: held-out MLM loss and accuracy vs pretraining time, from the eval lines of metrics.jsonl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyse } from '../../src/pareto/analyse.js';
import { curvesData, curvesSpec } from '../../src/pareto/chart/curves-spec.js';
import { chartData } from '../../src/pareto/chart/data.js';
import { colorScale } from '../../src/pareto/chart/pareto-spec.js';
import { specToSvg } from '../../src/pareto/chart/render.js';
import { curvePoints, loadCurves } from '../../src/pareto/curves.js';
import { loadRuns } from '../../src/pareto/load.js';
import { runPareto } from '../../src/pareto/run.js';
import { randomInitRun, tempRoot, writeMetrics, writeSweep, type SyntheticRun } from './synthetic.js';

const train = (step: number, trainSeconds: number, tokens = 600) => ({ kind: 'train', step, loss: 7 - step / 10, lr: 1e-3, gradNorm: 1, tokens, samples: step * 8, stepSeconds: 1.5, stepFlops: 1e9, trainSeconds, tokensPerSecond: 400, time: 't' });
const evalLine = (step: number, evalLoss: number, evalAccuracy: number, extra: object = {}) => ({ kind: 'eval', step, evalLoss, evalAccuracy, maskedTokens: 900, evalSeconds: 0.4, time: 't', ...extra });

test('eval lines are timed by their own trainSeconds, else by the train line of their step; step 0 is at 0 s', () => {
  const records = [
    evalLine(0, 7.25, 0.01), // before training: 0 s, 0 tokens
    train(1, 1.5),
    train(2, 3.0),
    evalLine(2, 6.5, 0.05), // old format: time and tokens from the train line of step 2
    train(3, 4.5, 500),
    train(4, 6.0, 400),
    evalLine(4, 6.0, 0.08, { trainSeconds: 6.25, tokensSeen: 2222 }), // new format: its own fields win
    evalLine(9, 5.0, 0.1), // no train line for step 9 and no time of its own: dropped
    { kind: 'eval', step: 5, evalLoss: null, evalAccuracy: 0.1 }, // not a number: dropped
    'garbage',
    null,
  ];
  assert.deepEqual(curvePoints(records), [
    { step: 0, trainSeconds: 0, tokensSeen: 0, evalLoss: 7.25, evalAccuracy: 0.01 },
    { step: 2, trainSeconds: 3.0, tokensSeen: 1200, evalLoss: 6.5, evalAccuracy: 0.05 },
    { step: 4, trainSeconds: 6.25, tokensSeen: 2222, evalLoss: 6.0, evalAccuracy: 0.08 },
  ]);
  // a repeated step (a resumed run that re-evaluated) keeps the last line; order in the file does not matter
  assert.deepEqual(curvePoints([evalLine(2, 6.6, 0.04), train(2, 3), train(1, 1.5), evalLine(2, 6.4, 0.06)]).map((p) => [p.step, p.evalLoss, p.tokensSeen]), [[2, 6.4, 1200]]);
  assert.deepEqual(curvePoints([]), []);
});

/** A sweep of three runs with metrics.jsonl (one ending in a torn line), one without, a random init and a checkpoint. */
function curveSweep() {
  const root = tempRoot();
  const runs: SyntheticRun[] = [
    { id: 'bert-a', recipe: 'bert', seed: 1, config: { duration: '4ba' }, wallSeconds: 6, score: 0.5, mlm: { loss: 6, accuracy: 0.08 } },
    { id: 'mosaic-a', recipe: 'mosaic', seed: 1, config: { duration: '4ba' }, wallSeconds: 4, score: 0.5, mlm: { loss: 5.5, accuracy: 0.1 } },
    { id: 'mosaic-b', recipe: 'mosaic', seed: 2, config: { duration: '2ba' }, wallSeconds: 2, score: 0.5, mlm: { loss: 6.2, accuracy: 0.06 } },
    { id: 'no-metrics', recipe: 'bert', seed: 2, config: { duration: '4ba' }, wallSeconds: 6, score: 0.5, mlm: { loss: 6, accuracy: 0.08 } },
    { ...randomInitRun('bert', { seed: 1, score: 0.5, mlm: { loss: 7.3, accuracy: 0.005 } }), id: 'bert-init' },
    { id: 'mosaic-ckpt', recipe: 'mosaic', seed: 1, config: { duration: '4ba', evalAt: '2ba' }, wallSeconds: 2, score: 0.5, intermediateOf: 'mosaic-a', mlm: { loss: 6.1, accuracy: 0.07 } },
  ];
  writeSweep(root, 'lc', runs);
  writeMetrics(root, 'lc', 'bert-a', [evalLine(0, 7.3, 0.005), train(1, 1.5), train(2, 3), evalLine(2, 6.6, 0.04), train(3, 4.5), train(4, 6), evalLine(4, 6, 0.08)]);
  // the last line was torn by a kill mid-append: dropped, the rest kept
  writeMetrics(root, 'lc', 'mosaic-a', [evalLine(0, 7.2, 0.006), train(1, 1), train(2, 2), evalLine(2, 6.2, 0.06, { trainSeconds: 2, tokensSeen: 1200 })], '{"kind":"eval","step":4,"evalLo');
  writeMetrics(root, 'lc', 'mosaic-b', [train(1, 1), train(2, 2), evalLine(2, 6.2, 0.06)]);
  writeMetrics(root, 'lc', 'mosaic-ckpt', [evalLine(2, 6.1, 0.07, { trainSeconds: 2 })]);
  return root;
}

test('loadCurves: one curve per run with evaluations; torn last line tolerated; checkpoints and runs without evals skipped', () => {
  const loaded = loadRuns(curveSweep());
  const { curves, warnings } = loadCurves(loaded.points, loaded.runDirs);
  assert.deepEqual(
    curves.map((c) => [c.runId, c.recipe, c.kind, c.points.map((p) => [p.step, p.trainSeconds, p.evalLoss])]),
    [
      ['bert-a', 'bert', 'run', [[0, 0, 7.3], [2, 3, 6.6], [4, 6, 6]]],
      ['mosaic-a', 'mosaic', 'run', [[0, 0, 7.2], [2, 2, 6.2]]],
      ['mosaic-b', 'mosaic', 'run', [[2, 2, 6.2]]],
      // the random-init run has no metrics.jsonl: its summary's evaluation of the initial model, at 0 s
      ['bert-init', 'bert', 'random-init', [[0, 0, 7.3]]],
    ],
  );
  assert.deepEqual(warnings, ['learning curves: 1 run without held-out evaluations in metrics.jsonl skipped']);
});

test('the curves spec: two panels, rows in display units, the Pareto chart\'s colour per recipe; SVG renders', async () => {
  const loaded = loadRuns(curveSweep());
  const { curves } = loadCurves(loaded.points, loaded.runDirs);
  const report = analyse(loaded.points, { sweep: 'lc', x: 'hours', y: 'mlm-loss' });
  const spec = curvesSpec(report, curves)!;
  const s = spec as unknown as { data: { values: object[] }; hconcat: { layer: { encoding: { y: { field: string; title: string } } }[] }[] };
  // 6 s at most: seconds; accuracy ×100
  assert.equal(curvesData(report, curves).scale.unit, 's');
  assert.deepEqual(s.data.values.slice(0, 3), [
    { run: 'bert-a', name: 'bert-4ba-s1', recipe: 'bert', seed: 1, step: 0, x: 0, loss: 7.3, accuracy: 0.5, tokensSeen: 0 },
    { run: 'bert-a', name: 'bert-4ba-s1', recipe: 'bert', seed: 1, step: 2, x: 3, loss: 6.6, accuracy: 4, tokensSeen: 1200 },
    { run: 'bert-a', name: 'bert-4ba-s1', recipe: 'bert', seed: 1, step: 4, x: 6, loss: 6, accuracy: 8, tokensSeen: 2400 },
  ]);
  assert.equal(s.data.values.length, 3 + 2 + 1 + 1);
  assert.deepEqual(s.hconcat.map((p) => p.layer[0]!.encoding.y.field), ['loss', 'accuracy']);
  assert.deepEqual(s.hconcat.map((p) => p.layer[0]!.encoding.y.title), ['MLM loss (nats; lower is better)', 'MLM accuracy (%)']);
  // the same colour for a recipe as in the Pareto chart
  const enc = (s.hconcat[0]!.layer[0]!.encoding as unknown as { color: { scale: { domain: string[]; range: string[] } } }).color.scale;
  const pareto = colorScale(chartData(report));
  assert.deepEqual(enc, pareto);
  const svg = await specToSvg(spec);
  for (const text of ['Held-out MLM loss and accuracy vs pretraining time', 'MLM loss (nats; lower is better)', 'MLM accuracy (%)', 'Pretraining time (seconds)', 'mosaic']) {
    assert.ok(svg.includes(text), `SVG shows '${text}'`);
  }
  assert.match(svg, /class="mark-line/);
  // no evaluations anywhere: no chart
  assert.equal(curvesSpec(report, []), null);
});

test('--plot writes curves.png, curves.svg, curves.vl.json and puts the curves in the HTML page', async () => {
  const root = curveSweep();
  const r = await runPareto({ resultsDir: root, y: 'mlm-loss', plot: true });
  const out = join(root, 'lc', 'pareto');
  for (const f of ['curves.png', 'curves.svg', 'curves.vl.json']) assert.ok(existsSync(join(out, f)), `${f} written`);
  const page = readFileSync(join(out, 'pareto.html'), 'utf8');
  assert.match(page, /<h2>Learning curves \(held-out MLM loss and accuracy\)<\/h2>\n<div class="chart" id="chart-curves"><\/div>/);
  assert.match(page, /vegaEmbed\("#chart-curves"/);
  assert.equal(JSON.parse(readFileSync(join(out, 'curves.vl.json'), 'utf8')).hconcat.length, 2);
  assert.match(r.warnings.join('\n'), /learning curves: 1 run without held-out evaluations/);
  // tables only: metrics.jsonl is not read, no curves
  const none = await runPareto({ resultsDir: root, y: 'mlm-loss', csv: true, outDir: join(root, 'csv') });
  assert.ok(!none.files.some((f) => f.includes('curves')));
  assert.doesNotMatch(none.warnings.join('\n'), /learning curves/);
});
