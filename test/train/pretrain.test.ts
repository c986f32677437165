import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { pretrain, type PretrainOptions } from '../../src/train/pretrain.js';
import { TextSource } from '../../src/data/text-source.js';
import { listCheckpoints } from '../../src/train/checkpoint.js';
import { readJsonLines } from '../../src/results/atomic.js';
import type { MetricsRecord } from '../../src/train/types.js';
import { BadFileError, UserError } from '../../src/errors.js';
import { createStandIn, standInConfig } from './stand-in-model.js';

await tf.setBackend('cpu');

const corpus = Array.from({ length: 40 }, (_, i) =>
  ['the cat sat on the mat', 'the dog sat on the log', 'a bird flew over the tree', 'the fish swam in the pond'][i % 4]!,
);
const source = new TextSource(corpus);
const tmp = (): string => mkdtempSync(join(tmpdir(), 'mbench-train-'));

function options(outDir: string, over: Partial<PretrainOptions> = {}): PretrainOptions {
  return {
    recipe: 'stand-in',
    model: standInConfig(source.tokenizer.vocabSize),
    createModel: createStandIn,
    source,
    outDir,
    duration: '30ba',
    seed: 7,
    batchSize: 8,
    seqLen: 12,
    maskRatio: 0.3,
    peakLr: 2e-2,
    evalEvery: 10,
    evalBatches: 2,
    checkpointEvery: 10,
    keepCheckpoints: 0,
    backend: 'cpu',
    device: 'test cpu',
    peakFlopsPerSecond: 1e9,
    ...over,
  };
}

const trainLosses = (dir: string): number[] =>
  readJsonLines<MetricsRecord>(join(dir, 'metrics.jsonl')).flatMap((r) => (r.kind === 'train' ? [r.loss] : []));

test('loss falls on a tiny repetitive corpus; the result adds up', async () => {
  const dir = tmp();
  const r = await pretrain(options(dir, { duration: '60ba', evalEvery: 0 }));
  const losses = trainLosses(dir);
  assert.equal(losses.length, 60);
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(mean(losses.slice(-10)) < 0.6 * mean(losses.slice(0, 10)), `first ${mean(losses.slice(0, 10))} last ${mean(losses.slice(-10))}`);
  assert.equal(r.steps, 60);
  assert.equal(r.samples, 480);
  assert.ok(r.tokens > 0 && r.tokens < 480 * 12, 'real tokens only');
  assert.ok(r.wallSeconds > 0 && Math.abs(r.tokensPerSecond - r.tokens / r.wallSeconds) < 1e-6);
  assert.equal(r.flops, 60 * 6 * 16 * 16 * 8 * 12);
  assert.ok(Math.abs(r.mfu! - r.flops / r.wallSeconds / 1e9) < 1e-12);
  assert.ok(r.evalLoss !== null && r.evalAccuracy !== null && r.evalAccuracy > 0);
  assert.equal(r.finalLoss, losses[59]);
});

test('same seed → same run; another seed → another run', async () => {
  const [a, b, c] = [tmp(), tmp(), tmp()];
  await pretrain(options(a, { duration: '12ba' }));
  await pretrain(options(b, { duration: '12ba' }));
  await pretrain(options(c, { duration: '12ba', seed: 8 }));
  assert.deepEqual(trainLosses(a), trainLosses(b));
  assert.notDeepEqual(trainLosses(a), trainLosses(c));
});

test('an interrupted run resumes on the same trajectory and ends at the same step', async () => {
  const [whole, split] = [tmp(), tmp()];
  const full = await pretrain(options(whole));
  const ctl = new AbortController();
  await assert.rejects(
    pretrain(options(split), { onProgress: (e) => e.step === 13 && ctl.abort(), signal: ctl.signal }),
    (e: unknown) => e instanceof UserError && /interrupted at step 13/.test(e.message),
  );
  // Simulate a kill after the checkpoint: two more metric lines, the last one torn.
  writeFileSync(join(split, 'metrics.jsonl'), readFileSync(join(split, 'metrics.jsonl'), 'utf8') + '{"kind":"train","step":14,"loss":1}\n{"kind":"tr');
  let resumedAt = -1;
  const resumed = await pretrain(options(split), { onResume: (e) => (resumedAt = e.step) });
  assert.equal(resumedAt, 13);
  assert.equal(resumed.steps, full.steps);
  assert.equal(resumed.tokens, full.tokens);
  const [x, y] = [trainLosses(whole), trainLosses(split)];
  assert.equal(y.length, 30);
  x.forEach((l, i) => assert.ok(Math.abs(l - y[i]!) < 1e-5, `step ${i + 1}: ${l} vs ${y[i]}`));
  assert.ok(Math.abs(resumed.evalLoss! - full.evalLoss!) < 1e-5);
  // Rerunning a finished run trains nothing and reports the same result.
  const again = await pretrain(options(split));
  assert.equal(again.steps, 30);
  assert.equal(trainLosses(split).length, 30);
});

