/**
 * Which way of running the attention's batched products is fastest on tfjs-wasm? Shape: mosaic tiny,
 * B=32, T=128, 2 heads × 64 → G = 64 groups of [128,64]·[64,128] (scores) and [128,128]·[128,64] (context).
 *
 *   node --import tsx scripts/bench-attention-matmul.ts [--reps 7]
 *
 * Candidates: tf.matMul on [G,…] (batched → scalar loop), tf.matMul with transposeB (kᵀ implicit), tf.unstack
 * + 2-D tf.matMul + tf.stack, and kernels/wasm-fast-path.ts's sliced XNNPACK kernel over heap views. Prints
 * the median ms and GFLOP/s of each, scores and context together.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../src/engine/backends.js';
import { slicedMatMul, slicedMatMulAvailable } from '../kernels/wasm-fast-path.js';

const { values: a } = parseArgs({ options: { reps: { type: 'string', default: '7' } } });
await useBackend('wasm');
slicedMatMulAvailable();
const [G, T, D] = [64, 128, 64];
const q = tf.randomNormal([G, T, D]) as tf.Tensor3D;
const k = tf.randomNormal([G, T, D]) as tf.Tensor3D;
const kT = tf.transpose(k, [0, 2, 1]) as tf.Tensor3D;
const p = tf.softmax(tf.randomNormal([G, T, T])) as tf.Tensor3D;
const v = tf.randomNormal([G, T, D]) as tf.Tensor3D;
const flops = 2 * (2 * G * T * T * D);

const unstacked = (x: tf.Tensor3D, y: tf.Tensor3D) => {
  const xs = tf.unstack(x) as tf.Tensor2D[];
  const ys = tf.unstack(y) as tf.Tensor2D[];
  return tf.stack(xs.map((xi, i) => tf.matMul(xi, ys[i]!)));
};
const candidates: Record<string, () => tf.Tensor[]> = {
  'tf.matMul batched': () => [tf.matMul(q, kT), tf.matMul(p, v)],
  'tf.matMul transposeB': () => [tf.matMul(q, k, false, true), tf.matMul(p, v)],
  'unstack + 2-D + stack': () => [unstacked(q, kT), unstacked(p, v)],
  'sliced XNNPACK views': () => [slicedMatMul(q, kT), slicedMatMul(p, v)],
};
for (const [name, run] of Object.entries(candidates)) {
  const times: number[] = [];
  for (let i = 0; i < Number(a.reps) + 1; i++) {
    const t0 = performance.now();
    tf.tidy(() => run().forEach((t) => t.dataSync()));
    if (i > 0) times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(`${name.padEnd(24)} ${median.toFixed(1).padStart(8)} ms  ${(flops / median / 1e6).toFixed(2).padStart(6)} GFLOP/s`);
}
