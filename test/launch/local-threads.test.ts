import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { loadSweep } from '../../src/config/expand.js';
import type { PlannedRun } from '../../src/launch/executor.js';
import { allowedCpus, coresForSlot, defaultConcurrency, longestFirst, threadsPerRun } from '../../src/launch/local-executor.js';

test('local runs split the cores: each child gets cores / concurrency wasm and native threads unless the user chose', () => {
  assert.deepEqual(threadsPerRun(1, {}, 2), { MBENCH_WASM_THREADS: '2', MBENCH_NATIVE_THREADS: '2' });
  assert.deepEqual(threadsPerRun(2, {}, 2), { MBENCH_WASM_THREADS: '1', MBENCH_NATIVE_THREADS: '1' });
  assert.deepEqual(threadsPerRun(8, {}, 2), { MBENCH_WASM_THREADS: '1', MBENCH_NATIVE_THREADS: '1' });
  assert.deepEqual(threadsPerRun(1, {}, 32), { MBENCH_WASM_THREADS: '8', MBENCH_NATIVE_THREADS: '32' });
  assert.deepEqual(threadsPerRun(1, { MBENCH_WASM_THREADS: '1' }, 2), { MBENCH_NATIVE_THREADS: '2' });
  assert.deepEqual(threadsPerRun(1, { MBENCH_WASM_THREADS: '1', MBENCH_NATIVE_THREADS: '3' }, 2), {});
});

test('Cpus_allowed_list parses into CPU ids (ranges and single CPUs)', () => {
  assert.deepEqual(allowedCpus('Name:\tnode\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n'), [0, 1]);
  assert.deepEqual(allowedCpus('Cpus_allowed_list:\t2-4,7,9-10\n'), [2, 3, 4, 7, 9, 10]);
  assert.equal(allowedCpus('Name:\tnode\n'), null);
  assert.equal(allowedCpus(null), null);
});

test('each slot of the pool runs on its own CPUs, so runs going at once never share a core', () => {
  const pinned = existsSync('/usr/bin/taskset') || existsSync('/bin/taskset');
  if (!pinned) return assert.equal(coresForSlot(0, 2, [0, 1], {}), null);
  assert.deepEqual([coresForSlot(0, 2, [0, 1], {}), coresForSlot(1, 2, [0, 1], {})], [[0], [1]]);
  assert.deepEqual([coresForSlot(0, 2, [4, 5, 6, 7], {}), coresForSlot(1, 2, [4, 5, 6, 7], {})], [[4, 5], [6, 7]]);
  assert.deepEqual(coresForSlot(0, 1, [2, 3], {}), [2, 3]);
  // 3 slots on 4 CPUs: one each, the 4th unused rather than shared unevenly.
  assert.deepEqual([0, 1, 2].map((s) => coresForSlot(s, 3, [0, 1, 2, 3], {})), [[0], [1], [2]]);
  assert.equal(coresForSlot(0, 3, [0, 1], {}), null, 'more runs than CPUs: no pinning');
  assert.equal(coresForSlot(0, 2, [0, 1], { MBENCH_PIN: '0' }), null);
});

test('the executor’s thread cap is the wasm backend’s (repeated there to keep tfjs out of the sweep process)', async () => {
  const engine = await import('../../src/engine/wasm-threads.js');
  const executor = await import('../../src/launch/local-executor.js');
  assert.equal(executor.MAX_WASM_THREADS, engine.MAX_WASM_THREADS);
});

test('the local pool starts the longest runs first (training FLOPs), unknown lengths before them, ties in plan order', () => {
  const plan = loadSweep('sweeps/quickstart.yaml');
  const planned: PlannedRun[] = plan.runs.map((spec) => ({ spec, dir: `/nonexistent/${spec.id}` }) as PlannedRun);
  const order = longestFirst(planned).map((r) => `${r.spec.config.recipe}-${r.spec.config.duration}-s${r.spec.seed}`);
  // mosaic's GeGLU and 30% masking make its steps dearer than bert's: its 512-step runs lead.
  assert.deepEqual(order.slice(0, 6), ['mosaic-512ba-s1', 'mosaic-512ba-s2', 'mosaic-512ba-s3', 'bert-512ba-s1', 'bert-512ba-s2', 'bert-512ba-s3']);
  assert.deepEqual(order.slice(-6).map((n) => n.replace(/-s\d$/, '')), Array(3).fill('bert-0ba').concat(Array(3).fill('mosaic-0ba')).sort());
  assert.equal(order.length, planned.length);
  const mock = { ...planned[0]!, spec: { ...planned[0]!.spec, runner: 'mock' as const } };
  assert.equal(longestFirst([...planned, mock])[0], mock, 'a run of unknown length goes first');
});

test('the default pool gives each run a core per device: runs on 2 devices go 4 at a time on 8 cores', () => {
  const runs = (devices: number, backend = 'native', n = 6) => Array.from({ length: n }, () => ({ spec: { runner: 'train', devices, config: { backend } }, dir: '' }) as unknown as PlannedRun);
  assert.equal(defaultConcurrency(runs(1), 8), 6);
  assert.equal(defaultConcurrency(runs(2), 8), 4);
  assert.equal(defaultConcurrency(runs(8), 8), 1);
  assert.equal(defaultConcurrency(runs(16), 8), 1);
  assert.equal(defaultConcurrency(runs(1, 'tensorflow'), 8), 1);
});
