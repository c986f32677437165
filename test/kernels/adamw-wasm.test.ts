import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { adamwApply, adamwReferenceStep, DEFAULT_ADAMW, fusedSumSquares, zeroMoments } from '../../kernels/adamw.js';
import { AdamWOptimizer } from '../../src/train/optimizer.js';

// wasm runs the optimizer as two SIMD passes (kernels/wasm-adamw.ts): Σ g² for the norm and a fused AdamW that
// applies the clip factor. Sizes 7 and 10 exercise both the 4-wide body and the scalar tail.
before(async () => {
  await useBackend('wasm');
});

test('wasm: Σ g² equals a float64 sum on ragged sizes', () => {
  const sumSquares = fusedSumSquares('wasm');
  assert.ok(sumSquares, 'wasm registers fused clipping');
  for (const n of [1, 3, 4, 7, 1001]) {
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * (i + 1));
    const want = x.reduce((s, v) => s + v * v, 0);
    const got = tf.tidy(() => sumSquares(tf.tensor1d(x)));
    assert.ok(Math.abs(got - want) <= 1e-12 * want, `n ${n}: ${got} vs ${want}`);
  }
});

test('wasm: the fused AdamW update matches the float64 reference over several steps, gradient scale included', () => {
  const c = { ...DEFAULT_ADAMW, weightDecay: 0.01 };
  for (const shape of [[2, 5], [7]]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const init = Array.from({ length: n }, (_, i) => Math.cos(i) * 0.8);
    const p = tf.variable(tf.tensor(init, shape));
    const s = zeroMoments(p);
    const [rp, rm, rv] = [[...init], new Array(n).fill(0), new Array(n).fill(0)];
    const before = tf.memory().numTensors;
    for (let t = 1; t <= 4; t++) {
      const g = Array.from({ length: n }, (_, i) => Math.sin(i * t) * t);
      const lr = 1e-2 * t;
      tf.tidy(() => adamwApply(p, tf.tensor(g, shape), s, t, lr, 4e-2, c, 0.5));
      adamwReferenceStep(rp, g.map((x) => x * 0.5), rm, rv, t, lr, 4e-2, c, shape.length === 2);
    }
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
    const [gp, gm, gv] = [p.dataSync(), s.m.dataSync(), s.v.dataSync()];
    rp.forEach((x, i) => assert.ok(Math.abs(gp[i]! - x) < 1e-6, `${shape} p[${i}] ${gp[i]} vs ${x}`));
    rm.forEach((x, i) => assert.ok(Math.abs(gm[i]! - x) < 1e-6, `${shape} m[${i}]`));
    rv.forEach((x, i) => assert.ok(Math.abs(gv[i]! - x) < 1e-6 * (1 + x), `${shape} v[${i}]`));
    tf.dispose([p, s.m, s.v]);
  }
});

test('wasm: the device optimizer (fused clipping) takes the same steps as the host one', async () => {
  const run = async (placement: 'host' | 'device') => {
    const w = tf.tidy(() => tf.variable(tf.tensor([[0.5, -1, 0.3], [2, 0.25, -0.6]])));
    const b = tf.tidy(() => tf.variable(tf.tensor([0.1, -0.1, 0.2])));
    const x = tf.tensor([[1, 2], [3, -1], [0.5, 0.5]]);
    const y = tf.tensor([[1, 0, 1], [0, 1, 0], [1, 1, 0]]);
    const opt = new AdamWOptimizer([{ name: 'w', variable: w }, { name: 'b', variable: b }], { ...DEFAULT_ADAMW, weightDecay: 0.1 }, 1.0, placement);
    const norms: number[] = [];
    for (let t = 1; t <= 5; t++) norms.push((await opt.step(() => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar, t, 0.05, 0.05)).gradNorm);
    const out = { norms, w: [...w.dataSync(), ...b.dataSync()] };
    opt.dispose();
    tf.dispose([w, b, x, y]);
    return out;
  };
  const before = tf.memory().numTensors;
  const [h, d] = [await run('host'), await run('device')];
  assert.ok(h.norms[0]! > 1, 'the first gradients are clipped');
  h.norms.forEach((n, i) => assert.ok(Math.abs(n - d.norms[i]!) < 1e-5 * n, `norm ${i}: ${n} vs ${d.norms[i]}`));
  h.w.forEach((x, i) => assert.ok(Math.abs(x - d.w[i]!) < 1e-5, `weight ${i}: ${x} vs ${d.w[i]}`));
  assert.equal(tf.memory().numTensors, before, 'no leaks');
});
