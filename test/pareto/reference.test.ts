import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../src/errors.js';
import { loadReferenceCsv, parseReferenceCsv, parseRule } from '../../src/pareto/reference.js';
import { tempRoot } from './synthetic.js';

test('reference CSV: required and optional columns, percentages read as fractions, comments and blanks skipped', () => {
  const pts = parseReferenceCsv('recipe,time,score,seed,cost\n# published\nBERT-Base,4.6,79.6,,120\n\nMosaicBERT-Base,1.13,79.6,17,\n', 'ref.csv');
  assert.equal(pts.length, 2);
  assert.deepEqual(
    pts.map((p) => [p.kind, p.recipe, p.hours, p.score, p.seed, p.costUsd]),
    [
      ['reference', 'BERT-Base', 4.6, 0.796, null, 120],
      ['reference', 'MosaicBERT-Base', 1.13, 0.796, 17, null],
    ],
  );
  assert.equal(pts[0]!.id, 'ref:3');
  // fractions stay fractions; column order is free
  const f = parseReferenceCsv('score,recipe,time\n0.8,a,2\n', 'f.csv');
  assert.equal(f[0]!.score, 0.8);
  assert.equal(f[0]!.hours, 2);
});

test('wrong columns: the error names the file, the line and the column', () => {
  const err = (text: string) => {
    try {
      parseReferenceCsv(text, 'pub.csv');
    } catch (e) {
      assert.ok(e instanceof UserError);
      return e.message;
    }
    assert.fail('expected an error');
  };
  assert.match(err('recipe,hours,score\na,1,0.5\n'), /^pub\.csv:1: unknown column 'hours'/);
  assert.match(err('recipe,time\na,1\n'), /^pub\.csv:1: missing column 'score'/);
  assert.match(err('recipe,time,score\na,1,0.5\nb,2\n'), /^pub\.csv:3: has 2 fields, the header has 3/);
  assert.match(err('recipe,time,score\na,1,0.5\n\nb,two,0.6\n'), /^pub\.csv:4: time 'two' is not a number/);
  assert.match(err('recipe,time,score\n,1,0.5\n'), /^pub\.csv:2: recipe is empty/);
  assert.match(err(''), /^pub\.csv: empty/);
  assert.match(err('recipe,time,score\n'), /header but no rows/);
  // out of range: 150 (as a percentage) and -1.2 (as a fraction) name their line; -0.4 (a Matthews correlation) is fine
  assert.match(err('recipe,time,score\na,1,80.3\nb,2,150\n'), /^pub\.csv:3: score 150 is out of range: .*read as percentages/);
  assert.match(err('recipe,time,score\na,1,0.5\nb,2,-1.2\n'), /^pub\.csv:3: score -1\.2 is out of range/);
  assert.equal(parseReferenceCsv('recipe,time,score\na,1,-0.4\n', 'pub.csv')[0]!.score, -0.4);
});

test('a missing reference file is an error naming it', () => {
  const path = join(tempRoot(), 'nope.csv');
  assert.throws(() => loadReferenceCsv(path), (e: Error) => e instanceof UserError && e.message.includes(path));
  const ok = join(tempRoot(), 'ok.csv');
  writeFileSync(ok, 'recipe,time,score\nx,1,0.5\n');
  assert.equal(loadReferenceCsv(ok).length, 1);
});

test('--rule LABEL=SCORE: last "=" splits, percentages become fractions, malformed rules are errors', () => {
  assert.deepEqual(parseRule('BERT-Base (Devlin 2018)=0.803'), { label: 'BERT-Base (Devlin 2018)', y: 0.803 });
  assert.deepEqual(parseRule('a=b=79.6'), { label: 'a=b', y: 0.796 });
  for (const bad of ['0.8', '=0.8', 'x=', 'x=high']) assert.throws(() => parseRule(bad), /--rule .* is not LABEL=SCORE/);
});
