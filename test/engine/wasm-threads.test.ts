import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { MAX_WASM_THREADS, wasmThreadCount } from '../../src/engine/wasm-threads.js';
import { UserError } from '../../src/errors.js';

const run = promisify(execFile);

test('MBENCH_WASM_THREADS, else SLURM_CPUS_PER_TASK, else the cores; bad values are user errors', () => {
  assert.equal(wasmThreadCount({ MBENCH_WASM_THREADS: '3' }), 3);
  assert.equal(wasmThreadCount({ MBENCH_WASM_THREADS: '1', SLURM_CPUS_PER_TASK: '4' }), 1);
  assert.equal(wasmThreadCount({ SLURM_CPUS_PER_TASK: '4' }), 4);
  assert.equal(wasmThreadCount({ SLURM_CPUS_PER_TASK: '64' }), MAX_WASM_THREADS);
  assert.ok(wasmThreadCount({}) >= 1);
  for (const bad of ['0', '9', '1.5', 'all'])
    assert.throws(() => wasmThreadCount({ MBENCH_WASM_THREADS: bad }), (e: Error) => e instanceof UserError && e.message.includes(`'${bad}'`));
});

// One forward + backward of the mosaic encoder (attention, GeGLU, MLM head) in a child process: the threaded
// build must start under Node, give the same numbers as the single-threaded build bit for bit, and let the
// process exit on its own (the pool's workers must not hold the event loop open).
const script = `
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './src/engine/backends.ts';
import { createEncoder } from './src/model/encoder.ts';
import { buildModelConfig } from './src/model/recipes.ts';
const active = await useBackend('wasm');
const config = buildModelConfig({ recipe: 'mosaic', size: 'tiny', vocabSize: 512 });
const model = createEncoder(config, 1);
const [B, T] = [4, 32];
const inputIds = Int32Array.from({ length: B * T }, (_, i) => (i * 7919) % 500 + 5);
const attentionMask = Uint8Array.from({ length: B * T }, (_, i) => (i % T < T - 3 * (i / T | 0) ? 1 : 0));
const labels = Int32Array.from({ length: B * T }, (_, i) => (i % 3 === 0 && attentionMask[i] ? inputIds[i] : -100));
const vars = model.weights.map((w) => w.variable);
const { value, grads } = tf.variableGrads(() => model.mlmLoss({ batchSize: B, seqLen: T, inputIds, attentionMask, labels }, 7).loss, vars);
const sums = Object.values(grads).map((g) => tf.sum(tf.abs(g)).dataSync()[0]);
console.log(JSON.stringify({ device: active.device, loss: value.dataSync()[0], sums }));
`;

test('threaded wasm: starts under Node, equals one thread bit for bit, exits by itself', { timeout: 120_000 }, async () => {
  const child = async (threads: number) => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, MBENCH_WASM_THREADS: String(threads) },
      timeout: 90_000,
    });
    return JSON.parse(stdout.trim().split('\n').pop()!) as { device: string; loss: number; sums: number[] };
  };
  const [one, two] = [await child(1), await child(2)];
  assert.match(one.device, /1 thread, wasm/);
  assert.match(two.device, /2 threads, wasm/);
  assert.ok(Number.isFinite(one.loss) && one.loss > 0);
  assert.equal(two.loss, one.loss);
  assert.deepEqual(two.sums, one.sums);
});
