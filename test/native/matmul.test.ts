import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { loadAddon } from '../../src/engine/native/addon.js';
import { assertMatchesCpu, maxRelError, randn, rng, skipNative } from './compare.js';

describe('native MatMul / BatchMatMul / _FusedMatMul', { skip: skipNative }, () => {
  it('matches cpu for every transpose combination on odd shapes, values and gradients', () => {
    const [m, k, n] = [37, 53, 29];
    for (const ta of [false, true])
      for (const tb of [false, true]) {
        const a = randn(ta ? [k, m] : [m, k], 1);
        const b = randn(tb ? [n, k] : [k, n], 2);
        assertMatchesCpu(`matMul ta=${ta} tb=${tb}`, ([x, y]) => tf.matMul(x!, y!, ta, tb), [a, b]);
      }
  });

  it('matches cpu on batched products with broadcast batch dimensions', () => {
    assertMatchesCpu('bmm [3,17,9]·[3,9,11]', ([x, y]) => tf.matMul(x!, y!), [randn([3, 17, 9], 3), randn([3, 9, 11], 4)]);
    // tfjs's own BatchMatMul gradient does not reduce over broadcast batch dimensions: values only.
    assertMatchesCpu('bmm [1,7,5]ᵀ·[3,7,4]', ([x, y]) => tf.matMul(x!, y!, true, false), [randn([1, 7, 5], 5), randn([3, 7, 4], 6)], { grads: false });
    assertMatchesCpu('bmm [4,6,8]·[8,5]ᵀ', ([x, y]) => tf.matMul(x!, y!, false, true), [randn([4, 6, 8], 7), randn([5, 8], 8)], { grads: false });
  });

  it('matches cpu on a product large enough to be multi-threaded (and with K past one block)', () => {
    assertMatchesCpu('matMul 150x300x70', ([x, y]) => tf.matMul(x!, y!), [randn([150, 300], 9), randn([300, 70], 10)], { tol: 2e-4 });
    // Row-split threads sharing one packed B, several K blocks, more columns than one N block (3072), and
    // both operands transposed (the packing routines' strided paths), with ragged edges everywhere.
    assertMatchesCpu('matMul ᵀ·ᵀ 61x407x3101', ([x, y]) => tf.matMul(x!, y!, true, true), [randn([407, 61], 19), randn([3101, 407], 20)], { tol: 2e-4, grads: false });
  });

  it('_FusedMatMul: bias and linear/relu/sigmoid activations, with gradients', () => {
    for (const activation of ['linear', 'relu', 'sigmoid'] as const) {
      assertMatchesCpu(
        `fused ${activation}`,
        ([x, w, b]) => tf.fused.matMul({ a: x!, b: w!, bias: b!, activation }),
        [randn([33, 20], 11), randn([20, 17], 12), randn([17], 13)],
      );
    }
    assertMatchesCpu('fused transposeB + [M,1] bias', ([x, w, b]) => tf.fused.matMul({ a: x!, b: w!, bias: b!, transposeB: true }), [randn([9, 20], 14), randn([7, 20], 15), randn([9, 1], 16)]);
  });

  it('broadcasts batch dimensions numpy-style ([2,1]×[3] → [2,3]), where tfjs cpu cannot', () => {
    tf.setBackend('native');
    const [a, b] = [randn([2, 1, 4, 5], 17), randn([3, 5, 6], 18)];
    const got = tf.tidy(() => tf.matMul(tf.tensor(a.values, a.shape), tf.tensor(b.values, b.shape)).arraySync()) as number[][][][];
    assert.deepEqual([got.length, got[0]!.length, got[0]![0]!.length, got[0]![0]![0]!.length], [2, 3, 4, 6]);
    // Item [i, j] is a[i, 0] · b[j]; check one element of each against a direct sum.
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++) {
        let want = 0;
        for (let k = 0; k < 5; k++) want += a.values[i * 20 + 2 * 5 + k]! * b.values[j * 30 + k * 6 + 3]!;
        assert.ok(Math.abs(got[i]![j]![2]![3]! - want) < 1e-5);
      }
  });

  it('falls back to cpu for int32 products', () => {
    tf.setBackend('native');
    const r = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([5, 6, 7, 8], [2, 2], 'int32')).arraySync());
    assert.deepEqual(r, [[19, 22], [43, 50]]);
  });

  it('the built-in GEMM reads A in place, copied or packed, split by rows or columns, against a float64 sum', () => {
    const r = loadAddon();
    if (!r.ok) return;
    const addon = r.addon;
    const before = addon.info().gemm;
    assert.ok(addon.setGemmEngine('builtin'));
    const rand = rng(31);
    // [transA, transB, M, N, K, beta]: A's row stride (K, or M when transposed) 300 or 100 is read in place,
    // 1024 (rows 4 KiB apart) is copied first; M = 61/1024/100 leaves a ragged last panel or none; K = 1024/800
    // runs several K blocks accumulating into C (beta = 0.5 checks C's old values are scaled once); the
    // transposed A with N = 200 is split by columns, the others by rows.
    const cases = [
      [false, false, 100, 77, 300, 0],
      [false, true, 61, 70, 1024, 0.5],
      [true, false, 1024, 70, 50, 0],
      [true, false, 100, 200, 800, 0.5],
      [true, true, 61, 45, 300, 0],
    ] as const;
    try {
      for (const [ta, tb, m, n, k, beta] of cases) {
        const a = Float32Array.from({ length: m * k }, () => rand() - 0.5);
        const b = Float32Array.from({ length: k * n }, () => rand() - 0.5);
        const c0 = Float32Array.from({ length: m * n }, () => rand() - 0.5);
        const c = Float32Array.from(c0);
        addon.gemm(ta, tb, m, n, k, 0.75, a, b, beta, c);
        let worst = 0;
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let q = 0; q < k; q++) s += a[ta ? q * m + i : i * k + q]! * b[tb ? j * k + q : q * n + j]!;
            const want = 0.75 * s + beta * c0[i * n + j]!;
            worst = Math.max(worst, Math.abs(c[i * n + j]! - want) / (1 + Math.abs(want)));
          }
        assert.ok(worst < 1e-5, `ta=${ta} tb=${tb} ${m}x${n}x${k} beta=${beta}: error ${worst}`);
      }
    } finally {
      addon.setGemmEngine(before === 'openblas' ? 'openblas' : 'builtin');
    }
  });

  it('OpenBLAS and the built-in GEMM agree (when OpenBLAS is present)', (t) => {
    const r = loadAddon();
    if (!r.ok) return;
    const addon = r.addon;
    if (!addon.info().blas) return t.skip('libopenblas.so.0 not found');
    const before = addon.info().gemm;
    const rand = rng(21);
    const [m, n, k] = [130, 70, 300];
    const a = Float32Array.from({ length: m * k }, () => rand() - 0.5);
    const b = Float32Array.from({ length: k * n }, () => rand() - 0.5);
    const outs = (['builtin', 'openblas'] as const).map((e) => {
      assert.ok(addon.setGemmEngine(e));
      const c = new Float32Array(m * n);
      addon.gemm(false, true, m, n, k, 1, a, b, 0, c);
      return c;
    });
    addon.setGemmEngine(before === 'openblas' ? 'openblas' : 'builtin');
    assert.ok(maxRelError(outs[0]!, outs[1]!) < 1e-4);
  });

  it('rejects buffers shorter than the shapes say', () => {
    const r = loadAddon();
    if (!r.ok) return;
    assert.throws(() => r.addon.gemm(false, false, 4, 4, 4, 1, new Float32Array(16), new Float32Array(3), 0, new Float32Array(16)), /B is too short/);
  });
});