test('no tensor leaks across steps', async () => {
  const counts: number[] = [];
  await pretrain(options(tmp(), { duration: '8ba', evalEvery: 2 }), { onProgress: () => counts.push(tf.memory().numTensors) });
  assert.ok(counts.slice(2).every((n) => n === counts[1]), `numTensors per step: ${counts.join(' ')}`);
});

test('a checkpoint from another model config or tokenizer is refused, nothing overwritten', async () => {
  const dir = tmp();
  await pretrain(options(dir, { duration: '10ba' }));
  const before = readdirSync(join(dir, 'checkpoints')).map((f) => [f, statSync(join(dir, 'checkpoints', f)).mtimeMs]);
  const metricsBefore = readFileSync(join(dir, 'metrics.jsonl'), 'utf8');
  await assert.rejects(
    pretrain(options(dir, { duration: '10ba', model: standInConfig(source.tokenizer.vocabSize, 8) })),
    (e: unknown) => e instanceof BadFileError && /step-00000010\.ckpt/.test(e.message) && /model\.hidden: checkpoint 16 ≠ now 8/.test(e.message),
  );
  const other = new TextSource([...corpus, 'a whale sang in the sea']);
  await assert.rejects(
    pretrain(options(dir, { duration: '10ba', source: other, model: standInConfig(other.tokenizer.vocabSize) })),
    (e: unknown) => e instanceof BadFileError && /tokenizer/.test(e.message),
  );
  assert.deepEqual(readdirSync(join(dir, 'checkpoints')).map((f) => [f, statSync(join(dir, 'checkpoints', f)).mtimeMs]), before);
  assert.equal(readFileSync(join(dir, 'metrics.jsonl'), 'utf8'), metricsBefore);
});

test('a truncated checkpoint is an error naming the file', async () => {
  const dir = tmp();
  await pretrain(options(dir, { duration: '10ba' }));
  const ckpt = listCheckpoints(join(dir, 'checkpoints')).at(-1)!.path;
  truncateSync(ckpt, statSync(ckpt).size - 100);
  await assert.rejects(pretrain(options(dir, { duration: '10ba' })), (e: unknown) => e instanceof BadFileError && e.message.includes(ckpt) && /truncated/.test(e.message));
});

test('a damaged newest checkpoint is moved aside and the run resumes from the one before, to the same end', async () => {
  const whole = tmp();
  await pretrain(options(whole, { duration: '20ba' }));
  const dir = tmp();
  await pretrain(options(dir, { duration: '20ba' }));
  const [, last] = listCheckpoints(join(dir, 'checkpoints'));
  assert.equal(last!.step, 20);
  // a flipped byte in the newest checkpoint's data, and the metrics of an unfinished run (no result yet)
  const bytes = readFileSync(last!.path);
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
  writeFileSync(last!.path, bytes);
  const resumes: Array<{ step: number; skipped: string[] }> = [];
  const r = await pretrain(options(dir, { duration: '20ba' }), { onResume: (e) => resumes.push({ step: e.step, skipped: e.skipped }) });
  assert.equal(resumes.length, 1);
  assert.equal(resumes[0]!.step, 10);
  assert.match(resumes[0]!.skipped.join(), /step-00000020\.ckpt: corrupt checkpoint \(checksum mismatch in the tensor data\) \(moved to step-00000020\.ckpt\.bad\)/);
  assert.ok(readdirSync(join(dir, 'checkpoints')).includes('step-00000020.ckpt.bad'));
  assert.equal(r.steps, 20);
  assert.deepEqual(trainLosses(dir), trainLosses(whole));
});

test('a wall-clock duration stops on measured training time', async () => {
  const dir = tmp();
  const r = await pretrain(options(dir, { duration: '0.3s', evalEvery: 0, checkpointEvery: 0 }));
  assert.ok(r.wallSeconds >= 0.3 && r.steps > 1);
  assert.equal(trainLosses(dir).length, r.steps);
});

test('a signal from outside the loop (a timer, as a Ctrl-C handler would be) stops training within a step', { timeout: 60_000 }, async () => {
  const dir = tmp();
  const ctl = new AbortController();
  let steps = 0;
  setTimeout(() => ctl.abort('SIGTERM'), 300);
  await assert.rejects(
    pretrain(options(dir, { duration: '100000ba', evalEvery: 0, checkpointEvery: 0 }), { signal: ctl.signal, onProgress: (e) => (steps = e.step) }),
    (e: unknown) => e instanceof UserError && e.exitCode === 143 && new RegExp(`interrupted at step ${steps};`).test(e.message),
  );
  assert.ok(steps > 0 && steps < 100000, `stopped at step ${steps}`);
  // the checkpoint it wrote on the way out resumes it
  assert.equal(listCheckpoints(join(dir, 'checkpoints')).at(-1)!.step, steps);
});
