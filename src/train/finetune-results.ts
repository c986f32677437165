/**
 * Fine-tuning results as MosaicBERT aggregates them (mosaicml/examples benchmarks/bert/glue.py): each run keeps
 * its best evaluation (best-of-eval-history); a task's metrics are averaged over its seeds; the task score is the
 * mean of its metrics (MNLI matched/mismatched, MRPC/QQP accuracy and F1); the suite score averages the tasks.
 */
import { mean } from '../data/metrics.js';
import { primaryMetricName, primaryScore } from '../data/tasks.js';
import type { TaskSpec } from '../data/tasks.js';
import type { FinetuneResult, TaskResult } from '../results/summary.js';

export interface EvalPoint {
  step: number;
  metrics: Record<string, number>;
}

/** The evaluation with the highest task score (the earliest among equals). */
export function bestOfHistory(history: readonly EvalPoint[]): EvalPoint {
  if (history.length === 0) throw new Error('no evaluations to choose from');
  let best = history[0]!;
  for (const p of history) if (primaryScore(p.metrics) > primaryScore(best.metrics)) best = p;
  return best;
}

/** One task's result from the best metrics of each seed's run. */
export function taskResult(spec: TaskSpec, devSplits: number, perSeedBest: ReadonlyArray<Record<string, number>>): TaskResult {
  if (perSeedBest.length === 0) throw new Error(`task ${spec.name} has no finished seeds`);
  const names = Object.keys(perSeedBest[0]!);
  const metrics = Object.fromEntries(names.map((n) => [n, mean(perSeedBest.map((m) => m[n]!))]));
  const perSeed = perSeedBest.map(primaryScore);
  return { metric: primaryMetricName(spec, devSplits), perSeed, score: mean(perSeed), metrics };
}

/** The suite's average score: tasks weighted equally (RunSummary.score). */
export function finetuneScore(result: Pick<FinetuneResult, 'tasks'>): number | null {
  const scores = Object.values(result.tasks).map((t) => t.score);
  return scores.length ? mean(scores) : null;
}
