/**
 * Times kernel cases with tinybench, each interleaved with the calibration case so that every case gets its
 * own calibrated ratio measured under the same machine conditions.
 *
 * A case's time budget is split into `rounds`. Each round times the calibration case, then the case, each as
 * one tinybench task; the round yields one ratio (roundRatio below). Load from other processes that comes and
 * goes moves both numbers of a round alike, and the ratios' spread across rounds is what the regression check
 * (compare.ts) treats as noise.
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

/** A case while the suite runs: its body (after setup) and the samples so far. */
interface LiveCase {
  kernelCase: KernelCase;
  body: CaseBody | null;
  error: string | null;
  roundRatios: number[];
  latencyMs: number[];
}

/**
 * Runs every case for `rounds` rounds, round-robin: round 1 of every case, then round 2 of every case, …
 * So each case's rounds spread over the whole run and sample the machine's changing load, and the spread of
 * its ratios reflects that (a case measured in one burst would carry one moment's load into every sample).
 * All cases are set up before the first round and disposed after the last.
 */
export async function runSuite(cases: readonly KernelCase[], options: SuiteOptions): Promise<SuiteResult> {
  if (!(options.timeMs > 0)) throw new Error(`timeMs must be positive, got ${options.timeMs}`);
  if (!Number.isInteger(options.rounds) || options.rounds < 1) throw new Error(`rounds must be a positive integer, got ${options.rounds}`);
  const roundMs = options.timeMs / options.rounds;
  const calibrationBody = options.calibration.setup();
  const calibrationMs: number[] = [];
  const live: LiveCase[] = cases.map((kernelCase) => ({ kernelCase, body: null, error: null, roundRatios: [], latencyMs: [] }));
  try {
    for (const c of live) {
      try {
        c.body = c.kernelCase.setup();
      } catch (err) {
        c.error = errorText(err);
      }
    }
    for (let round = 0; round < options.rounds; round++) {
      options.onProgress?.(`round ${round + 1}/${options.rounds} of ${cases.length} cases`);
      for (const c of live) {
        if (!c.body || c.error !== null) continue;
        try {
          const first = round === 0;
          const cal = await timeCalls(options.calibration.name, calibrationBody, roundMs / 3, minCalibrationCalls, first, options);
          const own = await timeCalls(c.kernelCase.name, c.body, roundMs, minCaseCalls, first, options);
          calibrationMs.push(...cal);
          c.latencyMs.push(...own);
          c.roundRatios.push(roundRatio(own, cal));
        } catch (err) {
          c.error = errorText(err);
        }
      }
    }
    if (cases.length === 0) calibrationMs.push(...(await timeCalls(options.calibration.name, calibrationBody, options.timeMs, minCalibrationCalls, true, options)));
  } finally {
    calibrationBody.dispose();
    for (const c of live) c.body?.dispose();
  }
  const medianMs = median(calibrationMs);
  return {
    calibration: {
      name: options.calibration.name,
      shape: options.calibration.shape,
      medianMs,
      gflops: (options.calibration.flops ?? 0) / medianMs / 1e6,
    },
    cases: live.map(toResult),
  };
}

/**
 * One round's calibrated ratio: fastest case call over fastest calibration call. Interference from other
 * processes only ever adds time, so the minimum is the estimate least moved by it (Chen & Revels 2016,
 * "Robust benchmarking in noisy environments", arXiv:1608.04295, §4).
 */
export function roundRatio(caseMs: readonly number[], calibrationMs: readonly number[]): number {
  return Math.min(...caseMs) / Math.min(...calibrationMs);
}

function errorText(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}

function toResult(c: LiveCase): CaseResult {
  const { name, kernel, shape, flops, bytes } = c.kernelCase;
  if (c.error !== null || c.latencyMs.length === 0) return { state: 'errored', name, kernel, shape, error: c.error ?? 'no samples' };
  const medianMs = median(c.latencyMs);
  return {
    state: 'completed',
    name,
    kernel,
    shape,
    medianMs,
    gflops: flops !== undefined ? flops / medianMs / 1e6 : null,
    gbps: flops === undefined && bytes !== undefined ? bytes / medianMs / 1e6 : null,
    ratioToCalibration: median(c.roundRatios),
    samples: { roundRatios: c.roundRatios, latencyMs: c.latencyMs },
  };
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
