// The random-init point: a run of duration 0ba (no pretraining) drawn at x = 0 as the start of its recipe's line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { analyse } from '../../src/pareto/analyse.js';
import { chartData } from '../../src/pareto/chart/data.js';
import { paretoSpec } from '../../src/pareto/chart/pareto-spec.js';
import { specToSvg } from '../../src/pareto/chart/render.js';
import { tasksSpec } from '../../src/pareto/chart/tasks-spec.js';
import { aggregatesCsv, runsCsv } from '../../src/pareto/export/csv.js';
import { isRandomInit, pointFromSummary, type RawPoint } from '../../src/pareto/load.js';
import { speedupOf } from '../../src/pareto/speedup.js';
import { reportText } from '../../src/pareto/table.js';
import { makeSummary, randomInitRun, realisticRuns, type SyntheticRun } from './synthetic.js';

const TASKS = { sentiment: 0.51, spam: 0.57, acceptability: 0.35, continuation: 0.37 };
/** The realistic sweep plus both recipes' random-init runs (3 seeds; the curves start at 0.45 at t = 0). */
function withInit(): SyntheticRun[] {
  const inits = ['bert', 'mosaic'].flatMap((recipe) => [1, 2, 3].map((seed) => randomInitRun(recipe, { seed, config: { size: 'tiny' }, score: 0.45 + 0.002 * (seed - 2), tasks: TASKS })));
  return [...realisticRuns(), ...inits];
}
const points = (runs: SyntheticRun[]): RawPoint[] => runs.map((r) => pointFromSummary(makeSummary('ri', r)));
const reportOf = (x: 'hours' | 'cost' | 'tokens' | 'flops' = 'hours') => analyse(points(withInit()), { sweep: 'ri', x, y: 'score' });

test('a 0ba run is a random-init point: zero time, cost, tokens and FLOPs', () => {
  const s = makeSummary('ri', randomInitRun('bert', { score: 0.45, mlm: { loss: 7.1, accuracy: 0.01 } }));
  assert.equal(isRandomInit(s), true);
  const p = pointFromSummary(s);
  assert.deepEqual([p.kind, p.hours, p.costUsd, p.tokens, p.flops, p.score, p.mlmLoss, p.mlmAccuracy, p.config.duration], ['random-init', 0, 0, 0, 0, 0.45, 7.1, 0.01, '0ba']);
  // a trained run, and a checkpoint, are not
  assert.equal(pointFromSummary(makeSummary('ri', { recipe: 'bert', wallSeconds: 10, score: 0.5 })).kind, 'run');
  assert.equal(isRandomInit({ intermediateOf: 'p', config: { duration: '0ba' }, pretrain: { steps: 0 } }), false);
});

test('random init starts each recipe\'s frontier at x = 0 on every cost axis; fits and speedups still work', () => {
  for (const x of ['hours', 'cost', 'tokens', 'flops'] as const) {
    const r = reportOf(x);
    assert.equal(r.excluded.length, 0, `${x}: nothing excluded`);
    for (const recipe of ['bert', 'mosaic']) {
      const first = r.aggregates.find((a) => a.key === r.recipeFrontiers[recipe]![0])!;
      assert.deepEqual([first.kind, first.x.mean, first.x.n, first.onRecipeFrontier], ['random-init', 0, 3, true], `${x} ${recipe}`);
    }
  }
  const r = reportOf();
  // the fits take the t = 0 point (y(0) = c1 − c2) and still describe the curves
  assert.ok(r.fits.every((f) => f.ok && f.rSquared > 0.98 && f.n === 15 + 3), JSON.stringify(r.fits)); // 5 durations × 3 seeds + 3 random inits
  // no speedup row at the random-init level (reached at no cost); the others as before
  const initScore = r.aggregates.find((a) => a.kind === 'random-init' && a.recipe === 'bert')!.y.mean;
  assert.ok(r.speedups.every((s) => s.level !== initScore));
  assert.equal(r.speedups.length, r.recipeFrontiers.bert!.length - 1);
  for (const s of r.speedups) assert.ok(s.speedupInterp! > 1.3 && s.speedupInterp! < 2.2, `interp ${s.speedupInterp}`);
  // a level either side reaches at zero cost gives no ratio (not 0, not ∞)
  assert.deepEqual(speedupOf({ reached: true, x: 0, bound: 'atMost' }, { reached: true, x: 2, bound: 'exact' }), { value: null, bound: null });
  assert.deepEqual(speedupOf({ reached: true, x: 2, bound: 'exact' }, { reached: true, x: 0, bound: 'exact' }), { value: null, bound: null });
});

test('table and CSV mark it random-init with x = 0', () => {
  const r = reportOf();
  assert.match(reportText(r), /│ bert \(random-init\) +│ 0ba +│ 3 +│ 0 \[0, 0\] +│ 45\.00 \[/);
  const runs = parse(runsCsv(r), { columns: true }) as Record<string, string>[];
  const inits = runs.filter((row) => row.kind === 'random-init');
  assert.equal(inits.length, 6);
  for (const row of inits) assert.deepEqual([row.x, row.hours, row.cost_usd, row.tokens, row.flops, row.included], ['0', '0', '0', '0', '0', 'true']);
  const aggs = parse(aggregatesCsv(r), { columns: true }) as Record<string, string>[];
  const init = aggs.filter((row) => row.kind === 'random-init');
  assert.deepEqual(init.map((row) => [row.recipe, row.x_mean, row.n, row.on_recipe_frontier]), [['bert', '0', '3', 'true'], ['mosaic', '0', '3', 'true']]);
});

/** A scale's type and domain as vega computes them from the compiled spec. */
async function scaleOf(spec: TopLevelSpec, name: string): Promise<{ type: string; domain: number[] }> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    await view.runAsync();
    const s = view.scale(name) as unknown as { type: string; domain(): number[] };
    return { type: s.type, domain: s.domain() };
  } finally {
    view.finalize();
  }
}

test('charts draw it at x = 0 as the start of the line, as a square; linear scales from zero; SVG renders', async () => {
  const r = reportOf();
  const rows = chartData(r).rows.filter((row) => row.kind === 'random init');
  assert.deepEqual(rows.map((row) => [row.recipe, row.x, row.recipeFrontier]), [['bert', 0, true], ['mosaic', 0, true]]);
  const spec = paretoSpec(r);
  const x = await scaleOf(spec, 'x');
  assert.equal(x.type, 'linear', 'no log scale: x = 0 is drawable');
  assert.equal(x.domain[0], 0);
  const shape = JSON.stringify(spec).match(/"domain":\["full schedule","intermediate checkpoint","random init"\],"range":\["circle","diamond","square"\]/);
  assert.ok(shape, 'random init has its own shape');
  assert.ok((spec as { title: { subtitle: string[] } }).title.subtitle.some((l) => /random init/.test(l)));
  const svg = await specToSvg(spec);
  assert.ok(svg.includes('random init'));
  // the task panels' lines start at 0 too
  const tasks = tasksSpec(r) as unknown as { data: { values: { kind: string; x: number; task: string }[] } };
  assert.equal(tasks.data.values.filter((v) => v.kind === 'random init' && v.x === 0).length, 2 * 4);
});
