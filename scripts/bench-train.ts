/**
 * Training-step throughput: `npm run bench:train -- --backend wasm --recipe mosaic --size tiny [--vocab 30522
 * --batch 32 --seq 128 --steps 10 --warmup-steps 2 --fill 1 --data synthetic|default]`.
 *
 * Runs the real pretraining loop (masking, forward, backward, clipping, AdamW) on a throwaway folder and prints
 * the median ms/step over the timed steps, real tokens/s at that median, and MFU against the device peak
 * (set MBENCH_PEAK_GFLOPS when the estimate is unknown or wrong). Run it under `flock /tmp/mbench-bench.lock`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { reportError } from '../src/cli/common.js';
import { useBackend } from '../src/engine/backends.js';
import { countProfiledStep, resetNativeProfile } from '../src/engine/native/index.js';
import { createEncoder } from '../src/model/encoder.js';
import { buildModelConfig, mlmRatioOf } from '../src/model/recipes.js';
import { readJsonLines } from '../src/results/atomic.js';
import { openPretrainSource } from '../src/data/default-source.js';
import { pretrain } from '../src/train/pretrain.js';
import { SyntheticSource } from '../src/data/synthetic-source.js';
import type { MetricsRecord } from '../src/train/types.js';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const a = await yargs(hideBin(process.argv))
    .scriptName('bench:train')
    .option('backend', { type: 'string', default: 'auto' })
    .option('recipe', { type: 'string', default: 'mosaic' })
    .option('size', { type: 'string', default: 'tiny' })
    .option('vocab', { type: 'number', default: 30522, describe: 'vocabulary size of the synthetic data' })
    .option('batch', { type: 'number', default: 32 })
    .option('seq', { type: 'number', default: 128 })
    .option('steps', { type: 'number', default: 10, describe: 'timed steps' })
    .option('warmup-steps', { type: 'number', default: 2, describe: 'untimed steps first (kernel setup, allocation)' })
    .option('fill', { type: 'number', default: 1, describe: 'mean fraction of real (non-pad) positions in synthetic rows, in (0.5, 1]' })
    .option('data', { choices: ['synthetic', 'default'] as const, default: 'synthetic' as const, describe: 'synthetic ids, or the embedded corpus with bert-base-uncased' })
    .option('optimizer', { choices: ['host', 'device'] as const, describe: 'where AdamW runs [default: device]' })
    .strict()
    .help()
    .parseAsync();
  const backend = await useBackend(a.backend);
  const source = a.data === 'synthetic' ? new SyntheticSource(a.vocab, a.fill) : await openPretrainSource({ log: (l) => process.stderr.write(l + '\n') });
  const model = buildModelConfig({ recipe: a.recipe, size: a.size, vocabSize: source.tokenizer.vocabSize, maxSeqLen: Math.max(512, a.seq) });
  const dir = mkdtempSync(join(tmpdir(), 'mbench-bench-train-'));
  try {
    const total = a['warmup-steps'] + a.steps;
    process.stderr.write(`bench:train ${a.recipe} ${a.size} on ${backend.name} (${backend.device}), batch ${a.batch} × seq ${a.seq}, vocab ${source.tokenizer.vocabSize}, ${total} steps…\n`);
    // Process CPU time per step (user + system, all threads), read between consecutive steps: on a shared,
    // oversubscribed machine it is less sensitive to the load than wall time (it still counts GC threads).
    const cpuMs: number[] = [];
    let lastCpu = process.cpuUsage();
    await pretrain({
      recipe: a.recipe, model, createModel: createEncoder, source, outDir: dir, duration: `${total}ba`, seed: 1, batchSize: a.batch, seqLen: a.seq,
      maskRatio: mlmRatioOf(a.recipe), evalBatches: 0, checkpointEvery: 0, keepCheckpoints: 1,
      backend: backend.name, device: backend.device, peakFlopsPerSecond: backend.peakFlopsPerSecond,
      ...(a.optimizer !== undefined && { optimizerPlacement: a.optimizer }),
    }, {
      onProgress: () => {
        const d = process.cpuUsage(lastCpu);
        lastCpu = process.cpuUsage();
        cpuMs.push((d.user + d.system) / 1000);
        // MBENCH_NATIVE_PROFILE covers the timed steps only (the warm-up's page faults would dominate it).
        if (cpuMs.length === a['warmup-steps']) resetNativeProfile();
        else if (cpuMs.length > a['warmup-steps']) countProfiledStep();
      },
    });
    const steps = readJsonLines<MetricsRecord>(join(dir, 'metrics.jsonl')).flatMap((r) => (r.kind === 'train' ? [r] : [])).slice(a['warmup-steps']);
    const ms = median(steps.map((s) => s.stepSeconds * 1000));
    const tokensPerStep = median(steps.map((s) => s.tokens));
    const flopsPerStep = median(steps.map((s) => s.stepFlops));
    const tps = tokensPerStep / (ms / 1000);
    const cpu = median(cpuMs.slice(a['warmup-steps']));
    const peak = backend.peakFlopsPerSecond;
    const mfu = peak ? flopsPerStep / (ms / 1000) / peak : null;
    console.log(`recipe ${a.recipe}  size ${a.size}  backend ${backend.name}  batch ${a.batch}  seq ${a.seq}  vocab ${source.tokenizer.vocabSize}  data ${a.data}${a.data === 'synthetic' ? ` fill ${a.fill}` : ''}  optimizer ${a.optimizer ?? 'default'}`);
    console.log(`median ms/step   ${ms.toFixed(1)}   (min ${Math.min(...steps.map((s) => s.stepSeconds * 1000)).toFixed(1)}, ${steps.length} timed steps)`);
    console.log(`median CPU ms/step ${cpu.toFixed(1)}   (process CPU time, all threads: less sensitive to machine load than wall time)`);
    console.log(`tokens/s         ${Math.round(tps)} wall, ${Math.round(tokensPerStep / (cpu / 1000))} per CPU-second   (${tokensPerStep} real tokens per step)`);
    console.log(`GFLOP/s          ${(flopsPerStep / (ms / 1000) / 1e9).toFixed(2)}   (${(flopsPerStep / 1e9).toFixed(2)} GFLOP per step)`);
    console.log(`MFU              ${mfu === null ? 'n/a (device peak unknown; set MBENCH_PEAK_GFLOPS)' : `${(mfu * 100).toFixed(2)}% of ${(peak! / 1e9).toFixed(1)} GFLOP/s (${backend.peakSource})`}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.exitCode = reportError(err);
});
