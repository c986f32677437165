// Damaged run folders (issue 16, items 3 and 4): a garbage summary.json is not a finished run, and a deleted
// spec.json breaks nothing. status shows both, pareto skips the damaged run with a note, and the next sweep
// sets the bad summary aside, redoes exactly that run and rewrites the spec — ending as a clean sweep would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { comparableSummaries, lines, mbenchSync, mockSweep, runFolders, tempDir } from './helpers.js';

interface StatusRow {
  id: string;
  name: string;
  state: string;
  detail: string;
  note: string | null;
}

test('garbage summary.json and deleted spec.json: status and pareto report them, the next sweep redoes only the damaged run', { timeout: 120_000 }, () => {
  const dir = tempDir();
  const file = mockSweep(dir, { name: 'dmg', seeds: [1, 2], durations: ['10ba'] });
  const root = join(dir, 'results');
  const first = mbenchSync(['sweep', file, '--results', root, '--concurrency', '2']);
  assert.equal(first.code, 0, first.stderr);
  const clean = comparableSummaries(root, 'dmg');
  const runs = runFolders(root, 'dmg').sort();
  assert.equal(runs.length, 4);
  const summaryOf = (d: string) => JSON.parse(readFileSync(join(d, 'summary.json'), 'utf8')) as { recipe: string; name: string };
  // damage a mosaic run (bert, the baseline, stays whole) and delete another run's spec.json
  const damaged = runs.find((d) => summaryOf(d).recipe === 'mosaic')!;
  const specless = runs.find((d) => d !== damaged)!;
  const garbage = '{"schemaVersion": 1, "id": "';
  writeFileSync(join(damaged, 'summary.json'), garbage);
  const specText = readFileSync(join(specless, 'spec.json'), 'utf8');
  rmSync(join(specless, 'spec.json'));

  const status = mbenchSync(['status', 'dmg', '--results', root, '--json']);
  assert.equal(status.code, 0, status.stderr);
  const rows = JSON.parse(status.stdout) as StatusRow[];
  assert.equal(rows.length, 4);
  const row = (d: string): StatusRow => rows.find((r) => r.id === basename(d))!;
  assert.equal(row(damaged).state, 'damaged');
  assert.match(row(damaged).detail, new RegExp(`^${join(damaged, 'summary.json')}: not valid JSON .*; mbench sweep sets it aside and redoes the run$`));
  assert.equal(row(specless).state, 'done');
  assert.match(row(specless).note ?? '', new RegExp(`^${join(specless, 'spec.json')} is missing; rerun \`mbench sweep\` to rewrite it from the plan$`));
  assert.deepEqual(rows.filter((r) => r.id !== basename(damaged) && r.id !== basename(specless)).map((r) => [r.state, r.note]), [['done', null], ['done', null]]);
  const table = mbenchSync(['status', 'dmg', '--results', root]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /4 runs: 3 done, 0 running, 0 failed, 0 partial, 0 pending, 1 damaged/);
  assert.match(table.stdout, /spec\.json is missing/);
  const listing = mbenchSync(['status', '--results', root]);
  assert.equal(listing.code, 0, listing.stderr);
  assert.equal(listing.stdout, 'dmg: 4 runs: 3 done, 0 running, 0 failed, 0 partial, 0 pending, 1 damaged\n');

  const pareto = mbenchSync(['pareto', root, '--sweep', 'dmg']);
  assert.equal(pareto.code, 0, pareto.stderr);
  assert.match(pareto.stderr, /pareto: 3 runs from sweep dmg/);
  const skipped = pareto.stderr.split('\n').filter((l) => l.startsWith('note: skipped'));
  assert.deepEqual(skipped.length, 1, pareto.stderr);
  assert.match(skipped[0]!, new RegExp(`^note: skipped ${join(damaged, 'summary.json')}: not valid JSON`));

  const again = mbenchSync(['sweep', file, '--results', root, '--concurrency', '2']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, new RegExp(`note: ${join(damaged, 'summary.json')}: not valid JSON .*; moving it to ${join(damaged, 'summary.json.bad')} and redoing the run`));
  assert.match(again.stderr, new RegExp(`note: ${join(specless, 'spec.json')} was missing or unreadable: rewritten from the plan`));
  assert.match(again.stderr, /4\/4 runs finished/);
  assert.equal(readFileSync(join(damaged, 'summary.json.bad'), 'utf8'), garbage);
  assert.equal(readFileSync(join(specless, 'spec.json'), 'utf8'), specText);
  assert.match(readFileSync(join(damaged, 'run.log'), 'utf8'), /summary\.json: not valid JSON .*; moved to .*summary\.json\.bad, redoing the run/);
  // exactly the damaged run ran again (resuming from its checkpoint), to the same summary as the clean sweep
  for (const d of runs) assert.equal(lines(join(d, 'attempts.jsonl')).length, d === damaged ? 2 : 1, d);
  assert.deepEqual(comparableSummaries(root, 'dmg'), clean);
  const after = JSON.parse(mbenchSync(['status', 'dmg', '--results', root, '--json']).stdout) as StatusRow[];
  assert.deepEqual(after.map((r) => [r.state, r.note]), Array.from({ length: 4 }, () => ['done', null]));
  assert.ok(!existsSync(join(damaged, 'lock')));
});

