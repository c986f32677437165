/** Synthetic run summaries for the pareto tests: written to a temp results folder, as real runs would be. */
import { appendFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../src/results/atomic.js';
import type { RunSummary } from '../../src/results/summary.js';

export interface SyntheticRun {
  recipe: string;
  config?: Record<string, string | number | boolean>;
  seed?: number;
  wallSeconds: number;
  score: number | null;
  tasks?: Record<string, number>;
  intermediateOf?: string | null;
  costUsd?: number | null;
  id?: string;
  /** Held-out MLM loss (nats) and accuracy (fraction) after pretraining; absent = not evaluated. */
  mlm?: { loss: number; accuracy: number };
  /** Pretraining steps; default 100. 0 = a random-init run (see randomInitRun). */
  steps?: number;
}

let counter = 0;

export function makeSummary(sweep: string, r: SyntheticRun): RunSummary {
  const id = r.id ?? `r${(counter++).toString(36).padStart(5, '0')}`;
  const config = r.config ?? {};
  const tasks = Object.fromEntries(
    Object.entries(r.tasks ?? {}).map(([t, s]) => [t, { metric: 'accuracy', perSeed: [s], score: s, metrics: { accuracy: s } }]),
  );
  return {
    schemaVersion: 1,
    id,
    sweep,
    name: `${r.recipe}-${Object.values(config).join('-')}-s${r.seed ?? 0}`,
    recipe: r.recipe,
    config,
    seed: r.seed ?? 0,
    intermediateOf: r.intermediateOf ?? null,
    spec: {},
    params: 1000,
    pretrain: {
      steps: r.steps ?? 100,
      samples: (r.steps ?? 100) * 10,
      tokens: r.wallSeconds * 1000,
      wallSeconds: r.wallSeconds,
      flops: r.wallSeconds * 1e9,
      tokensPerSecond: 1000,
      mfu: null,
      finalLoss: 3,
      evalLoss: r.mlm?.loss ?? null,
      evalAccuracy: r.mlm?.accuracy ?? null,
      backend: 'cpu',
      device: 'test',
      devices: 1,
    },
    finetune: r.score === null && !r.tasks ? null : { suite: 'micro-glue', seeds: [0], tasks, wallSeconds: 1 },
    score: r.score,
    pricePerDeviceHour: r.costUsd === undefined ? 2 : null,
    costUsd: r.costUsd === undefined ? (r.wallSeconds / 3600) * 2 : r.costUsd,
    mbenchVersion: '0.1.0',
    gitCommit: null,
    finishedAt: '2026-01-01T00:00:00Z',
  };
}

export function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), 'mbench-pareto-'));
}

/** Writes runs as <root>/<sweep>/<id>/summary.json; returns the summaries. */
export function writeSweep(root: string, sweep: string, runs: SyntheticRun[]): RunSummary[] {
  return runs.map((r) => {
    const s = makeSummary(sweep, r);
    writeJsonAtomic(join(root, sweep, s.id, 'summary.json'), s);
    return s;
  });
}

/** An unfinished run: a folder with no summary.json. */
export function writeUnfinished(root: string, sweep: string, id: string): void {
  mkdirSync(join(root, sweep, id), { recursive: true });
}

const curve = (c1: number, c2: number, c3: number, c4: number) => (t: number) => c1 - c2 * Math.exp(-Math.pow(c3 * t, c4));

/**
 * A realistic small sweep: bert and mosaic at four durations × three seeds, four tasks, MosaicBERT ~1.4× faster
 * per step and better per hour; plus mosaic intermediate checkpoints. Deterministic "noise" from the seed.
 */
