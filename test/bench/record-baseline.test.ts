import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadFileError } from '../../src/errors.js';
import { loadBaseline, saveRecord } from '../../bench/record.js';
import type { KernelRecord } from '../../bench/types.js';

const dir = mkdtempSync(join(tmpdir(), 'mbench-kernels-'));
const record: KernelRecord = {
  schemaVersion: 1, backend: 'wasm', device: 'test CPU', mbenchVersion: '0.0.0', gitCommit: null, createdAt: '2026-01-01T00:00:00Z',
  settings: { timeMs: 100, rounds: 2, clock: 'cpu' },
  calibration: { name: 'calibration-matmul', shape: { m: 1 }, medianMs: 2, gflops: 10 },
  cases: [
    { state: 'completed', name: 'layernorm/mini', kernel: 'layernorm', shape: { tokens: 256 }, medianMs: 0.5, gflops: null, gbps: 1, ratioToCalibration: 0.25, samples: { roundRatios: [0.25, 0.26], latencyMs: [0.5, 0.5] } },
    { state: 'errored', name: 'encoder/x', kernel: 'encoder', shape: {}, error: 'no gradient' },
  ],
};

test('a saved record loads back unchanged', () => {
  const path = join(dir, 'baseline-wasm.json');
  saveRecord(path, record);
  assert.deepEqual(loadBaseline(path, 'wasm'), record);
});

test('a baseline from another backend is a clear error naming the file and both backends', () => {
  const path = join(dir, 'baseline-cpu.json');
  saveRecord(path, { ...record, backend: 'cpu' });
  assert.throws(() => loadBaseline(path, 'wasm'), (err: unknown) => {
    assert.ok(err instanceof BadFileError);
    assert.match(err.message, /baseline-cpu\.json: baseline was measured on backend 'cpu', this run uses 'wasm'/);
    return true;
  });
});

test('another schema version, a malformed record, or broken JSON is a clear error', () => {
  const old = join(dir, 'old.json');
  writeFileSync(old, JSON.stringify({ ...record, schemaVersion: 0 }));
  assert.throws(() => loadBaseline(old, 'wasm'), /old\.json: schemaVersion 0 is not 1.*--save-baseline/);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ ...record, cases: [{ state: 'completed', name: 'x' }] }));
  assert.throws(() => loadBaseline(bad, 'wasm'), /bad\.json: not a kernel record: cases\.0\.kernel/);
  const torn = join(dir, 'torn.json');
  writeFileSync(torn, '{"schemaVersion": 1, "back');
  assert.throws(() => loadBaseline(torn, 'wasm'), /torn\.json: not valid JSON/);
});
