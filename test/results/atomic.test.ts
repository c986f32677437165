import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJson, readJsonLines, writeJsonAtomic, appendJsonLine } from '../../src/results/atomic.js';
import { BadFileError } from '../../src/errors.js';
import { runDir } from '../../src/results/store.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mbench-atomic-'));

test('writeJsonAtomic replaces the file and leaves no temp file behind', () => {
  const dir = tmp();
  const file = join(dir, 'summary.json');
  writeJsonAtomic(file, { a: 1 });
  writeJsonAtomic(file, { a: 2 });
  assert.deepEqual(readJson(file), { a: 2 });
  assert.deepEqual(readdirSync(dir), ['summary.json']);
});

test('readJson names the file when it is malformed', () => {
  const file = join(tmp(), 'bad.json');
  writeFileSync(file, '{"a": ');
  assert.throws(() => readJson(file), (e: unknown) => e instanceof BadFileError && e.message.startsWith(file));
});

test('readJsonLines tolerates a torn last line but not a torn middle line', () => {
  const file = join(tmp(), 'metrics.jsonl');
  appendJsonLine(file, { step: 1 });
  appendJsonLine(file, { step: 2 });
  appendFileSync(file, '{"step": 3, "lo');
  assert.deepEqual(readJsonLines(file), [{ step: 1 }, { step: 2 }]);
  appendFileSync(file, '\n{"step": 4}\n');
  assert.throws(() => readJsonLines(file), /metrics\.jsonl:3/);
});

test('run directories cannot escape the results root', () => {
  assert.throws(() => runDir('/r', '..', 'x'), /cannot be used as a folder name/);
  assert.throws(() => runDir('/r', 'a b', 'x'), /cannot be used/);
  assert.throws(() => runDir('/r', 's', '$(rm -rf)'), /cannot be used/);
  assert.equal(runDir('/r', 'quick', 'abc123'), '/r/quick/abc123');
});