test('a sweep folder without sweep.json, or with a damaged one, does not hide the other sweeps from status', { timeout: 60_000 }, () => {
  const dir = tempDir();
  const root = join(dir, 'results');
  const ok = mbenchSync(['sweep', mockSweep(dir, { name: 'good', durations: ['5ba'] }), '--results', root]);
  assert.equal(ok.code, 0, ok.stderr);
  const other = mbenchSync(['sweep', mockSweep(dir, { name: 'torn', durations: ['5ba'] }), '--results', root]);
  assert.equal(other.code, 0, other.stderr);
  writeFileSync(join(root, 'torn', 'sweep.json'), '{"runs": ');
  // results copied without their plan: summaries only
  const target = join(root, 'copied', 'r1');
  mkdirSync(target, { recursive: true });
  writeFileSync(join(target, 'summary.json'), readFileSync(join(runFolders(root, 'good')[0]!, 'summary.json')));
  const listing = mbenchSync(['status', '--results', root]);
  assert.equal(listing.code, 0, listing.stderr);
  const byName = Object.fromEntries(listing.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
  assert.deepEqual(Object.keys(byName), ['copied', 'good', 'torn']);
  assert.equal(byName.good, '2 runs: 2 done, 0 running, 0 failed, 0 partial, 0 pending, 0 damaged');
  assert.match(byName.copied!, /^no sweep\.json/);
  assert.match(byName.torn!, /torn\/sweep\.json: not valid JSON/);
});

test('a summary that cannot be written fails the run with failure.json naming the path; the next sweep redoes it', { timeout: 120_000 }, () => {
  const dir = tempDir();
  const file = mockSweep(dir, { name: 'nowrite', durations: ['10ba'], extra: 'evalAt: [0.5dur]' });
  const root = join(dir, 'results');
  assert.equal(mbenchSync(['sweep', file, '--results', root]).code, 0);
  const run = runFolders(root, 'nowrite').find((d) => (JSON.parse(readFileSync(join(d, 'spec.json'), 'utf8')) as { recipe: string }).recipe === 'mosaic')!;
  const point = (JSON.parse(readFileSync(join(run, 'spec.json'), 'utf8')) as { intermediates: { id: string }[] }).intermediates[0]!.id;
  const pointDir = join(root, 'nowrite', point);
  // the run is unfinished again, and its point's folder is blocked by a file of that name
  rmSync(join(run, 'summary.json'));
  rmSync(pointDir, { recursive: true });
  writeFileSync(pointDir, 'not a folder');
  const blocked = mbenchSync(['sweep', file, '--results', root]);
  assert.notEqual(blocked.code, 0, blocked.stdout);
  assert.equal(existsSync(join(run, 'summary.json')), false, 'no summary: the run stays unfinished');
  const failure = JSON.parse(readFileSync(join(run, 'failure.json'), 'utf8')) as { message: string };
  assert.match(failure.message, new RegExp(`^the run trained but its summary was not written: .*${point}`));
  rmSync(pointDir);
  const again = mbenchSync(['sweep', file, '--results', root]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(existsSync(join(run, 'summary.json')), true);
  assert.equal(existsSync(join(pointDir, 'summary.json')), true);
});
