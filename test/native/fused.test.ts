import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { alibiSlopes, attention, attentionBias } from '../../kernels/attention.js';
import assert from 'node:assert/strict';
import { rowIndex } from '../../kernels/gather.js';
import { gelu } from '../../kernels/gelu.js';
import { packedRowStarts, realTokenRows } from '../../kernels/padding.js';
import { layerNorm } from '../../kernels/layernorm.js';
import { nativeAttention, nativeGeglu, nativeGelu, nativeLayerNorm } from '../../src/engine/native/index.js';
import { assertMatchesCpu, randn, skipNative } from './compare.js';

describe('native fused ops match the compositions they replace (values and gradients)', { skip: skipNative }, () => {
  it('attention with ALiBi and a key mask, odd sequence length (two query blocks)', () => {
    const [batch, seq, heads, hidden] = [3, 67, 4, 32];
    const keyMask = new Uint8Array(batch * seq).fill(1);
    for (let j = 50; j < seq; j++) keyMask[seq + j] = 0; // second sample: 17 pads
    keyMask[2 * seq + seq - 1] = 0;
    const o = { batch, seq, heads };
    const inputs = [randn([batch * seq, hidden], 1), randn([batch * seq, hidden], 2), randn([batch * seq, hidden], 3)];
    assertMatchesCpu('attention alibi+mask', ([q, k, v]) => nativeAttention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, { ...o, slopes: alibiSlopes(heads), keyMask }), inputs, {
      ref: ([q, k, v]) => attention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, attentionBias({ ...o, keyMask, alibi: true }), o),
      tol: 2e-4,
    });
    assertMatchesCpu('attention with a bias tensor', ([q, k, v]) => nativeAttention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, { ...o, bias: attentionBias({ ...o, keyMask, alibi: true }) }), inputs, {
      ref: ([q, k, v]) => attention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, attentionBias({ ...o, keyMask, alibi: true }), o),
      tol: 2e-4,
    });
    // An unpadded model keeps only real rows: pad queries are skipped (zero rows, no gradient), masked keys too.
    const rowMask = tf.tensor2d(Float32Array.from(keyMask), [batch * seq, 1]);
    assertMatchesCpu('attention, pad queries skipped', ([q, k, v]) => tf.mul(nativeAttention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, { ...o, slopes: alibiSlopes(heads), keyMask, skipPadQueries: true }), rowMask), inputs, {
      ref: ([q, k, v]) => tf.mul(attention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, attentionBias({ ...o, keyMask, alibi: true }), o), rowMask),
      tol: 2e-4,
    });
    // Attention dropout: the fused kernel applies the keep mask the unfused path draws (kernels/dropout.ts).
    const withDrop = { ...o, dropoutRate: 0.25, dropoutSeed: 11, keyMask, alibi: true };
    assertMatchesCpu('attention with dropout', ([q, k, v]) => attention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, () => attentionBias({ ...o, keyMask, alibi: true }), withDrop), inputs, { tol: 2e-4 });
    assertMatchesCpu('attention plain', ([q, k, v]) => nativeAttention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, o), inputs, {
      ref: ([q, k, v]) => attention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, attentionBias({ ...o, alibi: false }), o),
      tol: 2e-4,
    });
  });

  it('attention on packed (unpadded) rows: in place on native, re-padded around the core on cpu', () => {
    const [batch, seq, heads, hidden] = [4, 67, 4, 32];
    const lengths = [67, 50, 0, 3]; // two query blocks, a half-padded sample, an empty one, a short one
    const keyMask = new Uint8Array(batch * seq);
    lengths.forEach((n, b) => keyMask.fill(1, b * seq, b * seq + n));
    const rowStart = packedRowStarts(keyMask, batch, seq);
    assert.deepEqual(rowStart && [...rowStart], [0, 67, 117, 117, 120]);
    const n = rowStart![batch]!;
    const inputs = [randn([n, hidden], 21), randn([n, hidden], 22), randn([n, hidden], 23)];
    const o = { batch, seq, heads, keyMask, alibi: true };
    for (const dropoutRate of [0, 0.25]) {
      assertMatchesCpu(`packed attention, dropout ${dropoutRate}`, ([q, k, v]) => {
        const real = rowIndex(realTokenRows(keyMask));
        const unpadded = { real, rowStart };
        return attention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, () => attentionBias(o), { ...o, dropoutRate, dropoutSeed: 5, firstSample: 2, unpadded });
      }, inputs, { tol: 2e-4 });
    }
    // Not a prefix (a pad before a real token): no packed layout, attention() re-pads on every backend.
    const holes = keyMask.slice();
    holes[seq + 10] = 0;
    assert.equal(packedRowStarts(holes, batch, seq), null);
  });

  it('LayerNorm, and LayerNorm of x + residual', () => {
    const [x, g, b, r] = [randn([77, 96], 4, 2), randn([96], 5, 0.5, 1), randn([96], 6), randn([77, 96], 7)];
    assertMatchesCpu('layerNorm', ([xi, gi, bi]) => nativeLayerNorm(xi as tf.Tensor2D, gi as tf.Tensor1D, bi as tf.Tensor1D, 1e-12), [x, g, b], {
      ref: ([xi, gi, bi]) => layerNorm(xi as tf.Tensor2D, gi as tf.Tensor1D, bi as tf.Tensor1D, 1e-12),
    });
    assertMatchesCpu('layerNorm+residual', ([xi, gi, bi, ri]) => nativeLayerNorm(xi as tf.Tensor2D, gi as tf.Tensor1D, bi as tf.Tensor1D, 1e-12, ri as tf.Tensor2D), [x, g, b, r], {
      ref: ([xi, gi, bi, ri]) => layerNorm(tf.add(xi!, ri!) as tf.Tensor2D, gi as tf.Tensor1D, bi as tf.Tensor1D, 1e-12),
    });
  });

  it('GELU (tanh form) and GeGLU', () => {
    assertMatchesCpu('gelu', ([x]) => nativeGelu(x!), [randn([45, 401], 8, 4)], { ref: ([x]) => gelu(x!) });
    assertMatchesCpu('geglu', ([a, b]) => nativeGeglu(a!, b!), [randn([45, 401], 9, 4), randn([45, 401], 10)], { ref: ([a, b]) => tf.mul(gelu(a!), b!) });
  });
});
