// A `0ba` run through the real runner, as a sweep runs it: no pretraining step, the initial weights evaluated
// on the full held-out set and fine-tuned, a summary at x = 0 — and a sweep without fine-tuning refuses 0ba.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { createEncoder } from '../../src/model/encoder.js';
import { latestCheckpoint, readCheckpoint } from '../../src/train/checkpoint.js';
import { repoRoot } from '../../src/version.js';
import { writeTinyGlue } from '../data/glue-files.js';

const root = mkdtempSync(join(tmpdir(), 'mbench-0ba-'));
process.once('exit', () => rmSync(root, { recursive: true, force: true }));

const mbench = (...args: string[]) =>
  spawnSync(process.execPath, [join(repoRoot, 'bin/mbench.js'), ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, CI: 'true' } });

function sweepFile(name: string, finetune: string | null): string {
  const file = join(root, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `name: ${name}`,
      'baseline: bert',
      'defaults: { recipe: bert, size: tiny, seqLen: 32, batchSize: 4, backend: wasm, corpus: default, evalSamples: 48 }',
      'matrix:',
      '  duration: [0ba, 2ba]',
      ...(finetune ? [finetune] : []),
      '',
    ].join('\n'),
  );
  return file;
}

test('a 0ba run trains nothing, scores its initial weights on the held-out set and fine-tunes them', async () => {
  const glue = join(root, 'glue');
  writeTinyGlue(glue);
  const file = sweepFile('zero', `finetune: { suite: glue, glueDir: ${JSON.stringify(glue)}, tasks: [sst2], seeds: [1], epochs: 1 }`);
  const results = join(root, 'results');
  const r = mbench('sweep', file, '--results', results);
  assert.equal(r.status, 0, r.stderr);
  const dirs = readdirSync(join(results, 'zero')).filter((d) => existsSync(join(results, 'zero', d, 'summary.json')));
  const summaries = dirs.map((d) => ({ dir: join(results, 'zero', d), s: JSON.parse(readFileSync(join(results, 'zero', d, 'summary.json'), 'utf8')) }));
  const zero = summaries.find((x) => x.s.config.duration === '0ba')!;
  const two = summaries.find((x) => x.s.config.duration === '2ba')!;
  assert.ok(zero && two, 'both runs finished');

  assert.deepEqual([zero.s.pretrain.steps, zero.s.pretrain.tokens, zero.s.pretrain.wallSeconds, zero.s.pretrain.flops, zero.s.costUsd ?? 0], [0, 0, 0, 0, 0]);
  assert.equal(typeof zero.s.pretrain.evalAccuracy, 'number');
  assert.ok(zero.s.pretrain.evalLoss > two.s.pretrain.evalLoss - 1 && Number.isFinite(zero.s.pretrain.evalLoss));
  assert.equal(typeof zero.s.score, 'number', 'the random-init point is fine-tuned');
  assert.equal(zero.s.finetune.tasks.sst2.perSeed.length, 1);

  // Only the full evaluation, at step 0, on as many masked tokens as the 2-step run's final one (same held-out set).
  const evals = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((m) => m.kind === 'eval');
  const [e0] = evals(zero.dir);
  assert.deepEqual([e0.step, e0.set, e0.trainSeconds, e0.tokensSeen], [0, 'full', 0, 0]);
  assert.equal(e0.maskedTokens, evals(two.dir).at(-1).maskedTokens);
  assert.equal(readFileSync(join(zero.dir, 'metrics.jsonl'), 'utf8').includes('"kind":"train"'), false, 'no training step');

  // The step-0 checkpoint holds exactly the initial weights of the run's seed.
  await useBackend('wasm');
  const ckpt = latestCheckpoint(join(zero.dir, 'checkpoints'))!;
  assert.equal(ckpt.step, 0);
  const { header, arrays } = readCheckpoint(ckpt.path);
  const fresh = createEncoder(header.model, zero.s.seed);
  try {
    const init = await fresh.exportWeights();
    const saved = arrays.filter((a) => a.kind === 'weight');
    assert.equal(saved.length, init.values.size);
    for (const a of saved) assert.deepEqual(Array.from(a.data), Array.from(init.values.get(a.name)!), a.name);
  } finally {
    fresh.dispose();
    tf.disposeVariables();
  }
});

test('0ba in a sweep without fine-tuning is refused before anything runs, naming the file', () => {
  const file = sweepFile('zero-nofinetune', null);
  const results = join(root, 'results-refused');
  const r = mbench('sweep', file, '--results', results);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`${file.replace(/[.]/g, '\\.')}:\\d+:\\d+: .*duration 0ba is a random-init point .*add a finetune: section`));
  assert.equal(existsSync(results), false, 'nothing written');
});
