// summary.json as the run store reads and writes it: finished, missing or damaged, never an exception for a bad file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSummary, setAsideSummary, SUMMARY_SCHEMA_VERSION, writeSummary, type SummaryRead } from '../../src/results/summary.js';
import { makeSummary } from '../pareto/synthetic.js';

const runDir = (): string => {
  const dir = join(mkdtempSync(join(tmpdir(), 'mbench-summary-')), 'run1');
  mkdirSync(dir);
  return dir;
};

const reasonOf = (r: SummaryRead): string => {
  assert.equal(r.state, 'damaged', JSON.stringify(r));
  return r.state === 'damaged' ? r.reason : '';
};

test('a summary written by writeSummary reads back finished, equal to what was written', () => {
  const dir = runDir();
  const s = makeSummary('qs', { recipe: 'mosaic', wallSeconds: 90, score: 0.61, tasks: { spam: 0.7 } });
  writeSummary(dir, s);
  const r = readSummary(dir);
  assert.equal(r.state, 'finished');
  assert.equal(r.path, join(dir, 'summary.json'));
  assert.deepEqual(r.state === 'finished' && r.summary, s);
  // the bytes are the ones writeJsonAtomic always wrote: 2-space JSON and a final newline
  assert.equal(readFileSync(join(dir, 'summary.json'), 'utf8'), JSON.stringify(s, null, 2) + '\n');
});

test('NaN measurements (no step trained: no loss, no tokens/s) are null on disk and NaN again when read', () => {
  const dir = runDir();
  const s = makeSummary('qs', { recipe: 'bert', wallSeconds: 0, steps: 0, score: 0.5, tasks: { spam: 0.5 } });
  s.pretrain.finalLoss = NaN;
  s.pretrain.tokensPerSecond = NaN;
  writeSummary(dir, s);
  const onDisk = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { pretrain: Record<string, unknown> };
  assert.deepEqual([onDisk.pretrain.finalLoss, onDisk.pretrain.tokensPerSecond], [null, null]);
  const r = readSummary(dir);
  assert.ok(r.state === 'finished');
  assert.ok(Number.isNaN(r.summary.pretrain.finalLoss) && Number.isNaN(r.summary.pretrain.tokensPerSecond));
  assert.equal(r.summary.pretrain.evalLoss, null);
});

test('no summary.json: missing', () => {
  assert.deepEqual(readSummary(runDir()).state, 'missing');
  assert.deepEqual(readSummary('/nonexistent/mbench/run').state, 'missing');
});

test('truncated JSON is damaged, and the reason says it is not valid JSON', () => {
  const dir = runDir();
  const text = JSON.stringify(makeSummary('qs', { recipe: 'bert', wallSeconds: 60, score: 0.5 }));
  writeFileSync(join(dir, 'summary.json'), text.slice(0, text.length / 2));
  assert.match(reasonOf(readSummary(dir)), /^not valid JSON \(/);
  writeFileSync(join(dir, 'summary.json'), '');
  assert.match(reasonOf(readSummary(dir)), /^not valid JSON \(/);
});

test('another schema version is damaged, naming both versions', () => {
  const dir = runDir();
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ ...makeSummary('qs', { recipe: 'bert', wallSeconds: 60, score: 0.5 }), schemaVersion: 2 }));
  assert.equal(reasonOf(readSummary(dir)), `not a summary.json mbench can read (schemaVersion 2; this mbench reads ${SUMMARY_SCHEMA_VERSION})`);
});

test('wrong types are damaged, naming the field', () => {
  const dir = runDir();
  const s = makeSummary('qs', { recipe: 'bert', wallSeconds: 60, score: 0.5 });
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ ...s, pretrain: { ...s.pretrain, wallSeconds: '60' } }));
  assert.match(reasonOf(readSummary(dir)), /^not a summary\.json mbench can read \(pretrain\.wallSeconds: .*expected number/);
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ ...s, recipe: '' }));
  assert.match(reasonOf(readSummary(dir)), /\(recipe: /);
  writeFileSync(join(dir, 'summary.json'), '[1, 2]');
  assert.match(reasonOf(readSummary(dir)), /^not a summary\.json mbench can read \(\(root\): /);
  writeFileSync(join(dir, 'summary.json'), 'null');
  assert.match(reasonOf(readSummary(dir)), /^not a summary\.json mbench can read/);
});

test('a summary.json that cannot be read (a folder) is damaged, with the error code', () => {
  const dir = runDir();
  mkdirSync(join(dir, 'summary.json'));
  assert.equal(reasonOf(readSummary(dir)), 'cannot read (EISDIR)');
});

test('writeSummary refuses a record that would read back damaged, and writes nothing', () => {
  const dir = runDir();
  const s = makeSummary('qs', { recipe: 'bert', wallSeconds: 60, score: 0.5 });
  // Infinity becomes null in JSON, which wallSeconds (an x-axis) does not accept
  assert.throws(() => writeSummary(dir, { ...s, pretrain: { ...s.pretrain, wallSeconds: Infinity } }), /refusing to write .*summary\.json: it would not read back \(.*pretrain\.wallSeconds/);
  assert.deepEqual(readdirSync(dir), []);
});

test('setAsideSummary moves summary.json to summary.json.bad (replacing an older one); false when there is none', () => {
  const dir = runDir();
  writeFileSync(join(dir, 'summary.json.bad'), 'old');
  writeFileSync(join(dir, 'summary.json'), 'garbage');
  assert.equal(setAsideSummary(dir), true);
  assert.equal(readFileSync(join(dir, 'summary.json.bad'), 'utf8'), 'garbage');
  assert.equal(existsSync(join(dir, 'summary.json')), false);
  assert.equal(readSummary(dir).state, 'missing');
  assert.equal(setAsideSummary(dir), false);
});
