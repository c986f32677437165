// End to end, as a user would run it: `mbench pareto` on a folder of synthetic run summaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/version.js';
import { mlmRuns, realisticRuns, tempRoot, writeMetrics, writeSweep, writeUnfinished } from './synthetic.js';

const mbench = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/mbench.js'), ...args], { encoding: 'utf8' });

test('mbench pareto --plot --csv --json prints the frontier table and writes spec, SVG, PNG, HTML, CSV, JSON', () => {
  const root = tempRoot();
  writeSweep(root, 'demo', [...realisticRuns(), { recipe: 'bert', config: { duration: '50ba' }, wallSeconds: 60, score: null }]);
  writeUnfinished(root, 'demo', 'still-running');
  const ref = join(root, 'published.csv');
  writeFileSync(ref, 'recipe,time,score\nBERT-Base (paper),0.5,72.0\nBERT-Base (paper),0.9,76.5\n');
  const r = mbench('pareto', root, '--plot', '--csv', '--json', '--reference', ref, '--rule', 'BERT-Base (Devlin 2018)=0.76');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Pareto frontier per recipe \(average score vs hours, sweep demo\)/);
  // only the varying config key (duration) in the table; the constant ones once above it
  assert.match(r.stdout, /\ncommon: size=tiny\n/);
  assert.match(r.stdout, /│ recipe +│ duration │/);
  assert.match(r.stdout, /│ mosaic +│ 1600ba +│ 3 .*frontier/);
  assert.match(r.stdout, /Speedup vs bert/);
  assert.match(r.stdout, /\d\.\d\d×/);
  assert.match(r.stderr, /1 of 39 points excluded: 1 with no average score/);
  assert.match(r.stderr, /1 unfinished run folder \(no summary\.json\) skipped/);
  const out = join(root, 'demo', 'pareto');
  const files = ['pareto.vl.json', 'pareto.svg', 'pareto.png', 'tasks.vl.json', 'tasks.svg', 'tasks.png', 'pareto.html', 'runs.csv', 'aggregates.csv', 'pareto.json'];
  for (const f of files) assert.ok(existsSync(join(out, f)), `${f} written`);
  const svg = readFileSync(join(out, 'pareto.svg'), 'utf8');
  for (const text of ['Pretraining time (minutes)', 'Average fine-tuning score (×100)', 'Recipe', 'mosaic', 'BERT-Base (paper)', 'BERT-Base (Devlin 2018)', 'reference']) {
    assert.ok(svg.includes(text.replace('&', '&amp;')), `SVG shows '${text}'`);
  }
  assert.match(svg, /class="mark-area/, 'CI bands drawn');
  const png = readFileSync(join(out, 'pareto.png'));
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.ok(png.length > 20_000, 'PNG has content');
  const spec = JSON.parse(readFileSync(join(out, 'pareto.vl.json'), 'utf8'));
  assert.ok(Array.isArray(spec.layer) && spec.data.values.length > 0);
  const report = JSON.parse(readFileSync(join(out, 'pareto.json'), 'utf8'));
  assert.equal(report.baseline, 'bert');
  assert.equal(report.excluded.length, 1);
  assert.equal(readFileSync(join(out, 'runs.csv'), 'utf8').trim().split('\n').length, 1 + 37 + 2);
  assert.match(r.stderr, /wrote 10 files to /);
});

test('mbench pareto --y mlm-loss --plot: the MLM frontier, the headline speedup, learning curves; unknown --y lists the axes', () => {
  const root = tempRoot();
  const runs = writeSweep(root, 'mlm', [...mlmRuns(), { recipe: 'bert', config: { size: 'tiny', duration: '900ba' }, wallSeconds: 1800, score: 0.5 }]);
  // one run's learning curve, its last line torn
  const run = runs.find((r) => r.recipe === 'mosaic' && r.config.duration === '450ba')!;
  writeMetrics(root, 'mlm', run.id, [
    { kind: 'eval', step: 0, evalLoss: 7.2, evalAccuracy: 0.01, maskedTokens: 900, evalSeconds: 0.1, time: 't' },
    { kind: 'train', step: 1, loss: 7, tokens: 600, trainSeconds: 1.4 },
    { kind: 'eval', step: 1, evalLoss: 7.1, evalAccuracy: 0.02, maskedTokens: 900, evalSeconds: 0.1, time: 't' },
  ], '{"kind":"tr');
  const r = mbench('pareto', root, '--y', 'mlm-loss', '--plot', '--csv');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /held-out MLM loss \(lower is better\) vs hours/);
  assert.match(r.stdout, /At bert's best held-out MLM loss \(\d\.\d{3} nats, reached at 15 min\):\n  mosaic: 1\.\d\d× faster/);
  assert.match(r.stderr, /1 of 17 runs excluded: 1 with no held-out MLM evaluation/);
  const out = join(root, 'mlm', 'pareto');
  for (const f of ['pareto.svg', 'curves.png', 'curves.svg', 'curves.vl.json', 'pareto.html', 'runs.csv', 'aggregates.csv']) assert.ok(existsSync(join(out, f)), `${f} written`);
  assert.ok(readFileSync(join(out, 'pareto.svg'), 'utf8').includes('Held-out MLM loss (nats; lower is better)'));
  const bad = mbench('pareto', root, '--y', 'mlm-los');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--y 'mlm-los' .*did you mean 'mlm-loss'.*use one of: score, mlm-accuracy, mlm-loss/);
});

test('no runs: a clear error and a non-zero exit, nothing written', () => {
  const root = tempRoot();
  const r = mbench('pareto', root, '--plot');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^mbench: error: no finished runs found under .*run a sweep first/m);
  assert.ok(!existsSync(join(root, 'reference')));
});

test('mbench pareto --help explains the options', () => {
  const r = mbench('pareto', '--help');
  assert.equal(r.status, 0);
  for (const opt of ['--sweep', '--baseline', '--x', '--y', '--reference', '--rule', '--level', '--plot', '--csv', '--json', '--out', 'hours | cost | tokens | flops']) {
    assert.ok(r.stdout.includes(opt), `--help mentions ${opt}`);
  }
});
