import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildVendorFiles, vendorFiles } from '../../src/engine/vendor.js';
import { vendorDir } from '../../src/version.js';

const run = promisify(execFile);

test('the build writes the gradient bundle and wasm thread files; they work moved to another folder', { timeout: 120_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'mbench-vendor-'));
  try {
    const built = await buildVendorFiles(join(root, 'a'));
    assert.deepEqual(built, vendorFiles(join(root, 'a')));
    assert.match(built.gradients, /tfjs-core-4\.22\.0-gradients\.mjs$/);
    // The worker loads the factory beside itself, not from the folder it was built in.
    const worker = readFileSync(built.wasmWorker, 'utf8');
    assert.ok(!worker.includes(root), 'the worker script names no absolute path');
    assert.equal(worker.split('importScripts(require("path").join(__dirname, "factory.cjs"))').length, 3);
    assert.match(readFileSync(built.wasmFactory, 'utf8'), /globalThis\.WasmBackendModuleThreadedSimd = WasmBackendModuleThreadedSimd;/);

    // Moved: tfjs-core (CommonJS) gains every op's gradient from the bundle, in a fresh process.
    cpSync(join(root, 'a'), join(root, 'b'), { recursive: true });
    const moved = vendorFiles(join(root, 'b'));
    const script = `
      import * as tf from '@tensorflow/tfjs-core';
      const before = tf.getGradient('Neg') !== undefined;
      await import(${JSON.stringify(pathToFileURL(moved.gradients).href)});
      console.log(JSON.stringify({ before, after: ['Neg', 'BatchMatMul', 'Softmax', 'GatherV2'].map((k) => tf.getGradient(k) !== undefined) }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd() });
    assert.deepEqual(JSON.parse(stdout), { before: false, after: [true, true, true, true] });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('run time looks for the vendor files under dist/vendor, named by the installed tfjs versions', () => {
  const files = vendorFiles();
  assert.equal(files.gradients, join(vendorDir, 'tfjs-core-4.22.0-gradients.mjs'));
  assert.equal(files.wasmWorker, join(vendorDir, 'tfjs-wasm-4.22.0-threads', 'pthread-worker.cjs'));
});
