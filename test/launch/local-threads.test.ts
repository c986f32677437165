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
