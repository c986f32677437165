/**
 * Times kernel cases with tinybench, each interleaved with the calibration case so that every case gets its
 * own calibrated ratio measured under the same machine conditions.
 *
 * A case's time budget is split into `rounds`. Each round times the calibration case, then the case, each as
 * one tinybench task; the round yields one ratio = (case median ms) / (calibration median ms). Load from other
 * processes that comes and goes between rounds moves both numbers alike, and the ratios' spread across rounds
 * is what the regression check (compare.ts) treats as noise.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Bench } from 'tinybench';
import { median } from './stats.js';
import type { CaseBody, CaseResult, KernelCase } from './types.js';

export interface SuiteOptions {
  /** Measuring budget per case, ms (the calibration's share of each round comes on top: a third of it). */
  timeMs: number;
  /** How many calibration/case pairs the budget is split into (the sample count of the regression check). */
  rounds: number;
  calibration: KernelCase;
  /**
   * Waits for an asynchronous backend (GPU, native worker) to finish a call, so the work lands in the timed
   * window. Leave undefined for backends that execute eagerly and synchronously (wasm, cpu).
   */
  settle?: (out: tf.TensorContainer) => Promise<void>;
  /**
   * What a sample measures. 'wall': elapsed time (performance.now). 'cpu': CPU time this process spent
   * (process.cpuUsage, user + system) — for single-threaded synchronous backends (wasm, cpu) it equals wall
   * time on an idle machine, and on a shared one it leaves out the time other processes held the core, which
   * is most of the noise. tinybench's time budget stays on the wall clock either way.
   */
  clock: Clock;
  /** Progress lines for stderr. */
  onProgress?: (message: string) => void;
}

export type Clock = 'wall' | 'cpu';

/** CPU time of this process in ms (all threads: user + system). */
export function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export interface SuiteResult {
  calibration: { name: string; shape: Record<string, number>; medianMs: number; gflops: number };
  cases: CaseResult[];
}

/** Calls per round below which a round is not worth timing (the calibration is cheap; a case may not be). */
const minCalibrationCalls = 3;
const minCaseCalls = 1;

export async function runSuite(cases: readonly KernelCase[], options: SuiteOptions): Promise<SuiteResult> {
  if (!(options.timeMs > 0)) throw new Error(`timeMs must be positive, got ${options.timeMs}`);
  if (!Number.isInteger(options.rounds) || options.rounds < 1) throw new Error(`rounds must be a positive integer, got ${options.rounds}`);
  const calibrationBody = options.calibration.setup();
  const calibrationMs: number[] = [];
  const results: CaseResult[] = [];
  try {
    for (const [index, kernelCase] of cases.entries()) {
      options.onProgress?.(`[${index + 1}/${cases.length}] ${kernelCase.name}`);
      results.push(await measureCase(kernelCase, calibrationBody, calibrationMs, options));
    }
    if (cases.length === 0) calibrationMs.push(...(await timeCalls(options.calibration.name, calibrationBody, options.timeMs, minCalibrationCalls, true, options)));
  } finally {
    calibrationBody.dispose();
  }
  const medianMs = median(calibrationMs);
  return {
    calibration: {
      name: options.calibration.name,
      shape: options.calibration.shape,
      medianMs,
      gflops: (options.calibration.flops ?? 0) / medianMs / 1e6,
    },
    cases: results,
  };
}

async function measureCase(
  kernelCase: KernelCase,
  calibrationBody: CaseBody,
  calibrationMs: number[],
  options: SuiteOptions,
): Promise<CaseResult> {
  const { name, kernel, shape } = kernelCase;
  let body: CaseBody | undefined;
  try {
    body = kernelCase.setup();
    const roundMs = options.timeMs / options.rounds;
    const roundRatios: number[] = [];
    const latencyMs: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const first = round === 0;
      const cal = await timeCalls(options.calibration.name, calibrationBody, roundMs / 3, minCalibrationCalls, first, options);
      const own = await timeCalls(name, body, roundMs, minCaseCalls, first, options);
      calibrationMs.push(...cal);
      latencyMs.push(...own);
      roundRatios.push(median(own) / median(cal));
    }
    const medianMs = median(latencyMs);
    return {
      state: 'completed',
      name,
      kernel,
      shape,
      medianMs,
      gflops: kernelCase.flops !== undefined ? kernelCase.flops / medianMs / 1e6 : null,
      gbps: kernelCase.flops === undefined && kernelCase.bytes !== undefined ? kernelCase.bytes / medianMs / 1e6 : null,
      ratioToCalibration: median(roundRatios),
      samples: { roundRatios, latencyMs },
    };
  } catch (err) {
    return { state: 'errored', name, kernel, shape, error: (err as Error)?.message ?? String(err) };
  } finally {
    body?.dispose();
  }
}

/** Times calls of `body.run` with one tinybench task; returns the per-call latencies in ms. */
async function timeCalls(
  name: string,
  body: CaseBody,
  timeMs: number,
  minCalls: number,
  warmup: boolean,
  options: SuiteOptions,
): Promise<number[]> {
  const bench = new Bench({
    time: timeMs,
    iterations: minCalls,
    warmup,
    warmupIterations: 2,
    warmupTime: 0,
    retainSamples: true,
  });
  const settle = options.settle;
  if (options.clock === 'cpu') {
    if (settle) throw new Error("the 'cpu' clock cannot time an asynchronous backend: use the 'wall' clock");
    bench.add(name, () => {
      const start = processCpuMs();
      tf.dispose(tf.tidy(() => body.run()));
      return { overriddenDuration: processCpuMs() - start };
    }, { async: false });
  } else if (settle) {
    bench.add(name, async () => {
      const out = tf.tidy(() => body.run());
      try {
        await settle(out);
      } finally {
        tf.dispose(out);
      }
    }, { async: true });
  } else {
    bench.add(name, () => tf.dispose(tf.tidy(() => body.run())), { async: false });
  }
  const [task] = await bench.run();
  const result = task!.result;
  switch (result.state) {
    case 'completed':
      return [...(result.latency.samples ?? [])];
    case 'errored':
      throw result.error;
    default:
      throw new Error(`tinybench ended '${name}' in state '${result.state}'`);
  }
}
