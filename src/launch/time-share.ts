/**
 * Where a sweep's time went: the seconds its runs spent in timed pretraining steps against the core time the
 * executor had (wall-clock × slots). The rest is start-up, data loading, the warm-up pass, evaluation,
 * checkpoints and fine-tuning. Only runs finished by this invocation count (a rerun that skips finished runs
 * says nothing about them).
 */
import { readSummary } from '../results/summary.js';
import type { PlannedRun, SweepReport } from './executor.js';

export interface TimeShare {
  runs: number;
  wallSeconds: number;
  slots: number;
  pretrainSeconds: number;
  setupSeconds: number;
  finetuneSeconds: number;
  /** pretrainSeconds / (wallSeconds × slots). */
  pretrainShare: number;
}

export function timeShare(runs: readonly PlannedRun[], report: SweepReport, wallSeconds: number, slots: number): TimeShare | null {
  let n = 0;
  let pretrain = 0;
  let setup = 0;
  let finetune = 0;
  for (const run of runs) {
    const read = report.results.get(run.spec.id)?.state === 'finished' ? readSummary(run.dir) : null;
    if (read?.state !== 'finished') continue;
    const s = read.summary;
    n++;
    pretrain += s.pretrain.wallSeconds;
    setup += s.pretrain.setupSeconds ?? 0;
    finetune += s.finetune?.wallSeconds ?? 0;
  }
  if (n === 0 || wallSeconds <= 0) return null;
  return { runs: n, wallSeconds, slots, pretrainSeconds: pretrain, setupSeconds: setup, finetuneSeconds: finetune, pretrainShare: pretrain / (wallSeconds * slots) };
}

export function timeShareLine(t: TimeShare): string {
  const m = (s: number): string => (s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`);
  return (
    `time: ${m(t.wallSeconds)} wall × ${t.slots} run slot${t.slots === 1 ? '' : 's'}; ${t.runs} runs spent ${m(t.pretrainSeconds)} in timed pretraining steps ` +
    `(${(100 * t.pretrainShare).toFixed(0)}% of the slots' time), ${m(t.finetuneSeconds)} fine-tuning/probing, ${m(t.setupSeconds)} warm-up; ` +
    'the rest is start-up, data, evaluation and checkpoints'
  );
}
