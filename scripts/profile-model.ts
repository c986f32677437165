/**
 * Where one MLM step's time goes: tf.profile of forward + backward (no optimizer), kernel time summed per
 * kernel name, then the slowest individual kernel calls with their shapes.
 *
 *   flock /tmp/mbench-bench.lock node --import tsx scripts/profile-model.ts [--backend wasm] [--recipe mosaic]
 *        [--size tiny] [--batch 32] [--seq 128] [--vocab 30522] [--top 25] [--fill 1]
 *
 * Rows are filled to a random length (about half on average), or to `--fill` of the sequence when given.
 *
 * Composite ops (customGrad "forward", "…__op") include their inner kernels, so the per-name sums overlap.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../src/engine/backends.js';
import { createEncoder } from '../src/model/encoder.js';
import { buildModelConfig, mlmRatioOf } from '../src/model/recipes.js';
import { Rng } from '../src/random.js';

const { values: a } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    recipe: { type: 'string', default: 'mosaic' },
    size: { type: 'string', default: 'tiny' },
    batch: { type: 'string', default: '32' },
    seq: { type: 'string', default: '128' },
    vocab: { type: 'string', default: '30522' },
    top: { type: 'string', default: '25' },
    fill: { type: 'string' },
  },
});
await useBackend(a.backend);
const config = buildModelConfig({ recipe: a.recipe!, size: a.size!, vocabSize: Number(a.vocab) });
const model = createEncoder(config, 1);
const [B, T] = [Number(a.batch), Number(a.seq)];
const rng = new Rng(3);
const inputIds = new Int32Array(B * T);
const attentionMask = new Uint8Array(B * T);
const labels = new Int32Array(B * T).fill(-100);
for (let b = 0; b < B; b++) {
  const len = Math.max(2, Math.round(T * (a.fill === undefined ? rng.next() : Number(a.fill))));
  for (let t = 0; t < len; t++) {
    const p = b * T + t;
    inputIds[p] = rng.int(config.vocabSize);
    attentionMask[p] = 1;
    if (rng.next() < mlmRatioOf(a.recipe!)) labels[p] = inputIds[p]!;
  }
}
const batch = { batchSize: B, seqLen: T, inputIds, attentionMask, labels };
const vars = model.weights.map((w) => w.variable);
const step = () => {
  const { value, grads } = tf.variableGrads(() => model.mlmLoss(batch, 7).loss, vars);
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
};
step(); // warm-up: kernel registration, XNNPACK setup
const t0 = performance.now();
const profile = await tf.profile(step);
const wallMs = performance.now() - t0;
const byName = new Map<string, { ms: number; calls: number }>();
for (const k of profile.kernels) {
  const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
  e.ms += k.kernelTimeMs as number;
  e.calls++;
  byName.set(k.name, e);
}
console.log(`${a.recipe} ${a.size} on ${a.backend}, batch ${B}×${T}: ${wallMs.toFixed(0)} ms wall (profiled)`);
console.log('kernel                    total ms  calls');
for (const [name, e] of [...byName].sort((x, y) => y[1].ms - x[1].ms)) console.log(`${name.padEnd(24)} ${e.ms.toFixed(1).padStart(9)} ${String(e.calls).padStart(6)}`);
console.log('\nslowest calls:');
const calls = profile.kernels.filter((k) => k.name !== 'forward' && !k.name.endsWith('__op'));
for (const k of calls.sort((x, y) => (y.kernelTimeMs as number) - (x.kernelTimeMs as number)).slice(0, Number(a.top)))
  console.log(`${k.name.padEnd(24)} ${(k.kernelTimeMs as number).toFixed(1).padStart(9)}  ${JSON.stringify(k.inputShapes)} → ${JSON.stringify(k.outputShapes)}`);
