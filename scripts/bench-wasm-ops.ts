/**
 * The wasm costs the training engine is shaped by (docs/wasm.md), one run, medians:
 *
 *   flock /tmp/mbench-bench.lock node --import tsx scripts/bench-wasm-ops.ts [--reps 5]
 *   MBENCH_WASM_THREADS=1 … for the single-threaded build
 *
 * 1. XNNPACK 2-D products: the same product with a right operand it has packed before (its operator is cached
 *    on that tensor) and with a fresh one (packed again), so the difference is the packing cost; and the two
 *    orientations of the MLM head's weight gradient (hᵀ·P with P [1194,30528] on the right, Pᵀ·h with P on
 *    the left).
 * 2. Transposes: tfjs-wasm's own kernel, a tiled JavaScript loop and mbench's SIMD kernel (kernels/wasm-simd.ts).
 * 3. Row maxima of the head's logits: tfjs-wasm's Max and the SIMD kernel.
 * 4. The optimizer step over mosaic tiny's weights (vocab 30522: 4.5 M): clip + AdamW as tfjs ops, and as the
 *    two SIMD passes (kernels/wasm-adamw.ts).
 * 5. GeGLU's gelu(a)·b on [4096,512], forward + backward under a gradient tape: tfjs ops (the tanh form of
 *    kernels/gelu.ts written out) and the fused SIMD passes (kernels/wasm-geglu.ts).
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../src/engine/backends.js';
import { wasmThreads } from '../src/engine/wasm-threads.js';
import { onWasm } from '../kernels/wasm-fast-path.js';
import { rowMax } from '../kernels/wasm-xent-rows.js';
import { wasmAdamW, wasmSumSquares } from '../kernels/wasm-adamw.js';
import { wasmGeglu } from '../kernels/wasm-geglu.js';
import { createEncoder } from '../src/model/encoder.js';
import { buildModelConfig } from '../src/model/recipes.js';
import { adamwOps, decayFactor, DEFAULT_ADAMW, isDecayed, zeroMoments } from '../kernels/adamw.js';
import { clipByGlobalNorm, clipCoefficient } from '../src/train/clip.js';

const { values: a } = parseArgs({ options: { reps: { type: 'string', default: '5' } } });
const reps = Number(a.reps);

// tfjs's own Transpose and Max, fetched before onWasm() (first use of a fast path) replaces Transpose.
await useBackend('wasm');
const be = tf.backend();
const tfjsTranspose = tf.getKernel('Transpose', 'wasm')!.kernelFunc;
onWasm(); // installs mbench's Transpose
console.log(`wasm, ${wasmThreads()} thread(s); medians of ${reps}`);

function median(f: () => void): number {
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return ts.sort((x, y) => x - y)[Math.floor(reps / 2)]!;
}

console.log('\nXNNPACK products [m,k]·[k,n]          cached B        fresh B (packs)   packing ns/float');
for (const [m, k, n] of [[1024, 1024, 1024], [128, 4096, 512], [512, 4096, 128], [128, 1194, 30528], [30528, 1194, 128], [1194, 128, 30528]] as const) {
  const A = tf.randomUniform([m, k]) as tf.Tensor2D;
  const B = tf.randomUniform([k, n]) as tf.Tensor2D;
  tf.matMul(A, B).dispose(); // packs B once; later calls with B reuse it
  const cached = median(() => tf.matMul(A, B).dataSync());
  const productOnly: number[] = []; // a new right operand each time (XNNPACK packs it again); the product alone is timed
  for (let i = 0; i < reps; i++) {
    const b2 = tf.add(B, 0) as tf.Tensor2D;
    b2.dataSync();
    const t0 = performance.now();
    tf.matMul(A, b2).dataSync();
    productOnly.push(performance.now() - t0);
    b2.dispose();
  }
  const f = productOnly.sort((x, y) => x - y)[Math.floor(reps / 2)]!;
  const gf = (ms: number) => `${ms.toFixed(1).padStart(7)} ms ${(2 * m * k * n / ms / 1e6).toFixed(1).padStart(5)} GF/s`;
  console.log(`${`[${m},${k}]·[${k},${n}]`.padEnd(34)} ${gf(cached)}  ${gf(f)}  ${k * n >= 1e6 ? (((f - cached) * 1e6) / (k * n)).toFixed(1).padStart(6) : '  (B too small to tell)'}`);
  tf.dispose([A, B]);
}

console.log('\ntranspose [r,c]               tfjs-wasm        JS tiled         mbench SIMD   (ns per float)');
const jsTranspose = (src: Float32Array, dst: Float32Array, rows: number, cols: number) => {
  for (let i0 = 0; i0 < rows; i0 += 32)
    for (let j0 = 0; j0 < cols; j0 += 32)
      for (let i = i0; i < Math.min(rows, i0 + 32); i++)
        for (let j = j0, d = j0 * rows + i; j < Math.min(cols, j0 + 32); j++, d += rows) dst[d] = src[i * cols + j]!;
};
for (const [r, c] of [[4096, 512], [30528, 128], [1194, 30528]] as const) {
  const x = tf.randomUniform([r, c]);
  const ns = (ms: number) => `${((ms * 1e6) / (r * c)).toFixed(2).padStart(10)}`;
  const own = median(() => {
    const y = tf.engine().runKernel('Transpose', { x }, { perm: [1, 0] }) as tf.Tensor;
    y.dispose();
  });
  const orig = median(() => {
    const info = tfjsTranspose({ inputs: { x }, backend: be, attrs: { perm: [1, 0] } }) as tf.TensorInfo;
    be.disposeData(info.dataId);
  });
  const src = x.dataSync() as Float32Array;
  const dst = new Float32Array(r * c);
  const js = median(() => jsTranspose(src, dst, r, c));
  console.log(`${`[${r},${c}]`.padEnd(22)} ${ns(orig)}       ${ns(js)}       ${ns(own)}`);
  x.dispose();
}

console.log('\nrow maxima [1194,30528]        tfjs-wasm Max    mbench SIMD   (ms)');
const L = tf.randomUniform([1194, 30528]) as tf.Tensor2D;
const tfMax = median(() => tf.max(L, 1).dispose());
const simdMax = median(() => rowMax(L).dispose());
console.log(`${''.padEnd(22)} ${tfMax.toFixed(1).padStart(10)}       ${simdMax.toFixed(1).padStart(10)}`);

const model = createEncoder(buildModelConfig({ recipe: 'mosaic', size: 'tiny', vocabSize: 30522 }), 1);
const vars = model.weights.map((w) => w.variable);
const moments = vars.map((v) => zeroMoments(v));
const grads = vars.map((v) => tf.randomNormal(v.shape));
let t = 0;
const viaOps = median(() => {
  t++;
  const { grads: clipped, norm } = clipByGlobalNorm(grads, 1);
  vars.forEach((v, i) => adamwOps(v, clipped[i]!, moments[i]!, t, 1e-3, 1e-3, DEFAULT_ADAMW));
  norm.dataSync();
  tf.dispose([norm, ...clipped]);
});
const fused = median(() => {
  t++;
  const norm = Math.sqrt(grads.reduce((s, g) => s + wasmSumSquares(g), 0));
  const scale = clipCoefficient(norm, 1);
  const { beta1, beta2, eps } = DEFAULT_ADAMW;
  vars.forEach((v, i) => {
    const shrink = isDecayed(v.shape) ? decayFactor(1e-3, 1e-3, DEFAULT_ADAMW) : 1;
    wasmAdamW(v, grads[i]!, moments[i]!.m, moments[i]!.v, { beta1, beta2, eps, shrink, lr: 1e-3, t, gScale: scale });
  });
});
const n = vars.reduce((s, v) => s + v.size, 0);
console.log(`\noptimizer step, ${(n / 1e6).toFixed(2)} M weights      tfjs ops         SIMD passes   (ms)`);
console.log(`${''.padEnd(22)} ${viaOps.toFixed(1).padStart(10)}       ${fused.toFixed(1).padStart(10)}`);

const [ga, gb, gdy] = [tf.randomNormal([4096, 512]), tf.randomNormal([4096, 512]), tf.randomNormal([4096, 512])];
const C = 2 * Math.sqrt(2 / Math.PI);
const viaTfOps = (a: tf.Tensor, b: tf.Tensor) => tf.mul(tf.mul(a, tf.sigmoid(tf.mul(a, tf.add(tf.mul(tf.square(a), C * 0.044715), C)))), b);
const gegluTimes = [viaTfOps, (a: tf.Tensor, b: tf.Tensor) => wasmGeglu(a, b)].map((f) =>
  median(() =>
    tf.tidy(() => {
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), gdy)))([ga, gb]).forEach((t) => t.dataSync());
    }),
  ),
);
console.log('\ngeglu [4096,512] fwd + bwd               tfjs ops         SIMD passes   (ms)');
console.log(`${''.padEnd(22)} ${gegluTimes[0]!.toFixed(1).padStart(10)}       ${gegluTimes[1]!.toFixed(1).padStart(10)}`);
