/**
 * `--report json FILE`: the run in github-action-benchmark's `customSmallerIsBetter` input shape, an array of
 * {name, unit, value, range?, extra?} (its README, "Examples"; range and extra are free text shown in the chart's
 * tooltip). One entry per completed case:
 *   name   `<case> (<backend>)`, so a wasm and a native run can share one benchmark page;
 *   value  the case's median ratio to the calibration matmul (unit "× calibration matmul"): the number mbench's
 *          own check compares, steadier across CI runners than milliseconds;
 *   range  ± half the inter-quartile range of the per-round ratios;
 *   extra  the median call time and throughput, the shape, the device and, with --compare, the verdict.
 * Errored cases have no value and are left out (the check itself reports them). Works without --compare.
 */
import { percent, ratioText, shapeText } from '../table.js';
import type { CaseResult } from '../types.js';
import type { CheckReport, ReportExporter } from './report.js';

export interface BenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  range?: string;
  extra?: string;
}

export const RATIO_UNIT = '× calibration matmul';

type Completed = Extract<CaseResult, { state: 'completed' }>;

/** ± half the inter-quartile range of the round ratios (the quartiles as the results table takes them). */
function halfIqr(c: Completed): number {
  const sorted = [...c.samples.roundRatios].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return (q(0.75) - q(0.25)) / 2;
}

function throughput(c: Completed): string {
  if (c.gflops !== null) return `, ${c.gflops.toFixed(2)} GFLOP/s`;
  if (c.gbps !== null) return `, ${c.gbps.toFixed(2)} GB/s`;
  return '';
}

export function benchmarkEntries(r: CheckReport): BenchmarkEntry[] {
  const verdicts = new Map((r.comparison?.cases ?? []).map((c) => [c.name, c]));
  const level = r.comparison ? Math.round(r.comparison.confidence * 100) : 0;
  const entries: BenchmarkEntry[] = [];
  for (const c of r.record.cases) {
    if (c.state !== 'completed') continue;
    const extra = [
      `median ${c.medianMs.toFixed(3)} ms per call (${r.record.settings.clock} clock)${throughput(c)}`,
      `shape ${shapeText(c.shape)}`,
      `device ${r.record.device}`,
    ];
    const v = verdicts.get(c.name);
    if (v?.state === 'compared') {
      extra.push(`vs baseline ${ratioText(v.baselineRatio)}: ${percent(v.change)} (${level}% interval ${percent(v.changeLow)} … ${percent(v.changeHigh)}), ${v.verdict}`);
    } else if (v?.state === 'new') {
      extra.push('not in the baseline');
    }
    entries.push({ name: `${c.name} (${r.record.backend})`, unit: RATIO_UNIT, value: c.ratioToCalibration, range: `± ${ratioText(halfIqr(c))}`, extra: extra.join('\n') });
  }
  return entries;
}

export const benchmarkJsonExporter: ReportExporter = {
  format: 'json',
  describe: "github-action-benchmark's customSmallerIsBetter JSON: ratio to the calibration matmul per case (FILE, or - for stdout)",
  needsComparison: false,
  serialize: (r) => JSON.stringify(benchmarkEntries(r), null, 2) + '\n',
};
