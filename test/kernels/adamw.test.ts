import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { adamwApply, adamwHostStep, adamwReferenceStep, decayFactor, DEFAULT_ADAMW, isDecayed, zeroMoments } from '../../kernels/adamw.js';

await tf.setBackend('cpu');

test('first step by hand: the update is lr·sign(g) (bias-corrected), plus decoupled decay', () => {
  // t=1: m = 0.1g, v = 0.02g², m̂ = g, √v̂ = |g|, so step = lr·g/(|g|+eps).
  const c = DEFAULT_ADAMW;
  const p = [1, -2];
  const m = [0, 0];
  const v = [0, 0];
  adamwReferenceStep(p, [0.5, -4], m, v, 1, 1e-3, 1e-3, c, true);
  const shrink = 1 - 1e-3 * 1e-5;
  assert.ok(Math.abs(p[0]! - (1 * shrink - 1e-3 * (0.5 / (0.5 + 1e-6)))) < 1e-15);
  assert.ok(Math.abs(p[1]! - (-2 * shrink + 1e-3 * (4 / (4 + 1e-6)))) < 1e-15);
  assert.ok(Math.abs(m[0]! - 0.05) < 1e-15);
  assert.ok(Math.abs(v[1]! - 0.02 * 16) < 1e-15);
});

test('decay is decoupled: zero gradient shrinks by exactly lr·wd (torch) or wd·lr/peak (Composer)', () => {
  const p = [2];
  adamwReferenceStep(p, [0], [0], [0], 1, 0.5, 1, { ...DEFAULT_ADAMW, weightDecay: 0.1 }, true);
  assert.equal(p[0], 2 * (1 - 0.5 * 0.1));
  assert.equal(decayFactor(2.5e-4, 5e-4, { ...DEFAULT_ADAMW, decayScale: 'peak' }), 1 - 1e-5 * 0.5);
  const bias = [2];
  adamwReferenceStep(bias, [0], [0], [0], 1, 0.5, 1, { ...DEFAULT_ADAMW, weightDecay: 0.1 }, false);
  assert.equal(bias[0], 2, 'no decay on rank-1 parameters');
  assert.ok(isDecayed([4, 3]) && !isDecayed([3]));
});

test('the tfjs update matches the reference over several steps', () => {
  const c = { ...DEFAULT_ADAMW, weightDecay: 0.01 };
  const init = [[0.3, -0.7, 1.1], [0.05, 2, -1.5]];
  const grads = [[[0.1, -0.2, 0.3], [-1, 0.5, 0]], [[0.2, 0.2, -0.4], [0.3, -0.1, 0.9]], [[-0.5, 0.1, 0.1], [0, 0, 2]]];
  for (const rank of [2, 1]) {
    const shape = rank === 2 ? [2, 3] : [6];
    const p = tf.variable(tf.tensor(init.flat(), shape));
    const s = zeroMoments(p);
    const rp = init.flat();
    const rm = new Array(6).fill(0);
    const rv = new Array(6).fill(0);
    grads.forEach((g, i) => {
      const lr = 1e-2 * (i + 1);
      tf.tidy(() => adamwApply(p, tf.tensor(g.flat(), shape), s, i + 1, lr, 3e-2, c));
      adamwReferenceStep(rp, g.flat(), rm, rv, i + 1, lr, 3e-2, c, rank === 2);
    });
    const got = p.dataSync();
    rp.forEach((x, i) => assert.ok(Math.abs(got[i]! - x) < 1e-6, `rank ${rank} [${i}] ${got[i]} vs ${x}`));
    p.dispose();
    s.m.dispose();
    s.v.dispose();
  }
});

test('the fused host update matches the reference, gradient scale included', () => {
  const c = { ...DEFAULT_ADAMW, weightDecay: 0.01 };
  const p0 = [0.3, -0.7, 1.1, 0.05];
  const rp = [...p0];
  const [rm, rv] = [[0, 0, 0, 0], [0, 0, 0, 0]];
  let p: Float32Array = Float32Array.from(p0);
  const [m, v] = [new Float32Array(4), new Float32Array(4)];
  for (let t = 1; t <= 3; t++) {
    const g = [0.1 * t, -0.2, 0.3, -t];
    p = adamwHostStep(p, Float32Array.from(g), 0.5, m, v, t, 1e-2, 2e-2, c, true);
    adamwReferenceStep(rp, g.map((x) => x * 0.5), rm, rv, t, 1e-2, 2e-2, c, true);
  }
  rp.forEach((x, i) => assert.ok(Math.abs(p[i]! - x) < 1e-6, `[${i}] ${p[i]} vs ${x}`));
});
