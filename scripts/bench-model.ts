/**
 * Forward + backward time of one MLM step (no optimizer) of an encoder, fast kernels vs naive tfjs ops.
 *
 *   node --import tsx scripts/bench-model.ts [--backend wasm] [--recipe mosaic] [--size tiny] [--batch 32]
 *        [--seq 128] [--vocab 30522] [--fill 0.5] [--steps 8] [--naive]
 *
 * Rows get random real lengths with mean `fill`·seq (padded, as corpus paragraphs are); `recipe`'s masking
 * ratio picks the masked tokens. Prints median wall ms per step, real tokens/s and padded tokens/s, and the
 * median CPU time per step (this process; tfjs-wasm is single-threaded), which a loaded machine inflates less.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../src/engine/backends.js';
import { createEncoder } from '../src/model/encoder.js';
import { buildModelConfig, mlmRatioOf } from '../src/model/recipes.js';
import { naiveMlmLoss } from '../src/model/reference.js';
import type { MlmBatch } from '../src/model/types.js';
import { Rng } from '../src/random.js';

const { values: a } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    recipe: { type: 'string', default: 'mosaic' },
    size: { type: 'string', default: 'tiny' },
    batch: { type: 'string', default: '32' },
    seq: { type: 'string', default: '128' },
    vocab: { type: 'string', default: '30522' },
    fill: { type: 'string', default: '0.5' },
    steps: { type: 'string', default: '8' },
    naive: { type: 'boolean', default: false },
  },
});
const backend = await useBackend(a.backend);
const config = buildModelConfig({ recipe: a.recipe!, size: a.size!, vocabSize: Number(a.vocab) });
const batchSize = Number(a.batch);
const seqLen = Number(a.seq);
const ratio = mlmRatioOf(a.recipe!);

function randomBatch(seed: number): MlmBatch {
  const rng = new Rng(seed);
  const n = batchSize * seqLen;
  const inputIds = new Int32Array(n);
  const attentionMask = new Uint8Array(n);
  const labels = new Int32Array(n).fill(-100);
  for (let b = 0; b < batchSize; b++) {
    const len = Math.max(2, Math.min(seqLen, Math.round(2 * Number(a.fill) * seqLen * rng.next())));
    for (let t = 0; t < len; t++) {
      const p = b * seqLen + t;
      inputIds[p] = 1000 + rng.int(config.vocabSize - 1000);
      attentionMask[p] = 1;
      if (rng.next() < ratio) labels[p] = inputIds[p]!;
    }
  }
  return { batchSize, seqLen, inputIds, attentionMask, labels };
}

const model = createEncoder(config, 1);
const vars = model.weights.map((w) => w.variable);
const lossFn = a.naive ? (b: MlmBatch) => naiveMlmLoss(model, b, 7) : (b: MlmBatch) => model.mlmLoss(b, 7).loss;
const times: number[] = [];
const cpuTimes: number[] = [];
let real = 0;
const steps = Number(a.steps);
for (let i = 0; i < steps + 2; i++) {
  const batch = randomBatch(i);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { value, grads } = tf.variableGrads(() => lossFn(batch), vars);
  await value.data();
  for (const g of Object.values(grads)) g.dataSync();
  const ms = performance.now() - t0;
  const c1 = process.cpuUsage(c0);
  const cpuMs = (c1.user + c1.system) / 1000;
  tf.dispose([value, ...Object.values(grads)]);
  if (i >= 2) {
    times.push(ms);
    cpuTimes.push(cpuMs);
    real += batch.attentionMask.reduce((s, m) => s + m, 0);
  }
}
times.sort((x, y) => x - y);
cpuTimes.sort((x, y) => x - y);
const median = times[Math.floor(times.length / 2)]!;
const cpuMedian = cpuTimes[Math.floor(cpuTimes.length / 2)]!;
const realPerStep = real / steps;
console.log(
  `${a.naive ? 'naive' : 'fast'} ${a.recipe} ${a.size} on ${backend.name}: batch ${batchSize}×${seqLen}, vocab ${config.vocabSize}, ` +
    `fill ${a.fill}: median ${median.toFixed(0)} ms/step (fwd+bwd), ${((realPerStep / median) * 1000).toFixed(0)} real tok/s, ` +
    `${(((batchSize * seqLen) / median) * 1000).toFixed(0)} padded tok/s; min ${times[0]!.toFixed(0)} max ${times[times.length - 1]!.toFixed(0)}; ` +
    `CPU time median ${cpuMedian.toFixed(0)} ms/step (${((realPerStep / cpuMedian) * 1000).toFixed(0)} real tok per CPU-s)`,
);
