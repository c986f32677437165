import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { rowMax, rowSum } from '../../kernels/wasm-xent-rows.js';
import { randomTensor } from './helpers.js';

test('wasm rowMax equals a plain maximum on ragged widths, with NaN and −inf rows', async () => {
  await useBackend('wasm');
  for (const cols of [1, 3, 4, 5, 16, 17, 35, 1000]) {
    const rows = 5;
    const x = randomTensor([rows, cols], cols, 50).dataSync().slice();
    x.fill(-Infinity, 0, cols); // row 0: all −inf
    if (cols > 2) x[2 * cols + cols - 1] = Number.NaN; // row 2: NaN in the scalar tail or the vector part
    x[3 * cols + Math.floor(cols / 2)] = 1e30; // row 3: a large value somewhere in the middle
    const got = tf.tidy(() => rowMax(tf.tensor2d(x, [rows, cols])).dataSync().slice());
    for (let r = 0; r < rows; r++) {
      const row = Array.from(x.subarray(r * cols, (r + 1) * cols));
      const want = row.some(Number.isNaN) ? Number.NaN : Math.max(...row);
      assert.ok(Object.is(got[r], Math.fround(want)), `cols ${cols}, row ${r}: ${got[r]} vs ${want}`);
    }
  }
  await useBackend('cpu');
});

test('wasm rowSum equals a float64 sum within float32 rounding, on ragged widths', async () => {
  await useBackend('wasm');
  for (const cols of [1, 3, 4, 5, 16, 17, 35, 1194]) {
    const rows = 4;
    const x = randomTensor([rows, cols], 100 + cols, 3).dataSync().slice() as Float32Array;
    const got = tf.tidy(() => rowSum(tf.tensor2d(x, [rows, cols])).dataSync().slice());
    for (let r = 0; r < rows; r++) {
      const row = x.subarray(r * cols, (r + 1) * cols);
      const want = row.reduce((s, v) => s + v, 0);
      const scale = row.reduce((s, v) => s + Math.abs(v), 0);
      assert.ok(Math.abs(got[r]! - want) <= 1e-6 * scale + 1e-7, `cols ${cols}, row ${r}: ${got[r]} vs ${want}`);
    }
  }
  await useBackend('cpu');
});

test('the committed wasm kernels are what kernels/wasm/kernels.c builds to', (t) => {
  const clang = spawnSync('sh', ['-c', 'command -v clang-14 || command -v clang'], { encoding: 'utf8' }).stdout.trim();
  const wasmLd = spawnSync('sh', ['-c', 'command -v wasm-ld-14 || command -v wasm-ld'], { encoding: 'utf8' }).stdout.trim();
  if (!clang || !wasmLd) {
    assert.notEqual(process.env['CI'], 'true', 'CI must install clang-14 and lld-14 (see .ci/run)');
    t.skip('clang and wasm-ld are not installed (apt-get install clang-14 lld-14)');
    return;
  }
  const out = execFileSync('bash', ['scripts/build-wasm-kernels.sh', '--check'], { encoding: 'utf8' });
  assert.match(out, /match/);
});
