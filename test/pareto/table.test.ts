// The terminal table shows only the config keys that vary between its rows; the constant ones go once above it.
// The CSV keeps every key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from '../../src/pareto/analyse.js';
import { configDiff } from '../../src/pareto/config-diff.js';
import { aggregatesCsv } from '../../src/pareto/export/csv.js';
import { pointFromSummary } from '../../src/pareto/load.js';
import { reportText } from '../../src/pareto/table.js';
import { makeSummary, realisticRuns, type SyntheticRun } from './synthetic.js';

const COMMON = { size: 'tiny', seqLen: 64, vocab: 'bert-base-uncased-padded-to-a-multiple-of-eight', lr: 0.0005, warmup: 0.06, batch: 32 };

function runs(): SyntheticRun[] {
  const out: SyntheticRun[] = [];
  for (const [recipe, sps] of [['bert', 2], ['mosaic', 1.4]] as const)
    for (const steps of [40, 80, 160])
      for (const seed of [1, 2])
        out.push({ recipe, seed, config: { ...COMMON, duration: `${steps}ba` }, wallSeconds: steps * sps + seed, score: 0.5 + steps / 1000 + seed / 100 });
  return out;
}

const reportOf = (rs: SyntheticRun[], includeIntermediate = false) =>
  analyse(rs.map((r) => pointFromSummary(makeSummary('t', r))), { sweep: 't', x: 'hours', y: 'score', includeIntermediate });

test('only duration varies: the column is named duration and holds the bare value; the rest is one common line', () => {
  const text = reportText(reportOf(runs()));
  const lines = text.split('\n');
  const common = lines.find((l) => l.startsWith('common: '));
  assert.equal(common, 'common: batch=32 lr=0.0005 seqLen=64 size=tiny vocab=bert-base-uncased-padded-to-a-multiple-of-eight warmup=0.06');
  const head = lines.find((l) => l.includes('│ recipe'))!;
  assert.match(head, /│ recipe │ duration │ seeds │/);
  const rows = lines.filter((l) => /^│ (bert|mosaic) /.test(l) && l.includes('ba'));
  assert.ok(rows.length >= 4, text);
  for (const r of rows) {
    assert.match(r, /│ \d+ba +│/);
    assert.doesNotMatch(r, /size=|seqLen=|duration=/);
  }
  const frontier = lines.slice(0, lines.indexOf(''));
  const widest = Math.max(...frontier.filter((l) => l.startsWith('│') || l.startsWith('┌')).map((l) => [...l].length));
  assert.ok(widest < 100, `table ${widest} columns wide`);
});

test('several varying keys are shown as k=v; keys missing on a row count as varying', () => {
  const d = configDiff([
    { size: 'tiny', duration: '40ba', lr: 1 },
    { size: 'tiny', duration: '80ba', lr: 2 },
    { size: 'tiny', duration: '80ba', lr: 2, evalAt: '40ba' },
  ]);
  assert.equal(d.common, 'size=tiny');
  assert.deepEqual(d.varying, ['duration', 'evalAt', 'lr']);
  assert.equal(d.label({ size: 'tiny', duration: '40ba', lr: 1 }), 'duration=40ba lr=1');
  assert.equal(d.label({ size: 'tiny', duration: '80ba', lr: 2, evalAt: '40ba' }), 'duration=80ba evalAt=40ba lr=2');
  // intermediate checkpoints in the realistic sweep carry evalAt: shown as k=v next to duration
  const text = reportText(reportOf(realisticRuns(), true));
  assert.match(text, /common: size=tiny\n/);
  assert.match(text, /│ config +│/);
  assert.match(text, /duration=1600ba evalAt=\d+ba/);
});

test('the CSV keeps every config key', () => {
  const csv = aggregatesCsv(reportOf(runs()));
  assert.match(csv, /batch=32 duration=40ba lr=0.0005 seqLen=64 size=tiny vocab=bert-base-uncased-padded-to-a-multiple-of-eight warmup=0.06/);
});

test('recipe features constant within each recipe are left to the recipe column; other keys stay', () => {
  const configs = [
    { recipe: 'bert', positions: 'learned', maskRatio: 0.15, duration: '30ba', size: 'tiny' },
    { recipe: 'mosaic', positions: 'alibi', maskRatio: 0.3, duration: '60ba', size: 'tiny' },
    { recipe: 'mosaic', positions: 'alibi', maskRatio: 0.4, duration: '60ba', size: 'tiny' },
  ];
  const d = configDiff(configs, ['bert', 'mosaic', 'mosaic']);
  assert.deepEqual(d.varying, ['duration', 'maskRatio']);
  assert.equal(d.label(configs[2]!), 'duration=60ba maskRatio=0.4');
  assert.equal(d.common, 'size=tiny');
  assert.deepEqual(configDiff(configs).varying, ['duration', 'maskRatio', 'positions', 'recipe']);
});
