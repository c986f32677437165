/**
 * Fine-tuning tasks: examples, how they are scored, and their hyperparameters. GLUE (glue.ts) and the
 * offline micro-GLUE suite (micro-glue.ts) both produce TaskData; the fine-tuning loop (src/train/finetune*.ts)
 * consumes it without knowing which suite it came from.
 */
import { accuracy, f1Binary, matthews, mean, pearson, spearman } from './metrics.js';

/** One example: a sentence, or a sentence pair (encoded [CLS] a [SEP] b [SEP] with token types 0/1). */
export interface TaskExample {
  a: string;
  b?: string;
  /** Class index for classification, a real score for regression. */
  label: number;
}

export type MetricName = 'accuracy' | 'f1' | 'mcc' | 'pearson' | 'spearman';

export interface TaskHyperparameters {
  /** Peak learning rate (linear warmup over 6% of steps, then linear decay to 0, as MosaicBERT's GLUE jobs). */
  lr: number;
  weightDecay: number;
  batchSize: number;
  epochs: number;
  /** Fine-tuning seeds; a task's score is averaged over them. */
  seeds: number[];
  maxSeqLen: number;
  /** Evaluations per epoch; the best is kept (best-of-eval-history). */
  evalsPerEpoch: number;
}

export interface TaskSpec {
  name: string;
  kind: 'classification' | 'regression';
  /** Classes (1 for regression). */
  numLabels: number;
  labelNames?: string[];
  /** Metrics computed on every dev split; the task score is their mean over splits × metrics (MosaicBERT's glue.py). */
  metrics: MetricName[];
  hyper: TaskHyperparameters;
  /** Start from this task's fine-tuned weights instead of the pretrained model (GLUE: RTE, MRPC, STS-B from MNLI). */
  startFrom?: string;
  /** Where the data came from, for tables. */
  source: string;
  synthetic?: boolean;
}

export interface TaskData {
  spec: TaskSpec;
  train: TaskExample[];
  /** Dev splits by name: `dev`, or MNLI's `matched` and `mismatched`. */
  dev: Record<string, TaskExample[]>;
}

export function metricValue(name: MetricName, gold: readonly number[], pred: readonly number[]): number {
  switch (name) {
    case 'accuracy':
      return accuracy(gold, pred);
    case 'f1':
      return f1Binary(gold, pred);
    case 'mcc':
      return matthews(gold, pred);
    case 'pearson':
      return pearson(gold, pred);
    case 'spearman':
      return spearman(gold, pred);
  }
}

/** Every metric on every dev split, keyed `metric` (one split) or `metric_split` (several). */
export function scoreTask(spec: TaskSpec, dev: Record<string, TaskExample[]>, predictions: Record<string, readonly number[]>): Record<string, number> {
  const splits = Object.keys(dev);
  const out: Record<string, number> = {};
  for (const split of splits) {
    const gold = dev[split]!.map((e) => e.label);
    const pred = predictions[split];
    if (!pred) throw new Error(`no predictions for ${spec.name}/${split}`);
    for (const m of spec.metrics) out[splits.length > 1 ? `${m}_${split}` : m] = metricValue(m, gold, pred);
  }
  return out;
}

/** The task's single score: the mean of all its metrics (MNLI: matched and mismatched; MRPC/QQP: accuracy and F1). */
export function primaryScore(metrics: Record<string, number>): number {
  return mean(Object.values(metrics));
}

/** The name TaskResult.metric reports: the metric itself, or `avg` when several are averaged. */
export function primaryMetricName(spec: TaskSpec, devSplits: number): string {
  return spec.metrics.length === 1 && devSplits === 1 ? spec.metrics[0]! : 'avg';
}

/** Majority-class baseline on a dev split: every metric when always predicting the most common train label. */
export function majorityBaseline(task: TaskData): Record<string, number> {
  const counts = new Map<number, number>();
  for (const e of task.train) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  let majority = 0;
  let best = -1;
  for (const [label, n] of counts) if (n > best || (n === best && label < majority)) [majority, best] = [label, n];
  if (task.spec.kind === 'regression') majority = mean(task.train.map((e) => e.label));
  const preds = Object.fromEntries(Object.entries(task.dev).map(([k, v]) => [k, v.map(() => majority)]));
  return scoreTask(task.spec, task.dev, preds);
}
