/**
 * The training-step benchmark of issue 7: mbench on the `native` backend against PyTorch (Debian's python3-torch,
 * scripts/bench-native-torch.py) on the same machine, alternating in one run, one MLM step of the same encoder.
 *
 *   flock /tmp/mbench-bench.lock node --import tsx scripts/bench-native-train.ts [--configs tiny/bert,tiny/mosaic,…]
 *       [--rounds 2 --steps 6 --warmup-steps 2 --vocab 4096 --batch 32 --seq 128 --mask-ratio 0.15 --python /usr/bin/python3
 *        --torch-threads 1]
 *
 * A config is size/recipe[/padded][/fillF]: `mini/mosaic/fill0.51` has ~49% padding; `/padded` turns mosaic's
 * unpadding off (the unpadding comparison). Each round runs every config on both sides, each in a fresh process;
 * the table gives medians over all timed steps of all rounds: wall ms/step, process CPU ms/step (all threads),
 * real tokens/s (wall), MFU (mbench's FLOP count for the step / wall time / the device peak estimate), and
 * torch/native speed. Environment variables are passed through unchanged to both sides (OPENBLAS_CORETYPE
 * decides which OpenBLAS kernels both PyTorch and mbench's OpenBLAS engine use).
 *
 * `--side mbench` (used by the runner) runs one config in-process and prints a JSON line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { useBackend } from '../src/engine/backends.js';
import { nativeInfo } from '../src/engine/native/index.js';
import { createEncoder } from '../src/model/encoder.js';
import { buildModelConfig } from '../src/model/recipes.js';
import { readJsonLines } from '../src/results/atomic.js';
import { pretrain } from '../src/train/pretrain.js';
import { SyntheticSource } from '../src/data/synthetic-source.js';
import type { MetricsRecord } from '../src/train/types.js';

interface Config {
  size: string;
  recipe: 'bert' | 'mosaic';
  unpad: boolean;
  fill: number;
  label: string;
}

interface SideResult {
  msPerStep: number[];
  cpuMsPerStep: number[];
  tokens: number;
  flops?: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function parseConfig(text: string): Config {
  const [size, recipe, ...rest] = text.split('/');
  if (!size || (recipe !== 'bert' && recipe !== 'mosaic')) throw new Error(`config '${text}': expected size/recipe[/padded][/fillF]`);
  let unpad = recipe === 'mosaic';
  let fill = 1;
  for (const r of rest) {
    if (r === 'padded') unpad = false;
    else if (r.startsWith('fill')) fill = Number(r.slice(4));
    else throw new Error(`config '${text}': unknown part '${r}'`);
  }
  return { size, recipe, unpad, fill, label: text };
}

type Args = { vocab: number; batch: number; seq: number; steps: number; 'warmup-steps': number; 'mask-ratio': number };

/** One config on mbench/native, in this process: per-step wall and CPU ms, tokens and FLOPs per step. */
async function runMbench(c: Config, a: Args): Promise<SideResult> {
  const backend = await useBackend('native');
  const source = new SyntheticSource(a.vocab, c.fill);
  const model = buildModelConfig({ recipe: c.recipe, size: c.size, vocabSize: a.vocab, maxSeqLen: Math.max(512, a.seq), features: { unpad: c.unpad } });
  const dir = mkdtempSync(join(tmpdir(), 'mbench-bench-native-'));
  const cpuMs: number[] = [];
  let lastCpu = process.cpuUsage();
  try {
    await pretrain(
      {
        recipe: c.recipe, model, createModel: createEncoder, source, outDir: dir, duration: `${a['warmup-steps'] + a.steps}ba`, seed: 1,
        batchSize: a.batch, seqLen: a.seq, maskRatio: a['mask-ratio'], evalBatches: 0, checkpointEvery: 0, keepCheckpoints: 1,
        backend: backend.name, device: backend.device, peakFlopsPerSecond: backend.peakFlopsPerSecond,
      },
      {
        onProgress: () => {
          const d = process.cpuUsage(lastCpu);
          lastCpu = process.cpuUsage();
          cpuMs.push((d.user + d.system) / 1000);
        },
      },
    );
    const steps = readJsonLines<MetricsRecord>(join(dir, 'metrics.jsonl')).flatMap((r) => (r.kind === 'train' ? [r] : [])).slice(a['warmup-steps']);
    return {
      msPerStep: steps.map((s) => s.stepSeconds * 1000),
      cpuMsPerStep: cpuMs.slice(a['warmup-steps']),
      tokens: median(steps.map((s) => s.tokens)),
      flops: median(steps.map((s) => s.stepFlops)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function child(cmd: string, args: string[]): Record<string, unknown> {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (r.status !== 0 || !line) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as Record<string, unknown>;
}

async function main(): Promise<void> {
  const a = await yargs(hideBin(process.argv))
    .scriptName('bench-native-train')
    .option('configs', { type: 'string', default: 'tiny/bert,tiny/mosaic,mini/bert,mini/mosaic,mini/mosaic/fill0.51,mini/mosaic/padded/fill0.51' })
    .option('rounds', { type: 'number', default: 2 })
    .option('steps', { type: 'number', default: 6 })
    .option('warmup-steps', { type: 'number', default: 2 })
    .option('vocab', { type: 'number', default: 4096 })
    .option('batch', { type: 'number', default: 32 })
    .option('seq', { type: 'number', default: 128 })
    .option('mask-ratio', { type: 'number', default: 0.15 })
    .option('python', { type: 'string', default: '/usr/bin/python3' })
    // torch's intra-op threads: 1 was its fastest here (OpenBLAS threads the products itself; with 2 torch threads
    // the two pools oversubscribe the cores: mosaic tiny 235–265 ms/step at 1 against 463–498 ms at 2, 2-core
    // AMD EPYC Zen 5, OpenBLAS 0.3.21 core=Haswell). 0 = all cores.
    .option('torch-threads', { type: 'number', default: 1 })
    .option('side', { choices: ['both', 'mbench'] as const, default: 'both' as const })
    .option('config', { type: 'string', describe: 'with --side mbench: the one config to run' })
    .strict()
    .parseAsync();
  if (a.side === 'mbench') {
    const r = await runMbench(parseConfig(a.config ?? 'tiny/mosaic'), a);
    console.log(JSON.stringify(r));
    return;
  }
  const configs = a.configs.split(',').map(parseConfig);
  const info = nativeInfo();
  process.stderr.write(`native: ${info.available ? info.summary : info.reason}; OPENBLAS_CORETYPE=${process.env['OPENBLAS_CORETYPE'] ?? '(unset)'}\n`);
  const self = fileURLToPath(import.meta.url);
  const common = ['--steps', String(a.steps), '--warmup-steps', String(a['warmup-steps']), '--vocab', String(a.vocab), '--batch', String(a.batch), '--seq', String(a.seq), '--mask-ratio', String(a['mask-ratio'])];
  const acc = new Map<string, { mb: SideResult[]; pt: Array<Record<string, unknown>> }>();
  for (let round = 1; round <= a.rounds; round++) {
    for (const c of configs) {
      process.stderr.write(`round ${round}/${a.rounds} ${c.label}: mbench native… `);
      const mb = child(process.execPath, ['--import', 'tsx', self, '--side', 'mbench', '--config', c.label, ...common]) as unknown as SideResult;
      process.stderr.write(`${median(mb.msPerStep).toFixed(0)} ms; torch… `);
      const pt = child(a.python, [join(self, '..', 'bench-native-torch.py'), '--recipe', c.recipe, '--size', c.size, '--unpad', String(c.unpad), '--fill', String(c.fill), '--threads', String(a['torch-threads']), ...common]);
      process.stderr.write(`${Number(pt['msPerStep']).toFixed(0)} ms\n`);
      const e = acc.get(c.label) ?? { mb: [], pt: [] };
      e.mb.push(mb);
      e.pt.push(pt);
      acc.set(c.label, e);
    }
  }
  const peak = (await useBackend('native')).peakFlopsPerSecond;
  console.log(`${'config'.padEnd(28)} ${'native ms'.padStart(10)} ${'cpu ms'.padStart(8)} ${'tok/s'.padStart(8)} ${'MFU'.padStart(6)} | ${'torch ms'.padStart(9)} ${'cpu ms'.padStart(8)} ${'tok/s'.padStart(8)} ${'MFU'.padStart(6)} | native/torch speed`);
  for (const c of configs) {
    const e = acc.get(c.label)!;
    const ms = median(e.mb.flatMap((r) => r.msPerStep));
    const cpu = median(e.mb.flatMap((r) => r.cpuMsPerStep));
    const tokens = median(e.mb.map((r) => r.tokens));
    const flops = median(e.mb.map((r) => r.flops ?? 0));
    const pms = median(e.pt.map((r) => Number(r['msPerStep'])));
    const pcpu = median(e.pt.map((r) => Number(r['cpuMsPerStep'])));
    const ptok = median(e.pt.map((r) => Number(r['tokensPerSecond'])));
    const mfu = (m: number) => (peak ? `${((flops / (m / 1000) / peak) * 100).toFixed(1)}%` : 'n/a');
    console.log(
      `${c.label.padEnd(28)} ${ms.toFixed(1).padStart(10)} ${cpu.toFixed(0).padStart(8)} ${(tokens / (ms / 1000)).toFixed(0).padStart(8)} ${mfu(ms).padStart(6)} | ` +
        `${pms.toFixed(1).padStart(9)} ${pcpu.toFixed(0).padStart(8)} ${ptok.toFixed(0).padStart(8)} ${mfu(pms).padStart(6)} | ${(pms / ms).toFixed(2)}×`,
    );
  }
  console.log(`MFU = mbench's FLOPs per step / wall time / ${peak ? (peak / 1e9).toFixed(0) : '?'} GFLOP/s peak estimate (src/engine/device.ts; MBENCH_PEAK_GFLOPS overrides). torch tokens/s counts its own batch's real tokens.`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
