/** A fixed kernel run and its comparison with every kind of outcome, for the report formats' exact-output tests. */
import type { Comparison } from '../../bench/compare.js';
import type { CheckReport } from '../../bench/report/index.js';
import type { KernelRecord } from '../../bench/types.js';

const completed = (name: string, shape: Record<string, number>, medianMs: number, ratios: number[], extra: { gflops?: number; gbps?: number }) => ({
  state: 'completed' as const,
  name,
  kernel: name.split('/')[0]!,
  shape,
  medianMs,
  gflops: extra.gflops ?? null,
  gbps: extra.gbps ?? null,
  ratioToCalibration: [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!,
  samples: { roundRatios: ratios, latencyMs: [medianMs, medianMs * 1.5, medianMs * 0.5, medianMs] },
});

export const record: KernelRecord = {
  schemaVersion: 1,
  backend: 'wasm',
  device: 'Test CPU <x86> "fast" & co (2 threads)',
  mbenchVersion: '0.1.0',
  gitCommit: 'abc123def456',
  createdAt: '2026-01-02T03:04:05.000Z',
  settings: { timeMs: 250, rounds: 4, clock: 'cpu' },
  calibration: { name: 'calibration-matmul', shape: { m: 256, k: 256, n: 256 }, medianMs: 2, gflops: 16.7 },
  cases: [
    completed('ffn-gelu/mini', { batch: 2, seq: 128, hidden: 256, intermediate: 1024 }, 40, [20, 21, 19, 22], { gflops: 13.4 }),
    completed('layernorm/tiny', { tokens: 512, hidden: 128 }, 0.5, [0.25, 0.26, 0.24, 0.25], { gbps: 1.05 }),
    { state: 'errored', name: 'attention-alibi-padded/mini', kernel: 'attention-alibi-padded', shape: { batch: 2 }, error: 'kernel <exploded> & "died"\nat line 2' },
    completed('pad-unpad/mini|new', { batch: 2, seq: 128, hidden: 256, padPercent: 25 }, 1, [0.5, 0.5, 0.5, 0.5], { gbps: 2 }),
    completed('embedding-gather/mini', { tokens: 256, hidden: 256, vocab: 30528 }, 0.25, [0.1, 0.12, 0.11, 0.13], {}),
  ],
};

export const comparison: Comparison = {
  threshold: 0.15,
  confidence: 0.95,
  cases: [
    { state: 'compared', name: 'ffn-gelu/mini', baselineRatio: 10.5, currentRatio: 21, change: 1.0, changeLow: 0.8, changeHigh: 1.25, verdict: 'slower' },
    { state: 'compared', name: 'layernorm/tiny', baselineRatio: 0.25, currentRatio: 0.25, change: 0.004, changeLow: -0.05, changeHigh: 0.06, verdict: 'same' },
    { state: 'errored', name: 'attention-alibi-padded/mini', error: 'kernel <exploded> & "died"\nat line 2' },
    { state: 'new', name: 'pad-unpad/mini|new' },
    { state: 'compared', name: 'embedding-gather/mini', baselineRatio: 0.2, currentRatio: 0.12, change: -0.4, changeLow: -0.5, changeHigh: -0.3, verdict: 'faster' },
  ],
  notRun: ['mlm-head-loss/mini'],
  regressed: true,
};

export const report: CheckReport = {
  record,
  comparison,
  baseline: { path: 'results/kernels/baseline-wasm.json', device: 'Baseline CPU (2 threads)' },
  enforced: true,
};
