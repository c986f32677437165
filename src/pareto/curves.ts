/**
 * Stage 1b: learning curves — held-out MLM loss and accuracy against pretraining time, one curve per run, from
 * the eval lines of its metrics.jsonl (the run store's format, written by the trainer; read here as plain
 * records, so src/pareto never imports the trainer or tfjs):
 *
 *   {kind: 'train', step, trainSeconds (run total so far), tokens (this step's), …}
 *   {kind: 'eval',  step, evalLoss, evalAccuracy, maskedTokens, trainSeconds?, tokensSeen?, …}
 *
 * An eval's time is its own `trainSeconds` when the line has one, else that of the train line of the same step
 * (an eval at step 0, before any training, is at 0 s); tokens seen likewise, else the sum of the train lines'
 * tokens up to that step. A torn last line is dropped; a file that cannot be read skips its run with a note.
 */
import { existsSync } from 'node:fs';
import { readJsonLines } from '../results/atomic.js';
import { metricsPath } from '../results/store.js';
import type { RawPoint } from './load.js';
import type { PointKind } from './types.js';

/** One held-out evaluation during pretraining. */
export interface CurvePoint {
  step: number;
  /** Pretraining seconds before this evaluation (excluding evaluation and checkpoint I/O). */
  trainSeconds: number;
  /** Real tokens trained on before it; null when the file does not say. */
  tokensSeen: number | null;
  /** Masked-token cross-entropy (nats) and accuracy (fraction) at 15% masking. */
  evalLoss: number;
  evalAccuracy: number;
}

/** One run's learning curve. */
export interface RunCurve {
  runId: string;
  name: string;
  recipe: string;
  seed: number | null;
  kind: PointKind;
  configKey: string;
  /** Sorted by step; at least one point. */
  points: CurvePoint[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The evaluations in some metrics.jsonl records, timed; evals whose time cannot be known are dropped. Pure. */
export function curvePoints(records: readonly unknown[]): CurvePoint[] {
  // 1. train lines by step: the run's time so far, and tokens summed up to that step
  const train = new Map<number, { trainSeconds: number | null; tokensSeen: number | null }>();
  const trainLines = records.filter(isRecord).filter((r) => r.kind === 'train' && num(r.step) !== null);
  let tokens: number | null = 0;
  for (const r of [...trainLines].sort((a, b) => (a.step as number) - (b.step as number))) {
    const t = num(r.tokens);
    tokens = tokens === null || t === null ? null : tokens + t;
    train.set(r.step as number, { trainSeconds: num(r.trainSeconds), tokensSeen: tokens });
  }
  // 2. eval lines, timed from their own fields or their step's train line; a repeated step keeps the last
  const byStep = new Map<number, CurvePoint>();
  for (const r of records) {
    if (!isRecord(r) || r.kind !== 'eval') continue;
    const step = num(r.step);
    const evalLoss = num(r.evalLoss);
    const evalAccuracy = num(r.evalAccuracy);
    if (step === null || step < 0 || evalLoss === null || evalAccuracy === null) continue;
    const t = train.get(step);
    const trainSeconds = num(r.trainSeconds) ?? t?.trainSeconds ?? (step === 0 ? 0 : null);
    if (trainSeconds === null) continue;
    const tokensSeen = num(r.tokensSeen) ?? t?.tokensSeen ?? (step === 0 ? 0 : null);
    byStep.set(step, { step, trainSeconds, tokensSeen, evalLoss, evalAccuracy });
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Which points have a curve of their own: runs and random-init runs (a checkpoint's curve is its parent's). */
const HAS_CURVE: ReadonlySet<PointKind> = new Set(['run', 'random-init']);

export interface LoadedCurves {
  curves: RunCurve[];
  warnings: string[];
}

/**
 * Stage 1b: the learning curve of every run in `runDirs` that has eval lines. When some run has them, a
 * random-init run without any is drawn from its summary's evaluation of the initial model, as one point at 0 s
 * (where the other curves start); alone such points make no chart.
 */
export function loadCurves(points: readonly RawPoint[], runDirs: Readonly<Record<string, string>>): LoadedCurves {
  const curves: RunCurve[] = [];
  const fromSummaries: RunCurve[] = [];
  const warnings: string[] = [];
  let without = 0;
  for (const p of points) {
    const dir = runDirs[p.id];
    if (!HAS_CURVE.has(p.kind) || dir === undefined) continue;
    const file = metricsPath(dir);
    let pts: CurvePoint[] = [];
    if (existsSync(file)) {
      try {
        pts = curvePoints(readJsonLines(file));
      } catch (err) {
        warnings.push(`learning curve of ${p.name} skipped: ${(err as Error).message}`);
        continue;
      }
    }
    const curve = (points: CurvePoint[]): RunCurve => ({ runId: p.id, name: p.name, recipe: p.recipe, seed: p.seed, kind: p.kind, configKey: p.configKey, points });
    if (pts.length) curves.push(curve(pts));
    else if (p.kind === 'random-init' && p.mlmLoss !== null && p.mlmAccuracy !== null) {
      fromSummaries.push(curve([{ step: 0, trainSeconds: 0, tokensSeen: 0, evalLoss: p.mlmLoss, evalAccuracy: p.mlmAccuracy }]));
    } else without++;
  }
  if (curves.length) curves.push(...fromSummaries);
  else without += fromSummaries.length;
  if (without && curves.length) warnings.push(`learning curves: ${without} run${without === 1 ? '' : 's'} without held-out evaluations in metrics.jsonl skipped`);
  if (without && !curves.length) warnings.push(`no learning curves: no run's metrics.jsonl has held-out evaluations (${without} run${without === 1 ? '' : 's'} looked at)`);
  return { curves, warnings };
}
