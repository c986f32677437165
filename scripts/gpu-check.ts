/**
 * The GPU check: what mbench's webgpu backend does on this machine, in a few minutes. From a checkout:
 * `node --import tsx scripts/gpu-check.ts [--quick] [--json FILE]`; on a machine with no Node and no network, from
 * the bundle that scripts/build-gpu-check.ts makes: `./gpu-check.sh` (docs/gpu.md). It prints
 *   1. the adapter: its name, Dawn's API (vulkan, metal, d3d12, opengles), software or not, its buffer limits
 *   2. matmul GFLOP/s: square float32 products n = 512 … 4096 (2n³ FLOPs each), the median of timed calls
 *   3. parity on mosaic tiny: per-step losses of the same training steps on webgpu and on cpu (issue bound 2e-3)
 *   4. pretraining steps of mosaic small and base at seq 128 (synthetic tokens, bert-base-uncased's vocabulary
 *      size): median ms/step, real tokens/s, achieved TFLOP/s (the model's analytic FLOPs, src/model/flops.ts)
 * and with --json FILE the same numbers as one record. --quick shrinks every size: a smoke test for the software
 * renderer (MBENCH_WEBGPU_ADAPTER=software), and what a software adapter gets anyway. A part that would start past
 * --budget seconds is skipped, and a training run stops at the budget after its timed steps so far; both say so.
 */
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../src/engine/backends.js';
import { clearDeviceError, deviceFault, webgpuAdapter } from '../src/engine/webgpu.js';
import { maskTokens } from '../src/data/masking.js';
import { SyntheticSource } from '../src/data/synthetic-source.js';
import { createEncoder } from '../src/model/encoder.js';
import { buildModelConfig } from '../src/model/recipes.js';
import type { MlmBatch, SizeName } from '../src/model/types.js';
import { DEFAULT_ADAMW } from '../kernels/adamw.js';
import { AdamWOptimizer } from '../src/train/optimizer.js';
import { streamFor } from '../src/random.js';

interface Options {
  quick: boolean;
  json: string | null;
  budgetSeconds: number;
  batch: number;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { quick: false, json: null, budgetSeconds: 280, batch: 32 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--json') o.json = value();
    else if (a === '--budget') o.budgetSeconds = Number(value());
    else if (a === '--batch') o.batch = Number(value());
    else if (a === '--help' || a === '-h') {
      process.stdout.write('gpu-check [--quick] [--json FILE] [--budget SECONDS (280)] [--batch N (32)]\n');
      process.exit(0);
    } else throw new Error(`unknown argument '${a}' (see --help)`);
  }
  if (!(o.budgetSeconds > 0)) throw new Error('--budget must be a positive number of seconds');
  if (!(Number.isInteger(o.batch) && o.batch > 0)) throw new Error('--batch must be a positive integer');
  return o;
}

const started = performance.now();
const elapsedSeconds = (): number => (performance.now() - started) / 1000;
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const say = (line: string): void => void process.stdout.write(`${line}\n`);

/**
 * Waits for everything queued before `t` (the queue runs in order) by reading one element of it; throws when the
 * device refused work or was lost (a refused shader runs nothing, and would time as very fast).
 */
async function settle(t: tf.Tensor): Promise<void> {
  const one = tf.tidy(() => tf.slice(tf.reshape(t, [-1]), [0], [1]));
  await one.data();
  one.dispose();
  throwOnFault();
}

function throwOnFault(): void {
  const fault = deviceFault();
  if (!fault) return;
  clearDeviceError();
  throw new Error(`the GPU ${fault.kind === 'lost' ? 'device was lost' : 'refused the work'}: ${fault.message}`);
}

interface MatmulRow {
  n: number;
  calls: number;
  medianMs: number;
  gflops: number;
}

/** Median time of one n×n·n×n float32 product over about `seconds` (at least 3 timed calls after 2 untimed). */
async function matmul(n: number, seconds: number): Promise<MatmulRow> {
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  const times: number[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const c = tf.matMul(a, b);
      await settle(c);
      c.dispose();
    }
    const until = performance.now() + seconds * 1000;
    while (times.length < 3 || (performance.now() < until && times.length < 50)) {
      const t0 = performance.now();
      const c = tf.matMul(a, b);
      await settle(c);
      times.push(performance.now() - t0);
      c.dispose();
    }
  } finally {
    tf.dispose([a, b]);
  }
  const ms = median(times);
  return { n, calls: times.length, medianMs: ms, gflops: (2 * n ** 3) / (ms * 1e6) };
}

interface TrainRun {
  losses: number[];
  stepMs: number[];
  /** Real (non-pad) tokens and analytic training FLOPs of each step. */
  tokens: number[];
  flops: number[];
  parameters: number;
}

