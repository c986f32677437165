/**
 * The mock runner: a fake run whose every number is a deterministic function of the spec (like hyperfine's mock
 * executor), so executors, locking, resume, status and Slurm can be tested without tfjs. It behaves like a real
 * run on disk: steps that take `mock.stepMs` of real time, metrics.jsonl lines, a checkpoint-like state file
 * written every `checkpointEvery` steps and resumed from, then fine-tuning scores per task and seed.
 * Timings are simulated (from the spec), not measured, so interrupted and uninterrupted runs report the same.
 */
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fractionOf, parseDuration, parseRunDuration, type Duration } from '../../config/duration.js';
import { estimateRun } from '../../config/estimate.js';
import type { RunSpec } from '../../config/run-spec.js';
import { appendJsonLine, readJson, writeJsonAtomic } from '../../results/atomic.js';
import { checkpointsDir, metricsPath } from '../../results/store.js';
import type { FinetuneResult, PretrainResult, TaskResult } from '../../results/summary.js';
import { trimMetrics } from '../../train/resume.js';
import { RunFailure, RunInterrupted, type PointResult, type Runner } from './types.js';

/** micro-GLUE's task names, for mock fine-tuning when the spec does not list tasks. */
export const MOCK_SUITE_TASKS: Record<string, string[]> = {
  'micro-glue': ['sentiment', 'spam', 'acceptability', 'continuation'],
  glue: ['cola', 'sst2', 'mrpc', 'stsb', 'qqp', 'mnli', 'qnli', 'rte'],
};

interface MockState {
  step: number;
}

/** A uniform number in [0, 1) from the parts (SHA-256 based: stable across machines and Node versions). */
export function hashUniform(...parts: Array<string | number>): number {
  return parseInt(createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 8), 16) / 2 ** 32;
}

/** Steps of a mock run: `ba` as written; samples and tokens through the batch shape; time and epochs at a fixed rate. */
export function mockTotalSteps(spec: RunSpec): number {
  const d = parseRunDuration(spec.config.duration) as Duration;
  const est = estimateRun(spec.config);
  if (est.steps !== null) return Math.max(1, est.steps);
  if (d.unit === 'ep') return Math.max(1, Math.round(d.value * 20));
  return Math.max(1, Math.round(fractionOf(d, { value: 1, unit: 's', text: '1s' }) ?? 20)); // one simulated second per step
}

/** Simulated seconds per step: larger models are slower, unpadding is faster, and each seed jitters by ±5%. */
function stepSeconds(spec: RunSpec): number {
  const est = estimateRun(spec.config);
  const unpad = spec.config.unpad ? 0.75 : 1;
  return (0.02 + est.params / 2e8) * unpad * (0.95 + 0.1 * hashUniform('time', spec.id));
}

function mockLoss(spec: RunSpec, step: number): number {
  return 2 + 8 * Math.exp(-step / 50) + 0.1 * hashUniform('loss', spec.id, step);
}

function mockPretrain(spec: RunSpec, steps: number): PretrainResult {
  const est = estimateRun(spec.config);
  const wallSeconds = steps * stepSeconds(spec);
  const positions = steps * spec.config.batchSize * spec.config.seqLen;
  const tokens = Math.round(positions * 0.6);
  const flops = est.tokenPositions && est.flops ? (est.flops / est.tokenPositions) * positions : 0;
  return {
    steps,
    samples: steps * spec.config.batchSize,
    tokens,
    wallSeconds,
    flops,
    tokensPerSecond: tokens / wallSeconds,
    mfu: null,
    finalLoss: mockLoss(spec, steps),
    evalLoss: null,
    evalAccuracy: null,
    backend: 'mock',
    device: 'mock',
    devices: spec.devices,
  };
}

/** Scores rise with pretraining steps; each (task, fine-tuning seed, pretraining seed) adds its own noise. */
function mockFinetune(spec: RunSpec, steps: number): FinetuneResult | null {
  const f = spec.finetune;
  if (!f) return null;
  const tasks: Record<string, TaskResult> = {};
  for (const task of f.tasks ?? MOCK_SUITE_TASKS[f.suite] ?? []) {
    const perSeed = f.seeds.map((s) => {
      const learned = 0.3 * (1 - Math.exp(-steps / 150)) + (spec.recipe === spec.baseline ? 0 : 0.02);
      return Math.round((0.5 + learned + 0.04 * (hashUniform('score', spec.id, task, s) - 0.5)) * 1e6) / 1e6;
    });
    const score = perSeed.reduce((a, b) => a + b, 0) / perSeed.length;
    tasks[task] = { metric: 'accuracy', perSeed, score, metrics: { accuracy: score } };
  }
  return { suite: f.suite, seeds: f.seeds, tasks, wallSeconds: 0.5 * f.seeds.length * Object.keys(tasks).length };
}

export const mockRunner: Runner = async (ctx) => {
  const { spec, dir } = ctx;
  const stepMs = spec.mock?.stepMs ?? 0;
  const total = mockTotalSteps(spec);
  const interval = parseDuration(spec.config.checkpointEvery) as Duration;
  const every = Math.max(1, interval.unit === 'ba' ? interval.value : 10);
  const statePath = join(checkpointsDir(dir), 'mock-state.json');
  const metrics = metricsPath(dir);
  let step = 0;
  if (existsSync(statePath)) {
    step = readJson<MockState>(statePath).step;
    trimMetrics(metrics, step);
    ctx.log(`resuming from step ${step} (${statePath})`);
  } else {
    rmSync(metrics, { force: true });
  }
  const failAt = spec.mock?.failWithExitCode != null ? Math.ceil(total / 2) : null;
  while (step < total) {
    if (ctx.signal.aborted) throw new RunInterrupted();
    if (stepMs > 0) await sleep(stepMs);
    step++;
    const loss = mockLoss(spec, step);
    appendJsonLine(metrics, { kind: 'train', step, loss, time: new Date().toISOString() });
    if (step % every === 0 || step === total) writeJsonAtomic(statePath, { step } satisfies MockState);
    ctx.progress({ phase: 'pretrain', step, totalSteps: total, loss, tokensPerSecond: null, etaSeconds: ((total - step) * stepMs) / 1000 });
    if (failAt !== null && step >= failAt) throw new RunFailure(`mock run told to fail at step ${step} (mock.failSeeds)`, spec.mock!.failWithExitCode!);
  }
  const point = (steps: number): PointResult => ({ params: estimateRun(spec.config).params, pretrain: mockPretrain(spec, steps), finetune: mockFinetune(spec, steps) });
  const duration = parseRunDuration(spec.config.duration) as Duration;
  return {
    ...point(total),
    intermediates: spec.intermediates.map((p) => {
      const f = fractionOf(parseDuration(p.at) as Duration, duration) ?? 0.5;
      return { point: p, ...point(Math.max(1, Math.round(f * total))) };
    }),
  };
};
