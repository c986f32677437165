/**
 * The kernel suite's contract: what a benchmark case is, what a measurement yields, and the record written to
 * results/kernels/*.json (the baseline format `--compare` reads). Results are unions keyed on `state`, as in
 * tinybench: only a completed case carries statistics.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** One shape of one kernel, ready to set up and time. */
export interface KernelCase {
  /** Unique, stable, filterable: `<kernel>/<size>[/pad<percent>]`, e.g. `attention-alibi-unpadded/mini/pad25`. */
  name: string;
  /** The kernel family (the part of `name` before the first `/`). */
  kernel: string;
  /** Dimensions as named integers, e.g. {batch: 32, seq: 128, hidden: 256, heads: 4, padPercent: 25}. */
  shape: Record<string, number>;
  /** Floating-point operations per call (multiply and add counted separately), when compute is the measure. */
  flops?: number;
  /** Bytes moved per call (inputs read + outputs written, float32), when memory traffic is the measure. */
  bytes?: number;
  /** Allocates inputs and weights (untimed). The body's `run` is timed; `dispose` frees what setup made. */
  setup(): CaseBody;
}

export interface CaseBody {
  /** One call of the kernel. Runs inside tf.tidy; whatever tensors it returns are disposed after timing. */
  run(): tf.TensorContainer;
  dispose(): void;
}

/** Statistics of one completed case, all from the same process as its calibration. */
export interface CaseStatistics {
  /** Median per-call time, ms, on the run's clock (settings.clock). */
  medianMs: number;
  /** Throughput at the median time: GFLOP/s when the case counts flops, else null. */
  gflops: number | null;
  /** Throughput at the median time: GB/s when the case counts bytes and not flops, else null. */
  gbps: number | null;
  /** Median over rounds of the round ratio (fastest case call / fastest calibration call in that round). */
  ratioToCalibration: number;
  samples: {
    /** One calibrated ratio per round: the samples the regression check compares. */
    roundRatios: number[];
    /** Every timed call of the case, ms, in order. */
    latencyMs: number[];
  };
}

export type CaseResult =
  | ({ state: 'completed'; name: string; kernel: string; shape: Record<string, number> } & CaseStatistics)
  | { state: 'errored'; name: string; kernel: string; shape: Record<string, number>; error: string };

export const kernelRecordSchemaVersion = 1;

/** results/kernels/<backend>.json and baseline-<backend>.json. */
export interface KernelRecord {
  schemaVersion: typeof kernelRecordSchemaVersion;
  backend: string;
  /** CPU model, core count and platform (or the accelerator, for GPU backends). */
  device: string;
  /** The device's estimated float32 peak FLOP/s; null: unknown (GPUs, unless MBENCH_PEAK_GFLOPS). Absent in older records. */
  peakFlopsPerSecond?: number | null;
  mbenchVersion: string;
  gitCommit: string | null;
  createdAt: string;
  /** `clock`: what the ms measure — 'cpu' (process CPU time) or 'wall' (elapsed); see harness.ts. */
  settings: { timeMs: number; rounds: number; clock: 'wall' | 'cpu' };
  calibration: { name: string; shape: Record<string, number>; medianMs: number; gflops: number };
  cases: CaseResult[];
}