/**
 * `steps` pretraining steps of `size` (mosaic) from seed 1 on the active backend: synthetic rows (3/4 real tokens
 * on average, so unpadding has work), 30% masking, dropout keyed on the step, clipping and AdamW as in
 * src/train/pretrain.ts; each step ends with its loss read back, so its time is the device's.
 */
async function train(size: SizeName, vocabSize: number, batch: number, seq: number, steps: number, deadlineSeconds = Infinity): Promise<TrainRun> {
  const config = buildModelConfig({ recipe: 'mosaic', size, vocabSize, maxSeqLen: Math.max(128, seq) });
  const source = new SyntheticSource(vocabSize, 0.75);
  const model = createEncoder(config, 1);
  const optimizer = new AdamWOptimizer(model.weights, DEFAULT_ADAMW, 1.0);
  const out: TrainRun = { losses: [], stepMs: [], tokens: [], flops: [], parameters: model.parameterCount() };
  try {
    let cursor = { epoch: 0, position: 0, seed: 1 };
    for (let step = 0; step < steps; step++) {
      const raw = source.batch(cursor, batch, seq);
      cursor = raw.next;
      const m = maskTokens(raw.inputIds, raw.attentionMask, 0.3, source.tokenizer.special, vocabSize, streamFor(1, 'mask', step));
      const b: MlmBatch = { batchSize: batch, seqLen: seq, inputIds: m.inputIds, attentionMask: raw.attentionMask, labels: m.labels };
      const t0 = performance.now();
      const { loss } = await optimizer.step(() => model.mlmLoss(b, 1000 + step).loss, step + 1, 5e-4, 5e-4);
      out.stepMs.push(performance.now() - t0);
      throwOnFault();
      out.losses.push(loss);
      out.tokens.push(raw.attentionMask.reduce((n, x) => n + x, 0));
      out.flops.push(model.trainFlops(b));
      if (step >= 2 && elapsedSeconds() > deadlineSeconds) break; // past the budget: the timed steps so far
    }
  } finally {
    optimizer.dispose();
    model.dispose();
  }
  return out;
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const record: Record<string, unknown> = { tool: 'mbench gpu-check', quick: o.quick, startedAt: new Date().toISOString(), node: process.version, platform: `${process.platform}-${process.arch}` };
  const save = (): void => {
    if (o.json) writeFileSync(o.json, `${JSON.stringify({ ...record, seconds: elapsedSeconds() }, null, 2)}\n`);
  };
  let failures = 0;

  // 1. The adapter.
  const active = await useBackend('webgpu');
  const gpu = webgpuAdapter()!;
  if (gpu.software && !o.quick) {
    // The full sizes take hours on a CPU renderer (and base's logits exceed llvmpipe's 128 MiB bindings).
    say('software renderer: running the --quick sizes (the full ones are for GPUs)');
    o.quick = true;
    record['quick'] = true;
  }
  const limits = (tf.backend() as unknown as { device: { limits: Record<string, number> } }).device.limits;
  say(`adapter: ${gpu.name}`);
  say(`  Dawn API ${gpu.api}, ${gpu.software ? 'SOFTWARE renderer (CPU): numbers say nothing about a GPU' : 'hardware GPU'}, vendor '${gpu.vendor}'`);
  say(`  maxBufferSize ${(limits['maxBufferSize']! / 2 ** 20).toFixed(0)} MiB, maxStorageBufferBindingSize ${(limits['maxStorageBufferBindingSize']! / 2 ** 20).toFixed(0)} MiB, maxStorageBuffersPerShaderStage ${limits['maxStorageBuffersPerShaderStage']}`);
  record['adapter'] = { ...gpu, device: active.device, limits: { maxBufferSize: limits['maxBufferSize'], maxStorageBufferBindingSize: limits['maxStorageBufferBindingSize'], maxStorageBuffersPerShaderStage: limits['maxStorageBuffersPerShaderStage'] } };
  save();

  // 2. Matmul throughput.
  const sizes = o.quick ? [64, 128, 256] : [512, 1024, 2048, 4096];
  const rows: MatmulRow[] = [];
  say('\nmatmul float32, C = A·B, n×n:');
  say('      n   calls   median ms     GFLOP/s');
  for (const n of sizes) {
    if (elapsedSeconds() > o.budgetSeconds * 0.3) {
      say(`  (n = ${n} and up skipped: time budget)`);
      break;
    }
    try {
      const r = await matmul(n, o.quick ? 0.3 : 1);
      rows.push(r);
      say(`${String(n).padStart(7)} ${String(r.calls).padStart(7)} ${r.medianMs.toFixed(3).padStart(11)} ${r.gflops.toFixed(1).padStart(11)}`);
    } catch (err) {
      failures++;
      say(`${String(n).padStart(7)}  FAILED: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  record['matmul'] = rows;
  save();

  // 3. Parity with cpu on mosaic tiny (the issue's acceptance: relative difference ≤ 2e-3 per step).
  const parity = o.quick ? { batch: 4, seq: 32, vocab: 1024, steps: 3 } : { batch: 8, seq: 64, vocab: 8192, steps: 3 };
  say(`\nparity, mosaic tiny, batch ${parity.batch} × seq ${parity.seq}, vocab ${parity.vocab}, ${parity.steps} steps: webgpu vs cpu`);
  try {
    const onGpu = await train('tiny', parity.vocab, parity.batch, parity.seq, parity.steps);
    await useBackend('cpu');
    const onCpu = await train('tiny', parity.vocab, parity.batch, parity.seq, parity.steps);
    await useBackend('webgpu');
    const relative = onGpu.losses.map((l, i) => Math.abs(l - onCpu.losses[i]!) / Math.abs(onCpu.losses[i]!));
    const worst = Math.max(...relative);
    onGpu.losses.forEach((l, i) => say(`  step ${i + 1}: webgpu ${l.toFixed(6)}  cpu ${onCpu.losses[i]!.toFixed(6)}  relative difference ${relative[i]!.toExponential(2)}`));
    const parityOk = worst <= 2e-3;
    if (!parityOk) failures++;
    say(`  ${parityOk ? 'OK' : 'FAIL'}: worst ${worst.toExponential(2)} (bound 2e-3)`);
    record['parity'] = { ...parity, webgpu: onGpu.losses, cpu: onCpu.losses, worstRelative: worst, ok: parityOk };
  } catch (err) {
    failures++;
    say(`  FAILED: ${(err as Error).message.split('\n')[0]}`);
    record['parity'] = { ...parity, error: (err as Error).message };
    await useBackend('webgpu');
  }
  save();

  // 4. Pretraining steps at seq 128.
  const models: Array<{ size: SizeName; batch: number; seq: number; vocab: number; steps: number }> = o.quick
    ? [{ size: 'tiny', batch: 4, seq: 32, vocab: 1024, steps: 4 }, { size: 'mini', batch: 4, seq: 32, vocab: 1024, steps: 4 }]
    : [{ size: 'small', batch: o.batch, seq: 128, vocab: 30522, steps: 8 }, { size: 'base', batch: o.batch, seq: 128, vocab: 30522, steps: 8 }];
  const peak = Number(process.env['MBENCH_PEAK_GFLOPS'] ?? '') * 1e9 || null;
  say(`\npretraining steps, mosaic, synthetic tokens (3/4 real), 30% masking, AdamW; median of the steps after the first 2${peak ? `; MFU against MBENCH_PEAK_GFLOPS=${peak / 1e9}` : ''}:`);
  say('  size    params  batch×seq   ms/step   tokens/s   TFLOP/s' + (peak ? '    MFU' : ''));
  const trainRows: Array<Record<string, unknown>> = [];
  for (const m of models) {
    if (elapsedSeconds() > o.budgetSeconds * 0.75) {
      say(`  (${m.size} skipped: time budget)`);
      continue;
    }
    try {
      const r = await train(m.size, m.vocab, m.batch, m.seq, m.steps, o.budgetSeconds);
      if (r.stepMs.length < m.steps) say(`  (${m.size}: stopped after ${r.stepMs.length} steps: time budget)`);
      // Steps 1–2 compile shaders and allocate; the rest are timed. Throughput: their totals over their time.
      const sum = (xs: number[]): number => xs.slice(2).reduce((a, b) => a + b, 0);
      const ms = median(r.stepMs.slice(2));
      const tokensPerSecond = sum(r.tokens) / (sum(r.stepMs) / 1000);
      const tflops = sum(r.flops) / (sum(r.stepMs) / 1000) / 1e12;
      say(
        `  ${m.size.padEnd(6)} ${(r.parameters / 1e6).toFixed(1).padStart(6)}M ${`${m.batch}×${m.seq}`.padStart(10)} ${ms.toFixed(1).padStart(9)} ${tokensPerSecond.toFixed(0).padStart(10)} ${tflops.toFixed(2).padStart(9)}` +
          (peak ? ` ${((tflops * 1e12) / peak * 100).toFixed(1).padStart(5)}%` : ''),
      );
      trainRows.push({ ...m, parameters: r.parameters, medianStepMs: ms, stepMs: r.stepMs, tokensPerSecond, tflops, losses: r.losses });
    } catch (err) {
      failures++;
      say(`  ${m.size}: FAILED: ${(err as Error).message.split('\n')[0]}`);
      trainRows.push({ ...m, error: (err as Error).message });
    }
    record['pretrain'] = trainRows;
    save();
  }
  say(`\ndone in ${elapsedSeconds().toFixed(0)} s${o.json ? `; numbers in ${o.json}` : ''}${failures ? `; ${failures} check(s) failed` : ''}`);
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code), // dawn.node can keep the event loop alive after the work is done
  (err: unknown) => {
    process.stderr.write(`gpu-check: ${(err as Error).message ?? err}\n`);
    process.exit(2);
  },
);
