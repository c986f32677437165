/**
 * Pretraining on webgpu (in CI Mesa's software renderer): the same per-step losses as cpu from the same seed for
 * both recipes (the bound: relative difference ≤ 2e-3 per step), and a device lost mid-run — the run
 * stops with a message naming the checkpoint it resumes from, and the rerun resumes there onto the same
 * trajectory as a run that was never interrupted.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { deviceFault } from '../../src/engine/webgpu.js';
import { SyntheticSource } from '../../src/data/synthetic-source.js';
import { TextSource } from '../../src/data/text-source.js';
import { UserError } from '../../src/errors.js';
import { createEncoder } from '../../src/model/encoder.js';
import { readJsonLines } from '../../src/results/atomic.js';
import { listCheckpoints } from '../../src/train/checkpoint.js';
import { pretrain, type PretrainOptions } from '../../src/train/pretrain.js';
import type { MetricsRecord } from '../../src/train/types.js';
import { maxRelativeDifference, webgpuGate } from '../engine/webgpu-gate.js';
import { tinyConfig } from '../model/helpers.js';

const gate = await webgpuGate();

const corpus = Array.from({ length: 30 }, (_, i) =>
  ['the cat sat on the mat today', 'the dog sat on the log', 'a bird flew over the tall tree', 'the fish swam in the pond'][i % 4]!,
);
const source = new TextSource(corpus);
const tmp = (): string => mkdtempSync(join(tmpdir(), 'mbench-webgpu-'));

function options(recipe: 'bert' | 'mosaic', outDir: string, backend: string, over: Partial<PretrainOptions> = {}): PretrainOptions {
  return {
    recipe,
    model: tinyConfig(recipe, {}, source.tokenizer.vocabSize),
    createModel: createEncoder,
    source,
    outDir,
    duration: '6ba',
    seed: 11,
    batchSize: 4,
    seqLen: 12,
    maskRatio: recipe === 'mosaic' ? 0.3 : 0.15,
    peakLr: 5e-3,
    warmup: '1ba',
    evalEvery: 0,
    evalBatches: 1,
    fullEvalSamples: 4,
    checkpointEvery: 0,
    keepCheckpoints: 0,
    backend,
    device: `test ${backend}`,
    peakFlopsPerSecond: null,
    ...over,
  };
}

const trainLosses = (dir: string): number[] =>
  readJsonLines<MetricsRecord>(join(dir, 'metrics.jsonl')).flatMap((r) => (r.kind === 'train' ? [r.loss] : []));

test('6 steps on webgpu take the same losses as on cpu (≤ 2e-3 relative per step), bert and mosaic', { skip: gate.skip }, async () => {
  for (const recipe of ['bert', 'mosaic'] as const) {
    await useBackend('cpu');
    const cpuDir = tmp();
    const cpu = await pretrain(options(recipe, cpuDir, 'cpu'));
    await useBackend('webgpu');
    const gpuDir = tmp();
    const gpu = await pretrain(options(recipe, gpuDir, 'webgpu'));
    const [a, b] = [trainLosses(gpuDir), trainLosses(cpuDir)];
    assert.equal(a.length, 6);
    assert.ok(b[5]! < b[0]!, `${recipe}: the loss falls (${b.join(', ')})`);
    a.forEach((loss, i) => assert.ok(Math.abs(loss - b[i]!) <= 2e-3 * Math.abs(b[i]!), `${recipe} step ${i + 1}: webgpu ${loss} vs cpu ${b[i]}`));
    assert.ok(maxRelativeDifference([gpu.evalLoss!], [cpu.evalLoss!]) <= 2e-3, `${recipe} eval loss ${gpu.evalLoss} vs ${cpu.evalLoss}`);
    assert.equal(gpu.backend, 'webgpu');
  }
});

test('a GPU lost mid-run stops with a message naming the checkpoint; the rerun resumes onto the same trajectory', { skip: gate.skip }, async () => {
  await useBackend('webgpu');
  const fullDir = tmp();
  await pretrain(options('mosaic', fullDir, 'webgpu', { checkpointEvery: 2 }));
  const full = trainLosses(fullDir);

  const dir = tmp();
  await assert.rejects(
    pretrain(options('mosaic', dir, 'webgpu', { checkpointEvery: 2 }), {
      // What a driver reset looks like to the process: the device is gone after step 3 (checkpoint at step 2).
      onProgress: (e) => e.step === 3 && (tf.backend() as unknown as { device: { destroy(): void } }).device.destroy(),
    }),
    (e: Error) => {
      assert.ok(e instanceof UserError, `${e.stack}`);
      assert.match(e.message, /the GPU device was lost at step 4 \(destroyed/);
      assert.match(e.message, /resumes from its last checkpoint, .*step-0+2\.ckpt \(step 2\)/);
      return true;
    },
  );
  assert.equal(deviceFault()?.kind, 'lost');
  assert.deepEqual(listCheckpoints(join(dir, 'checkpoints')).map((c) => c.step), [2], 'nothing written after the loss');

  await useBackend('webgpu'); // a new device (a new process, in a sweep)
  assert.equal(deviceFault(), null);
  let resumedAt = -1;
  const r = await pretrain(options('mosaic', dir, 'webgpu', { checkpointEvery: 2 }), { onResume: (e) => (resumedAt = e.step) });
  assert.equal(resumedAt, 2);
  assert.equal(r.steps, 6);
  const resumed = trainLosses(dir);
  assert.equal(resumed.length, 6);
  resumed.forEach((loss, i) => assert.ok(Math.abs(loss - full[i]!) <= 1e-5 * Math.abs(full[i]!), `step ${i + 1}: resumed ${loss} vs uninterrupted ${full[i]}`));
});

test('work the GPU refuses (MLM logits over its binding-size limit) stops the run at its first step, with nothing written', { skip: gate.skip }, async (t) => {
  await useBackend('webgpu');
  const limit = (tf.backend() as unknown as { device: { limits: Record<string, number> } }).device.limits['maxStorageBufferBindingSize']!;
  // masked tokens × vocabulary × 4 bytes: 32 × 128 × 30% ≈ 1229 rows × 30528 × 4 B ≈ 150 MB
  if (limit > 150e6) return t.skip(`this device binds up to ${(limit / 2 ** 20).toFixed(0)} MiB: the logits fit`);
  const wide = new SyntheticSource(30522);
  const dir = tmp();
  await assert.rejects(
    pretrain({ ...options('mosaic', dir, 'webgpu'), source: wide, model: tinyConfig('mosaic', { maxSeqLen: 128 }, 30522), batchSize: 32, seqLen: 128, duration: '2ba', checkpointEvery: 1 }),
    (e: Error) => e instanceof UserError && /the GPU refused work at step 1: Binding size \(\d+\).*larger than the maximum storage buffer binding size/.test(e.message) && /smaller batchSize/.test(e.message),
  );
  assert.deepEqual(listCheckpoints(join(dir, 'checkpoints')), [], 'no checkpoint of wrong weights');
  assert.ok(!existsSync(join(dir, 'metrics.jsonl')) || trainLosses(dir).length === 0, 'no step logged');
});
