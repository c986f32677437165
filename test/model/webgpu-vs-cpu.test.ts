/**
 * The model on webgpu (tfjs-backend-webgpu on Dawn; in CI Mesa's software renderer): the same loss and gradients as
 * cpu for both recipes, the kernels against the plain-ops reference, and padded against unpadded — the checks the
 * cpu/wasm suites make, with asynchronous reads. Tiny shapes: the software device compiles every shader on the CPU.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { createEncoder } from '../../src/model/encoder.js';
import { naiveMlmLoss } from '../../src/model/reference.js';
import type { MlmBatch } from '../../src/model/types.js';
import { values, webgpuGate } from '../engine/webgpu-gate.js';
import { makeBatch, tinyConfig } from './helpers.js';

const gate = await webgpuGate();

/** [loss, ...gradients in weight order] of `lossFn`, read back as plain arrays. */
async function lossAndGrads(weights: readonly { variable: tf.Variable }[], lossFn: () => tf.Scalar): Promise<Float32Array[]> {
  const vars = weights.map((w) => w.variable);
  const { value, grads } = tf.variableGrads(lossFn, vars);
  const out = await Promise.all([value, ...vars.map((v) => grads[v.name]!)].map(values));
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

/** Each array within `tol` of its largest reference value (plus 1e-6 for all-zero gradients), as the cpu tests do. */
function assertAllClose(got: Float32Array[], want: Float32Array[], tol: number, what: string): void {
  assert.equal(got.length, want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    let worst = 0;
    let scale = 0;
    for (let k = 0; k < w.length; k++) {
      worst = Math.max(worst, Math.abs(g[k]! - w[k]!));
      scale = Math.max(scale, Math.abs(w[k]!));
    }
    assert.equal(g.length, w.length);
    assert.ok(worst <= 1e-6 + tol * scale, `${what} ${i === 0 ? 'loss' : `gradient ${i - 1}`}: max difference ${worst} (scale ${scale})`);
  });
}

const batch: MlmBatch = makeBatch([16, 7, 2], 16, 50, 6);

test('webgpu matches cpu: loss and every gradient, both recipes, with dropout', { skip: gate.skip }, async () => {
  for (const recipe of ['bert', 'mosaic'] as const) {
    const run = async (): Promise<Float32Array[]> => {
      const m = createEncoder(tinyConfig(recipe), 4);
      try {
        return await lossAndGrads(m.weights, () => m.mlmLoss(batch, 3).loss);
      } finally {
        m.dispose();
      }
    };
    await useBackend('cpu');
    const cpu = await run();
    await useBackend('webgpu');
    const gpu = await run();
    assert.ok(cpu[0]![0]! > 1, `${recipe}: a real loss (${cpu[0]![0]})`);
    assertAllClose(gpu, cpu, 1e-3, recipe);
  }
});

test('webgpu: the kernels-based model matches the plain-ops reference (loss and all gradients)', { skip: gate.skip }, async () => {
  await useBackend('webgpu');
  for (const recipe of ['bert', 'mosaic'] as const) {
    const m = createEncoder(tinyConfig(recipe), 21);
    const b = makeBatch([12, 16, 3], 16, 50, 9);
    const fast = await lossAndGrads(m.weights, () => m.mlmLoss(b, null).loss);
    const slow = await lossAndGrads(m.weights, () => naiveMlmLoss(m, b, null));
    m.dispose();
    assertAllClose(fast, slow, 1e-3, recipe);
  }
});

test('webgpu: unpadded and padded encoders give the same MLM loss and gradients', { skip: gate.skip }, async () => {
  await useBackend('webgpu');
  const b = makeBatch([16, 5, 11, 1], 16, 50, 3);
  const padded = createEncoder(tinyConfig('mosaic', { unpad: false }), 5);
  const unpadded = createEncoder(tinyConfig('mosaic', { unpad: true }), 5);
  const p = await lossAndGrads(padded.weights, () => padded.mlmLoss(b, null).loss);
  const u = await lossAndGrads(unpadded.weights, () => unpadded.mlmLoss(b, null).loss);
  padded.dispose();
  unpadded.dispose();
  assertAllClose(u, p, 1e-3, 'unpadded vs padded');
});
