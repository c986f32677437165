// runPareto in-process: the library entry `mbench sweep --plot` calls, and the bad-input paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../src/errors.js';
import { runPareto } from '../../src/pareto/run.js';
import { realisticRuns, tempRoot, writeSweep } from './synthetic.js';

const sweepRoot = () => {
  const root = tempRoot();
  writeSweep(root, 'demo', realisticRuns());
  return root;
};

const rejects = async (p: Promise<unknown>, re: RegExp) =>
  assert.rejects(p, (e: Error) => {
    assert.ok(e instanceof UserError, `a UserError, not ${e.name}: ${e.message}`);
    assert.match(e.message, re);
    return true;
  });

test('unknown --x or --y: errors naming the flag and the choices', async () => {
  const root = sweepRoot();
  await rejects(runPareto({ resultsDir: root, x: 'days' }), /--x 'days' is not an axis; use one of: hours, cost, tokens, flops/);
  await rejects(runPareto({ resultsDir: root, y: 'glue' }), /--y 'glue' is neither 'score' nor a task .*use one of: score, mlm-accuracy, mlm-loss, acceptability, continuation, sentiment, spam/);
  await rejects(runPareto({ resultsDir: root, rules: ['oops'] }), /--rule 'oops' is not LABEL=SCORE/);
});

test('a reference CSV with wrong columns fails before anything is written, naming the line', async () => {
  const root = sweepRoot();
  const ref = join(root, 'ref.csv');
  writeFileSync(ref, 'recipe,time,score\nBERT,1,0.7\nBERT,2\n');
  await rejects(runPareto({ resultsDir: root, reference: ref, csv: true }), /ref\.csv:3: has 2 fields, the header has 3/);
  assert.ok(!existsSync(join(root, 'demo', 'pareto')));
});

test('files go to --out, are replaced on a rerun, and no temp files are left', async () => {
  const root = sweepRoot();
  const out = join(root, 'elsewhere');
  const first = await runPareto({ resultsDir: root, csv: true, json: true, outDir: out });
  assert.deepEqual(readdirSync(out).sort(), ['aggregates.csv', 'pareto.json', 'runs.csv']);
  assert.equal(first.files.length, 3);
  writeFileSync(join(out, 'runs.csv'), 'stale');
  const second = await runPareto({ resultsDir: root, csv: true, outDir: out, x: 'cost' });
  assert.notEqual(readFileSync(join(out, 'runs.csv'), 'utf8'), 'stale');
  assert.equal(second.report.x, 'cost');
  assert.deepEqual(readdirSync(out).sort(), ['aggregates.csv', 'pareto.json', 'runs.csv']);
  // no format asked: tables only, nothing written
  const none = await runPareto({ resultsDir: root });
  assert.equal(none.outDir, null);
  assert.match(none.text, /Speedup vs bert/);
});

test('reference points alone: works without runs, and a reference recipe can be the baseline', async () => {
  const root = tempRoot();
  const ref = join(root, 'published.csv');
  writeFileSync(ref, 'recipe,time,score\nBERT-Base,1,70\nBERT-Base,2,75\nBERT-Base,4,79.6\nMosaicBERT-Base,0.5,72\nMosaicBERT-Base,1.1,79.6\n');
  const r = await runPareto({ resultsDir: join(root, 'results'), reference: ref, baseline: 'BERT-Base', levels: [78], json: true });
  assert.equal(r.outDir, join(root, 'results', 'reference', 'pareto'));
  assert.match(r.warnings.join('\n'), /using the reference points alone/);
  const at = (level: number) => r.report.speedups.find((s) => Math.abs(s.level - level) < 1e-12)!;
  // 79.6: BERT-Base at 4 h, MosaicBERT-Base at 1.1 h → 3.64×
  assert.ok(Math.abs(at(0.796).speedupInterp! - 4 / 1.1) < 1e-9);
  // chosen 78: BERT 2 + (3/4.6)·2 h; Mosaic 0.5 + (6/7.6)·0.6 h
  const bert78 = 2 + (0.03 / 0.046) * 2;
  const mosaic78 = 0.5 + (0.06 / 0.076) * 0.6;
  assert.ok(Math.abs(at(0.78).speedupInterp! - bert78 / mosaic78) < 1e-9);
  assert.equal(at(0.78).levelSource, 'chosen');
});
