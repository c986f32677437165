/**
 * Matrix products whose forward *and* backward passes are plain 2-D products where the backend is fast at
 * those (wasm: XNNPACK) and slow at everything else.
 *
 * Contract:
 * - `matMul(a [m,k], b [k,n]) → [m,n]`; gradients dA = dC·Bᵀ, dB = Aᵀ·dC.
 * - `linear(x [N,in], w [in,out], bias? [out]) → [N,out]`; also returns db = Σ_rows dy.
 * - `batchMatMul(a [G,m,k], b [G,k,n]) → [G,m,n]`; dA = dC·Bᵀ, dB = Aᵀ·dC per group.
 * On wasm the transposes are explicit (a fast Transpose kernel) so every product is a non-transposed 2-D
 * XNNPACK call, and batched products go through the sliced kernel (wasm-fast-path.ts). tf.matMul's own
 * gradient would use transposeA/transposeB and fall to the scalar loop. On other backends these are plain
 * tf.matMul with transpose flags.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.js';
import { onWasm, slicedMatMul, slicedMatMulAvailable } from './wasm-fast-path.js';

/** a·bᵀ for 2-D tensors, via an explicit transpose on wasm. */
export function matMulTransB(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return onWasm() ? tf.matMul(a, tf.transpose(b)) : tf.matMul(a, b, false, true);
}

/**
 * What an orientation costs on wasm, in ns per float moved (tfjs-wasm 4.22, 2 XNNPACK threads; the
 * measurements are in docs/wasm.md): XNNPACK re-packs a product's *right* operand on every call,
 * single-threaded, at ~8 ns per float, while the SIMD Transpose kernel (kernels/wasm-simd.ts) moves a float in
 * ~2–4.5 ns (memory-bound on large operands). The left operand is read in place.
 */
const PACK_NS = 8;
const TRANSPOSE_NS = 2.5;

/**
 * aᵀ·b for 2-D tensors a [n,k], b [n,m], via explicit transposes on wasm, in the cheaper of two orientations:
 *   aᵀ·b       transposes a (n·k floats) and packs b (n·m)
 *   (bᵀ·a)ᵀ    transposes b (n·m), packs a (n·k) and transposes the [m,k] result
 * So the larger operand goes on the left. A weight gradient xᵀ·dy with x [4096,128] and dy [4096,512] runs as
 * (dyᵀ·x)ᵀ; with x [4096,512] and dy [4096,128] as xᵀ·dy; the same products, about twice as fast as the
 * other way round.
 */
export function matMulTransA(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (!onWasm()) return tf.matMul(a, b, true, false);
  if (transAOrientation(a.shape[0], a.shape[1], b.shape[1]) === 'direct') return tf.matMul(tf.transpose(a), b);
  return tf.transpose(tf.matMul(tf.transpose(b), a)) as tf.Tensor2D;
}

/** Which way matMulTransA computes aᵀ·b for a [n,k], b [n,m] on wasm (the cheaper by the costs above). */
export function transAOrientation(n: number, k: number, m: number): 'direct' | 'swapped' {
  const direct = TRANSPOSE_NS * n * k + PACK_NS * n * m;
  const swapped = TRANSPOSE_NS * (n * m + m * k) + PACK_NS * n * k;
  return direct <= swapped ? 'direct' : 'swapped';
}

/**
 * Σ over rows of x [N,C] → [C]. On wasm a column reduction is ~30× slower than a row reduction, so it is
 * computed as the 2-D product ones[1,N]·x.
 */
export function sumRows(x: tf.Tensor2D): tf.Tensor1D {
  if (!onWasm()) return tf.sum(x, 0);
  return tf.reshape(tf.matMul(tf.ones([1, x.shape[0]]), x), [x.shape[1]]);
}

const matMulGrad = customOp<tf.Tensor2D>(([a, b], save) => {
  save([a!, b!]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy, saved) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [matMulTransB(dy, sb), matMulTransA(sa, dy)];
    },
  };
});

/** a [m,k] · b [k,n] → [m,n], backward as plain 2-D products. */
export function matMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return matMulGrad(a, b);
}

const linearGrad = customOp<tf.Tensor2D>(([x, w, bias], save) => {
  save([x!, w!]);
  return {
    value: tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: bias! }) as tf.Tensor2D,
    gradFunc: (g, saved) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [matMulTransB(g, sw), matMulTransA(sx, g), sumRows(g)];
    },
  };
});

/** x [N,in] · w [in,out] + bias [out] → [N,out] (bias optional), backward as plain 2-D products. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  if (bias === undefined) return matMul(x, w);
  return linearGrad(x, w, bias);
}

function bmmForward(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return slicedMatMulAvailable() ? slicedMatMul(a, b) : tf.matMul(a, b);
}

function swapLast(x: tf.Tensor3D): tf.Tensor3D {
  return tf.transpose(x, [0, 2, 1]);
}

const batchMatMulGrad = customOp<tf.Tensor3D>(([a, b], save) => {
  save([a!, b!]);
  return {
    value: bmmForward(a as tf.Tensor3D, b as tf.Tensor3D),
    gradFunc: (g, saved) => {
      const [sa, sb] = saved as [tf.Tensor3D, tf.Tensor3D];
      return [bmmForward(g, swapLast(sb)), bmmForward(swapLast(sa), g)];
    },
  };
});

/** a [G,m,k] · b [G,k,n] → [G,m,n] per group; on wasm every product (forward and backward) is XNNPACK 2-D. */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return batchMatMulGrad(a, b);
}
