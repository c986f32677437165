// The --dry-run plan table: every run is counted, the first PLAN_TABLE_ROWS are drawn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planFromSource } from '../../src/config/expand.js';
import { YamlSource } from '../../src/config/yaml-source.js';
import { PLAN_TABLE_ROWS, planTable } from '../../src/launch/plan-table.js';
import { plannedRuns } from '../../src/launch/prepare.js';

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
