// The --dry-run plan table: every run is counted, the first PLAN_TABLE_ROWS are drawn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSweep, planFromSource } from '../../src/config/expand.js';
import { YamlSource } from '../../src/config/yaml-source.js';
import { PLAN_TABLE_ROWS, planTable } from '../../src/launch/plan-table.js';
import { plannedRuns } from '../../src/launch/prepare.js';
import { repoRoot } from '../../src/version.js';

const sweep = (seeds: number) =>
  planFromSource(YamlSource.parse('s.yaml', `name: p\nrunner: mock\ndefaults: { duration: 2ba }\nseeds: [${Array.from({ length: seeds }, (_, i) => i + 1).join(', ')}]\nmatrix:\n  recipe: [bert]\n`));

test('a plan longer than the table draws the first rows and counts the rest; totals cover every run', () => {
  const root = mkdtempSync(join(tmpdir(), 'mbench-plan-'));
  const n = PLAN_TABLE_ROWS + 50;
  const text = planTable(plannedRuns(sweep(n), root));
  const rows = text.split('\n').filter((l) => /bert-tiny-2ba-s\d+/.test(l));
  assert.equal(rows.length, PLAN_TABLE_ROWS);
  assert.match(text, new RegExp(`… 50 more runs not shown \\(the first ${PLAN_TABLE_ROWS} are above\\)`));
  assert.match(text, new RegExp(`\\n${n} runs \\(0 done\\)`));
  const short = planTable(plannedRuns(sweep(3), root));
  assert.doesNotMatch(short, /more runs not shown/);
  assert.equal(short.split('\n').filter((l) => /bert-tiny-2ba-s\d+/.test(l)).length, 3);
});

test("the paper's sweeps plan 8 devices, a microbatch that fits an 80 GB GPU, and their steps", () => {
  const root = mkdtempSync(join(tmpdir(), 'mbench-plan-'));
  for (const [file, microbatch] of [['mosaicbert-base.yaml', '128 ×4'], ['mosaicbert-large.yaml', '64 ×8']] as const) {
    const text = planTable(plannedRuns(loadSweep(join(repoRoot, 'sweeps', file)), root));
    assert.match(text, /│ batch │ devices │ microbatch† │ steps │/);
    const rows = text.split('\n').filter((l) => /(bert|mosaic)-(base|large)-70000ba-s17/.test(l));
    assert.equal(rows.length, 2, file);
    for (const row of rows) assert.match(row, new RegExp(`│ 4096 +│ 8 +│ ${microbatch} +│ 70000 +│`));
  }
});