export function realisticRuns(): SyntheticRun[] {
  const runs: SyntheticRun[] = [];
  const recipes = [
    { recipe: 'bert', secondsPerStep: 2.0, score: curve(0.8, 0.35, 1 / 1500, 0.9) },
    { recipe: 'mosaic', secondsPerStep: 1.4, score: curve(0.82, 0.37, 1 / 1000, 0.9) },
  ];
  const taskOffsets = { sentiment: 0.06, spam: 0.12, acceptability: -0.1, continuation: -0.08 };
  for (const { recipe, secondsPerStep, score } of recipes) {
    for (const steps of [100, 200, 400, 800, 1600]) {
      for (const seed of [1, 2, 3]) {
        const wallSeconds = steps * secondsPerStep * (1 + 0.02 * (seed - 2));
        const noise = 0.012 * Math.sin(seed * 12.9898 + steps * 78.233);
        const avg = score(wallSeconds) + noise;
        const tasks = Object.fromEntries(Object.entries(taskOffsets).map(([t, o], i) => [t, Math.min(0.99, avg + o + 0.004 * Math.cos(seed + i))]));
        const taskMean = Object.values(tasks).reduce((a, b) => a + b, 0) / 4;
        runs.push({ recipe, config: { size: 'tiny', duration: `${steps}ba` }, seed, wallSeconds, score: taskMean, tasks });
      }
    }
  }
  // Intermediate checkpoints of mosaic's longest runs.
  for (const seed of [1, 2, 3]) {
    for (const steps of [600, 1200]) {
      const wallSeconds = steps * 1.4;
      const avg = recipes[1]!.score(wallSeconds) - 0.02;
      runs.push({ recipe: 'mosaic', config: { size: 'tiny', duration: '1600ba', evalAt: `${steps}ba` }, seed, wallSeconds, score: avg, intermediateOf: `parent${seed}`, tasks: { sentiment: avg + 0.06, spam: avg + 0.12, acceptability: avg - 0.1, continuation: avg - 0.08 } });
    }
  }
  return runs;
}

/**
 * A random-init run as the runner writes it for duration `0ba`: no pretraining (0 steps, tokens, seconds, FLOPs,
 * dollars), the initial model's held-out MLM values and its fine-tuning scores.
 */
export function randomInitRun(recipe: string, r: { seed?: number; score: number | null; tasks?: Record<string, number>; mlm?: { loss: number; accuracy: number }; config?: Record<string, string | number | boolean> }): SyntheticRun {
  return { recipe, seed: r.seed, config: { ...(r.config ?? {}), duration: '0ba' }, wallSeconds: 0, steps: 0, score: r.score, tasks: r.tasks, mlm: r.mlm, costUsd: 0 };
}

/**
 * A small MLM study: bert and mosaic, a random-init run and three durations, two seeds each. Held-out loss
 * falls from 7.2 nats (random init, both recipes) towards 2.2 (bert) / 2.0 (mosaic); accuracy rises from 0.01.
 * Mosaic steps are 1.4× faster. Fine-tuning scores hover at chance (0.5 ± 0.01), as at micro scale.
 */
export function mlmRuns(): SyntheticRun[] {
  const runs: SyntheticRun[] = [];
  const recipes = [
    { recipe: 'bert', secondsPerStep: 2, loss: (t: number) => 2.2 + 5 * Math.exp(-Math.pow(t / 400, 0.8)), acc: (t: number) => 0.45 - 0.44 * Math.exp(-Math.pow(t / 500, 0.9)) },
    { recipe: 'mosaic', secondsPerStep: 1.4, loss: (t: number) => 2.0 + 5.2 * Math.exp(-Math.pow(t / 300, 0.8)), acc: (t: number) => 0.48 - 0.47 * Math.exp(-Math.pow(t / 380, 0.9)) },
  ];
  for (const { recipe, secondsPerStep, loss, acc } of recipes) {
    for (const seed of [1, 2]) {
      const jitter = 0.004 * (seed - 1.5);
      runs.push(randomInitRun(recipe, { seed, config: { size: 'tiny' }, score: 0.5 + jitter, mlm: { loss: loss(0) + jitter, accuracy: acc(0) } }));
      for (const steps of [50, 150, 450]) {
        const wallSeconds = steps * secondsPerStep * (1 + 0.01 * (seed - 1.5));
        runs.push({ recipe, seed, steps, config: { size: 'tiny', duration: `${steps}ba` }, wallSeconds, score: 0.5 - jitter, mlm: { loss: loss(wallSeconds) + jitter, accuracy: acc(wallSeconds) - jitter } });
      }
    }
  }
  return runs;
}

/** Appends metrics.jsonl lines to a run's folder; `torn` ends the file in the middle of one more line. */
export function writeMetrics(root: string, sweep: string, id: string, lines: object[], torn?: string): void {
  const dir = join(root, sweep, id);
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, 'metrics.jsonl'), lines.map((l) => JSON.stringify(l) + '\n').join('') + (torn ?? ''));
}
