import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { probeBackends, resolveAuto, useBackend, type BackendStatus } from '../../src/engine/backends.js';
import { BACKEND_CHOICES, DEFAULT_BACKEND } from '../../src/engine/backend-names.js';
import { BUILTIN_DEFAULTS, RunConfigSchema } from '../../src/config/run-config.js';
import { TRAINING_DEFAULTS } from '../../src/train/defaults.js';

const machine = (nativeAvailable: boolean) => async (name: string): Promise<BackendStatus> =>
  name === 'native'
    ? { name: 'native', available: nativeAvailable, detail: nativeAvailable ? 'mbench native addon' : 'not built: build the native addon' }
    : { name: name as BackendStatus['name'], available: true, detail: '' };

test('auto resolves to native when the addon loads, else to wasm, and says why', async () => {
  assert.deepEqual(await resolveAuto(machine(true)), { name: 'native', why: 'auto: the native addon is built' });
  const without = await resolveAuto(machine(false));
  assert.equal(without.name, 'wasm');
  assert.match(without.why, /native unavailable \(not built/);
  // A loader that throws (an addon that crashes on load) also falls back to wasm.
  const broken = await resolveAuto(async () => {
    throw new Error('undefined symbol: cblas_sgemm');
  });
  assert.deepEqual(broken, { name: 'wasm', why: 'auto: native unavailable (undefined symbol: cblas_sgemm)' });
});

test('auto is the default for pretrain, fine-tune and sweeps, and a sweep accepts it', () => {
  assert.equal(DEFAULT_BACKEND, 'auto');
  assert.equal(TRAINING_DEFAULTS.backend, 'auto');
  assert.equal(BUILTIN_DEFAULTS.backend, 'auto');
  assert.ok((BACKEND_CHOICES as readonly string[]).includes('auto'));
  const parsed = RunConfigSchema.partial().safeParse({ backend: 'auto' });
  assert.ok(parsed.success);
  assert.equal(RunConfigSchema.partial().safeParse({ backend: 'automatic' }).success, false);
});

test("useBackend('auto') activates what this machine has and records the choice", async () => {
  const native = (await probeBackends()).find((s) => s.name === 'native')!;
  const active = await useBackend('auto');
  assert.equal(active.name, native.available ? 'native' : 'wasm');
  assert.equal(tf.getBackend(), active.name);
  assert.equal(active.requested, 'auto');
  assert.match(active.reason!, /^auto: /);
  if (process.env['MBENCH_NATIVE_REQUIRED'] === '1') assert.equal(active.name, 'native');
  const named = await useBackend('wasm');
  assert.deepEqual([named.name, named.requested, named.reason], ['wasm', 'wasm', null]);
});
