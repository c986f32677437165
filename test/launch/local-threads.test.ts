import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { wasmThreadsPerRun } from '../../src/launch/localExecutor.js';

test('local runs split the cores: each child gets cores / concurrency wasm threads unless the user chose', () => {
  const cores = availableParallelism();
  assert.deepEqual(wasmThreadsPerRun(1, {}), { MBENCH_WASM_THREADS: String(Math.min(8, cores)) });
  assert.deepEqual(wasmThreadsPerRun(cores, {}), { MBENCH_WASM_THREADS: '1' });
  assert.deepEqual(wasmThreadsPerRun(4 * cores, {}), { MBENCH_WASM_THREADS: '1' });
  assert.deepEqual(wasmThreadsPerRun(1, { MBENCH_WASM_THREADS: '1' }), {});
});

test('the executor’s thread cap is the wasm backend’s (repeated there to keep tfjs out of the sweep process)', async () => {
  const engine = await import('../../src/engine/wasm-threads.js');
  const executor = await import('../../src/launch/localExecutor.js');
  assert.equal(executor.MAX_WASM_THREADS, engine.MAX_WASM_THREADS);
});
