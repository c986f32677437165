/** The plan as a table for `mbench sweep --dry-run`: one row per run, estimated steps, tokens and FLOPs. */
import Table from 'cli-table3';
import { estimateRun } from '../config/estimate.js';
import { readSummary } from '../results/summary.js';
import type { PlannedRun } from './executor.js';

/** 1234567 → `1.23M`; null → `—`. */
export function si(n: number | null, unit = ''): string {
  if (n === null) return '—';
  const prefixes: Array<[number, string]> = [[1e18, 'E'], [1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [v, p] of prefixes) if (Math.abs(n) >= v) return `${(n / v).toPrecision(3)}${p}${unit}`;
  return `${Number(n.toPrecision(3))}${unit}`;
}

/** Rows the plan table draws; beyond them it counts (a terminal table of 10⁴ rows is unreadable, and slow to lay out). */
export const PLAN_TABLE_ROWS = 200;

export function planTable(runs: PlannedRun[]): string {
  const t = new Table({ style: { head: [], border: [] }, head: ['id', 'run', 'recipe', 'size', 'duration', 'seed', 'params', 'batch', 'devices', 'microbatch†', 'steps', 'tokens*', 'FLOPs', 'extra points', 'state'] });
  let tokens = 0;
  let flops = 0;
  let unknown = 0;
  let done = 0;
  runs.forEach(({ spec, dir }, i) => {
    const summary = readSummary(dir).state;
    if (summary === 'finished') done++;
    const e = estimateRun(spec.config);
    tokens += e.tokenPositions ?? 0;
    flops += e.flops ?? 0;
    if (e.flops === null) unknown++;
    if (i >= PLAN_TABLE_ROWS) return;
    t.push([
      spec.id,
      spec.name,
      spec.recipe,
      spec.config.size,
      spec.config.duration,
      spec.seed,
      si(e.params),
      spec.config.batchSize,
      spec.devices,
      microbatchCell(spec.config.batchSize, spec.devices, spec.microbatch ?? null),
      e.steps ?? '—',
      si(e.tokenPositions),
      si(e.flops),
      spec.intermediates.map((p) => `@${p.at}`).join(' ') || '',
      summary === 'finished' ? 'done' : summary === 'damaged' ? 'to redo (damaged summary.json)' : 'to run',
    ]);
  });
  const points = runs.reduce((n, r) => n + r.spec.intermediates.length, 0);
  const finetune = runs[0]?.spec.finetune;
  const lines = [
    t.toString() + (runs.length > PLAN_TABLE_ROWS ? `\n… ${(runs.length - PLAN_TABLE_ROWS).toLocaleString('en-US')} more runs not shown (the first ${PLAN_TABLE_ROWS} are above)` : ''),
    `${runs.length} runs (${done} done)` +
      (points ? ` + ${points} intermediate points` : '') +
      ` · ≈ ${si(tokens)} token positions · ≈ ${si(flops, 'FLOP')} of pretraining` +
      (unknown ? ` (+ ${unknown} runs with time/epoch durations, not estimated)` : ''),
    finetune ? `fine-tuning: ${finetune.suite}${finetune.tasks ? ` (${finetune.tasks.join(', ')})` : ''}, seeds ${finetune.seeds.join(', ')}` : 'fine-tuning: none',
    '* tokens = batch × seqLen × steps, an upper bound: samples are padded, and only real tokens are counted in runs.',
    '† samples per forward/backward pass on each device × passes per step (batch = devices × microbatch × passes).',
  ];
  return lines.join('\n');
}

/** `128 ×4`: the microbatch and how many of them each device runs per step (the expansion checked they divide). */
function microbatchCell(batch: number, devices: number, microbatch: number | null): string {
  const perDevice = batch / devices;
  const mb = microbatch ?? perDevice;
  return `${mb} ×${perDevice / mb}`;
}
