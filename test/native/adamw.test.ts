import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { nativeAdamWStep } from '../../src/engine/native/index.js';
import { adamwApply, adamwReferenceStep, DEFAULT_ADAMW, decayFactor } from '../../kernels/adamw.js';
import { randn, skipNative } from './compare.js';

describe('native AdamW step', { skip: skipNative }, () => {
  it('matches the float64 reference over three steps, and never writes a buffer another tensor shares', () => {
    tf.setBackend('native');
    const n = 40000; // past the threading grain
    const p0 = randn([200, 200], 1).values as Float32Array;
    const grads = [2, 3, 4].map((s) => randn([200, 200], s, 1e-2).values as Float32Array);
    const [lr, peakLr] = [1e-3, 2e-3];
    const ref = { p: Float64Array.from(p0), m: new Float64Array(n), v: new Float64Array(n) };
    const source = tf.tensor2d(p0, [200, 200]);
    const p = tf.variable(source); // shares source's buffer
    const m = tf.variable(tf.zeros([200, 200]));
    const v = tf.variable(tf.zeros([200, 200]));
    grads.forEach((g, k) => {
      const t = k + 1;
      adamwReferenceStep(ref.p, g, ref.m, ref.v, t, lr, peakLr, DEFAULT_ADAMW, true);
      tf.tidy(() => nativeAdamWStep(p, tf.tensor2d(g, [200, 200]), m, v, { ...DEFAULT_ADAMW, shrink: decayFactor(lr, peakLr, DEFAULT_ADAMW), lr, t }));
    });
    const got = p.dataSync();
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(got[i]! - ref.p[i]!));
    assert.ok(worst < 1e-6, `max |Δp| = ${worst}`);
    assert.deepEqual(source.dataSync(), p0, 'the tensor the variable was made from changed');
    tf.dispose([source, p, m, v]);
  });

  it("is what the optimizer's adamwApply runs on native (the same numbers as the tfjs-ops update on cpu)", async () => {
    const p0 = randn([64, 48], 5).values as Float32Array;
    const grads = [6, 7].map((s) => randn([64, 48], s, 1e-2).values as Float32Array);
    const run = () => {
      const init = [tf.tensor2d(p0, [64, 48]), tf.zeros([64, 48]), tf.zeros([64, 48])];
      const p = tf.variable(init[0]!);
      const s = { m: tf.variable(init[1]!), v: tf.variable(init[2]!) };
      tf.dispose(init);
      grads.forEach((g, k) => tf.tidy(() => adamwApply(p, tf.tensor2d(g, [64, 48]), s, k + 1, 1e-3, 2e-3, DEFAULT_ADAMW)));
      const out = [p, s.m, s.v].map((x) => x.dataSync().slice());
      tf.dispose([p, s.m, s.v]);
      return out;
    };
    await tf.setBackend('cpu');
    const onCpu = run();
    await tf.setBackend('native');
    const before = tf.memory().numTensors;
    const onNative = run();
    assert.equal(tf.memory().numTensors, before);
    onNative.forEach((x, i) => x.forEach((val, j) => assert.ok(Math.abs(val - onCpu[i]![j]!) < 1e-6, `array ${i}[${j}]: ${val} vs ${onCpu[i]![j]}`)));
  });
});
