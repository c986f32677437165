import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { analyse } from '../../src/pareto/analyse.js';
import { aggregatesCsv, runsCsv } from '../../src/pareto/export/csv.js';
import { pointFromSummary } from '../../src/pareto/load.js';
import { makeSummary, realisticRuns } from './synthetic.js';

const report = () => {
  const pts = realisticRuns().map((r) => pointFromSummary(makeSummary('demo', r)));
  pts.push(pointFromSummary(makeSummary('demo', { recipe: 'bert', wallSeconds: 10, score: null })));
  return analyse(pts, { sweep: 'demo', x: 'hours', y: 'score' });
};

const num = (s: string | undefined): number | null => (s === undefined || s === '' ? null : Number(s));

test('runs.csv round trip: every run, numbers exact, exclusions explained', () => {
  const r = report();
  const rows = parse(runsCsv(r), { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, r.points.length);
  for (const [i, p] of r.points.entries()) {
    const row = rows[i]!;
    assert.equal(row.id, p.id);
    assert.equal(row.recipe, p.recipe);
    assert.equal(row.kind, p.kind);
    assert.equal(num(row.hours), p.hours);
    assert.equal(num(row.score), p.score);
    assert.equal(num(row.seed), p.seed);
    for (const t of r.tasks) assert.equal(num(row[`task_${t}`]), p.tasks[t] ?? null);
  }
  const excluded = rows.filter((row) => row.included === 'false');
  assert.equal(excluded.length, 1);
  assert.match(excluded[0]!.excluded_reason!, /no average score/);
});

test('aggregates.csv round trip: mean, sd, CI and frontier flags exact', () => {
  const r = report();
  const rows = parse(aggregatesCsv(r), { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, r.aggregates.length);
  for (const [i, a] of r.aggregates.entries()) {
    const row = rows[i]!;
    assert.equal(row.recipe, a.recipe);
    assert.equal(Number(row.n), a.y.n);
    assert.equal(num(row.y_mean), a.y.mean);
    assert.equal(num(row.y_sd), a.y.sd);
    assert.equal(num(row.y_ci_low), a.y.ciLow);
    assert.equal(num(row.y_ci_high), a.y.ciHigh);
    assert.equal(num(row.x_mean), a.x.mean);
    assert.equal(row.on_recipe_frontier, String(a.onRecipeFrontier));
    assert.equal(row.on_overall_frontier, String(a.onOverallFrontier));
    assert.equal(num(row.task_spam_mean), a.tasks.spam?.mean ?? null);
  }
});
