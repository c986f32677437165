// Two pretraining seeds give t(0.975, 1) = 12.71: the true 95% CIs are huge. The report keeps them; the charts
// set their axes from the points and clip the bands to the plot, and say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { analyse } from '../../src/pareto/analyse.js';
import { chartData } from '../../src/pareto/chart/data.js';
import { CLIPPED_NOTE, drawRange, HEADROOM, BAND_REACH, MIN_HEADROOM, SCORE_RANGE } from '../../src/pareto/chart/domain.js';
import { paretoSpec } from '../../src/pareto/chart/pareto-spec.js';
import { tasksSpec } from '../../src/pareto/chart/tasks-spec.js';
import { pointFromSummary } from '../../src/pareto/load.js';
import { makeSummary, realisticRuns, type SyntheticRun } from './synthetic.js';

/** 2 recipes × 3 durations × 2 seeds whose scores differ wildly between seeds (±0.25 around the mean). */
function wildTwoSeedRuns(): SyntheticRun[] {
  const runs: SyntheticRun[] = [];
  for (const [recipe, secondsPerStep, base] of [['bert', 2, 0.55], ['mosaic', 1.4, 0.6]] as const)
    for (const steps of [40, 80, 160])
      for (const seed of [1, 2]) {
        const score = base + 0.05 * Math.log2(steps / 40) + (seed === 1 ? -0.25 : 0.25);
        // seed 1 runs 0.2× as long as seed 2: the time CI's lower end is far below zero
        const wallSeconds = steps * secondsPerStep * (seed === 1 ? 0.2 : 1.8);
        runs.push({ recipe, seed, config: { size: 'tiny', duration: `${steps}ba` }, wallSeconds, score, tasks: { sst2: score + 0.05 } });
      }
  return runs;
}

const reportOf = (runs: SyntheticRun[]) => analyse(runs.map((r) => pointFromSummary(makeSummary('wild', r))), { sweep: 'wild', x: 'hours', y: 'score' });

/** The y scale's domain as vega computes it when it runs the compiled spec. */
async function yDomain(spec: TopLevelSpec, scaleName = 'y'): Promise<number[]> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    await view.runAsync();
    return view.scale(scaleName).domain() as number[];
  } finally {
    view.finalize();
  }
}

test('2 wild seeds: the y domain comes from the points ± headroom; the report keeps the unclipped CIs', async () => {
  const report = reportOf(wildTwoSeedRuns());
  const means = report.aggregates.map((a) => a.y.mean * 100);
  const [lo, hi] = [Math.min(...means), Math.max(...means)];
  // the true intervals: mean ± 12.71 · 0.3536 · 0.5 / √2 ≈ ± 0.795 ×100 wide each side, far outside the points
  for (const a of report.aggregates) {
    assert.equal(a.y.n, 2);
    assert.ok(Math.abs(a.y.ciHigh! - a.y.mean - 12.7062 * (Math.SQRT2 * 0.25) / Math.SQRT2) < 1e-3, `${a.configKey}: the true CI`);
    assert.ok(a.y.ciLow! < -0.1 && a.y.ciHigh! > 1.2);
    assert.ok(a.x.ciLow! < 0, 'the true time CI goes below zero');
  }
  const spec = paretoSpec(report);
  const [dLo, dHi] = await yDomain(spec);
  const span = hi - lo;
  const slack = span * (BAND_REACH + 2 * HEADROOM) + 2 * MIN_HEADROOM + 5; // + one rounding step
  assert.ok(dLo! <= lo && dLo! >= lo - slack, `domain low ${dLo} near the lowest point ${lo}`);
  assert.ok(dHi! >= hi && dHi! <= hi + slack, `domain high ${dHi} near the highest point ${hi}`);
  assert.ok(dLo! >= SCORE_RANGE[0] && dHi! <= SCORE_RANGE[1]);
  // band/bar layers clip, their data are clamped to the domain, and the subtitle says so
  const layers = (spec as { layer: { mark: { type: string; clip?: boolean }; encoding: { y2?: { field: string } } }[] }).layer;
  const banded = layers.filter((l) => l.encoding.y2);
  assert.equal(banded.length, 2, 'band and error-bar layers');
  for (const l of banded) assert.equal(l.mark.clip, true);
  for (const l of banded) assert.equal(l.encoding.y2!.field, 'bandHi');
  const rows = (spec as { data: { values: { bandLo: number; bandHi: number; yLo: number; yHi: number; xLo: number }[] } }).data.values;
  for (const r of rows) {
    assert.ok(r.bandLo >= dLo! && r.bandHi <= dHi!);
    assert.ok(r.yLo < -10 && r.yHi > 120, 'tooltips keep the true CI');
    assert.ok(r.xLo >= 0, 'time intervals are drawn from zero at the lowest');
  }
  assert.ok((spec as { title: { subtitle: string[] } }).title.subtitle.includes(CLIPPED_NOTE));
  // the task panels clamp their bands too
  const tasks = tasksSpec(report)!;
  assert.ok((tasks as { title: { subtitle: string[] } }).title.subtitle.includes(CLIPPED_NOTE));
  const data = chartData(report);
  for (const r of data.taskRows) {
    const range = data.taskRanges[r.task]!;
    assert.ok(r.bandLo >= range.lo && r.bandHi <= range.hi && range.lo >= -100 && range.hi <= 100);
  }
});

test('narrow CIs (3 seeds, realistic) are drawn whole and no clipping is claimed', async () => {
  const report = reportOf(realisticRuns());
  const spec = paretoSpec(report);
  const [dLo, dHi] = await yDomain(spec);
  for (const a of report.aggregates.filter((a) => a.y.n > 1)) {
    assert.ok(a.y.ciLow! * 100 >= dLo! && a.y.ciHigh! * 100 <= dHi!, `${a.configKey}: band inside ${dLo}..${dHi}`);
  }
  assert.ok(!(spec as { title: { subtitle: string[] } }).title.subtitle.includes(CLIPPED_NOTE));
  assert.equal(chartData(report).yRange.clipped, false);
});

test('drawRange: headroom, band reach, the valid range, and single points', () => {
  const r = drawRange([50, 60], [45, 65]);
  assert.ok(r.lo <= 45 && r.lo >= 40 && r.hi >= 65 && r.hi <= 70 && !r.clipped, JSON.stringify(r));
  const wild = drawRange([50, 60], [-300, 400]);
  assert.ok(wild.lo >= 40 && wild.hi <= 70 && wild.clipped, JSON.stringify(wild));
  const top = drawRange([97, 99.5], [90, 120]);
  assert.equal(top.hi, 100, 'never above a perfect score');
  const bottom = drawRange([-99, -90], [-130, -80]);
  assert.equal(bottom.lo, -100, 'never below −1 ×100');
  const one = drawRange([70], []);
  assert.ok(one.lo < 70 && one.hi > 70 && one.hi - one.lo <= 4, JSON.stringify(one));
});
