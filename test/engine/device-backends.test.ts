import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { devicePeak, probeBackends, useBackend } from '../../src/engine/backends.js';
import { cpuFacts, deviceInfo, flopsPerCycle, peakOverride } from '../../src/engine/device.js';
import { wasmThreads } from '../../src/engine/wasm-threads.js';
import { UserError } from '../../src/errors.js';

test('peak FLOP/s: SIMD width × 2 ops × 2 pipes per cycle; MBENCH_PEAK_GFLOPS overrides', () => {
  assert.deepEqual([flopsPerCycle('avx512'), flopsPerCycle('avx2'), flopsPerCycle('wasm128')], [64, 32, 16]);
  const facts = cpuFacts();
  const wasm = deviceInfo('wasm');
  const threads = wasmThreads();
  if (facts.ghz !== null) assert.equal(wasm.peakFlopsPerSecond, facts.ghz * 1e9 * 16 * threads);
  assert.match(wasm.device, new RegExp(`${threads} threads?, wasm SIMD128`));
  assert.equal(peakOverride({ MBENCH_PEAK_GFLOPS: '12.5' }), 12.5e9);
  assert.equal(peakOverride({}), null);
  assert.throws(() => peakOverride({ MBENCH_PEAK_GFLOPS: 'fast' }), (e: Error) => e instanceof UserError && /MBENCH_PEAK_GFLOPS/.test(e.message));
  process.env['MBENCH_PEAK_GFLOPS'] = '100';
  try {
    assert.deepEqual([deviceInfo('webgpu').peakFlopsPerSecond, deviceInfo('webgpu').peakSource], [100e9, 'env MBENCH_PEAK_GFLOPS']);
  } finally {
    delete process.env['MBENCH_PEAK_GFLOPS'];
  }
  assert.equal(deviceInfo('webgpu').peakFlopsPerSecond, null);
});

test('useBackend activates wasm and cpu; unknown or missing backends are user errors naming the fix', async () => {
  const wasm = await useBackend('wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(wasm.name, 'wasm');
  await useBackend('cpu');
  assert.equal(tf.getBackend(), 'cpu');
  await assert.rejects(useBackend('wsam'), (e: Error) => e instanceof UserError && /did you mean 'wasm'/.test(e.message));
  const statuses = await probeBackends();
  assert.deepEqual(statuses.map((s) => s.name), ['wasm', 'cpu', 'tensorflow', 'webgpu', 'native']);
  for (const s of statuses.filter((x) => !x.available && (x.name === 'tensorflow' || x.name === 'webgpu'))) {
    // missing packages name the npm command; webgpu with no adapter names the driver and the apt packages
    await assert.rejects(useBackend(s.name), (e: Error) => e instanceof UserError && /npm install|apt install|GPU driver/.test(e.message));
  }
});

test('native measures its own peak (FMA chains on its threads) as the MFU denominator; MBENCH_PEAK_GFLOPS still wins', async (t) => {
  const native = (await probeBackends()).find((s) => s.name === 'native');
  if (!native?.available) return t.skip(`native addon not built: ${native?.detail}`);
  const measured = await devicePeak('native');
  assert.equal(measured.peakSource, 'measured');
  // At least one FMA per cycle per thread at 1 GHz, and no more than 2 × 16 lanes × 2 FLOPs × 6 GHz per core.
  const cores = cpuFacts().cores;
  assert.ok(measured.peakFlopsPerSecond! > 1e9 && measured.peakFlopsPerSecond! < cores * 64 * 6e9, `${measured.peakFlopsPerSecond}`);
  assert.notEqual(deviceInfo('native').peakSource, 'measured', 'deviceInfo alone estimates; only devicePeak measures');
  process.env['MBENCH_PEAK_GFLOPS'] = '100';
  try {
    assert.deepEqual([(await devicePeak('native')).peakFlopsPerSecond, (await devicePeak('native')).peakSource], [100e9, 'env MBENCH_PEAK_GFLOPS']);
  } finally {
    delete process.env['MBENCH_PEAK_GFLOPS'];
  }
});
