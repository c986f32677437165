import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GLUE_SPECS, GLUE_TASKS, checkGlueDir, loadGlue, loadGlueTask } from '../../src/data/glue.js';
import { BadFileError, UserError } from '../../src/errors.js';
import { writeTinyGlue } from './glue-files.js';

function glueDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mbench-glue-'));
  writeTinyGlue(dir);
  return dir;
}

test('all eight tasks load: CoLA without header, MNLI with two dev splits, STS-B as regression', () => {
  const dir = glueDir();
  const tasks = loadGlue(dir);
  assert.deepEqual(tasks.map((t) => t.spec.name), [...GLUE_TASKS]);
  const cola = loadGlueTask(dir, 'cola');
  assert.deepEqual(cola.train[1], { a: 'Book the John read was.', label: 0 });
  assert.equal(cola.train.length, 3);
  const mnli = loadGlueTask(dir, 'mnli');
  assert.deepEqual(Object.keys(mnli.dev), ['matched', 'mismatched']);
  assert.deepEqual(mnli.train.map((e) => e.label), [0, 2, 1]);
  assert.deepEqual(mnli.dev.matched![0], { a: 'She reads.', b: 'She is reading.', label: 0 });
  const stsb = loadGlueTask(dir, 'stsb');
  assert.equal(stsb.spec.kind, 'regression');
  assert.deepEqual(stsb.train.map((e) => e.label), [5, 0.8]);
  assert.deepEqual(loadGlueTask(dir, 'mrpc').train[0], { a: 'He said hi.', b: 'He greeted us.', label: 1 });
  assert.equal(loadGlueTask(dir, 'rte').dev.dev![0]!.label, 0);
});

test("MosaicBERT's protocol: per-task hyperparameters, seeds, MNLI starting point", () => {
  assert.equal(GLUE_SPECS.mrpc.hyper.lr, 8e-5);
  assert.equal(GLUE_SPECS.mnli.hyper.batchSize, 48);
  assert.equal(GLUE_SPECS.cola.hyper.epochs, 10);
  assert.deepEqual(GLUE_SPECS.rte.hyper.seeds, [19, 8364, 717, 10536, 90166]);
  assert.deepEqual(GLUE_TASKS.filter((t) => GLUE_SPECS[t].startFrom === 'mnli').sort(), ['mrpc', 'rte', 'stsb']);
});

test('a row with the wrong column count names file:line', () => {
  const dir = glueDir();
  const file = join(dir, 'RTE', 'dev.tsv');
  appendFileSync(file, '1\tonly two columns\n');
  assert.throws(() => loadGlueTask(dir, 'rte'), (e: unknown) => e instanceof BadFileError && e.message.startsWith(`${file}:3:`) && /expected 4 .*found 2/.test(e.message));
  const cola = join(dir, 'CoLA', 'train.tsv');
  appendFileSync(cola, 'gj04\t1\tThe extra column is missing.\n');
  assert.throws(() => loadGlueTask(dir, 'cola'), (e: unknown) => e instanceof BadFileError && e.message.startsWith(`${cola}:4:`));
});

test('an unknown label is an error naming file:line', () => {
  const dir = glueDir();
  const file = join(dir, 'QNLI', 'train.tsv');
  appendFileSync(file, '9\tWho?\tNobody.\tmaybe\n');
  assert.throws(() => loadGlueTask(dir, 'qnli'), (e: unknown) => e instanceof BadFileError && e.message.includes(`${file}:4`) && e.message.includes("'maybe'"));
});

test('binary bytes in a label are escaped in the message, not echoed raw', () => {
  const dir = glueDir();
  const file = join(dir, 'QNLI', 'train.tsv');
  appendFileSync(file, Buffer.concat([Buffer.from('9\tWho?\tNobody.\t'), Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0xff, 0x00]), Buffer.from('\n')]));
  assert.throws(
    () => loadGlueTask(dir, 'qnli'),
    (e: unknown) => e instanceof BadFileError && e.message.includes(`${file}:4`) && e.message.includes("'\\x1b[2J\\u{fffd}\\x00'") && !/[\x00-\x08\x1b]/.test(e.message),
  );
});

test('missing files are listed; unknown tasks get a did-you-mean', () => {
  const dir = glueDir();
  rmSync(join(dir, 'MNLI', 'dev_mismatched.tsv'));
  rmSync(join(dir, 'CoLA'), { recursive: true });
  assert.throws(
    () => checkGlueDir(dir),
    (e: unknown) => e instanceof UserError && e.message.includes('MNLI/dev_mismatched.tsv') && e.message.includes('CoLA/train.tsv') && e.message.includes('CoLA/dev.tsv'),
  );
  assert.deepEqual(checkGlueDir(dir, ['sst2', 'rte']), ['sst2', 'rte']);
  assert.throws(() => checkGlueDir(dir, ['sst-2']), (e: unknown) => e instanceof UserError && e.message.includes("did you mean 'sst2'"));
  assert.throws(() => checkGlueDir(join(dir, 'nope'), ['rte']), (e: unknown) => e instanceof UserError && e.message.includes('does not exist'));
});
