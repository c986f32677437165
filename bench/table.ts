/** Terminal tables (cli-table3) for a suite run and for a comparison verdict. Pure: records in, text out. */
import Table from 'cli-table3';
import type { Comparison } from './compare.js';
import type { CaseResult, KernelRecord } from './types.js';

/** Short names for shape keys, so the table fits a terminal: B8 S128 H256 h4 pad25%. */
const shapeAbbreviations: Record<string, string> = {
  batch: 'B', seq: 'S', hidden: 'H', heads: 'h', intermediate: 'I', tokens: 'T', vocab: 'V', masked: 'M', params: 'P', tensors: 'n',
};

/** Compact shape text: `B8 S128 H256 h4 pad25%`. */
export function shapeText(shape: Record<string, number>): string {
  return Object.entries(shape)
    .map(([k, v]) => (k.endsWith('Percent') ? `${k.slice(0, -'Percent'.length)}${v}%` : `${shapeAbbreviations[k] ?? k}${v}`))
    .join(' ');
}

/** Borders without a rule between every row: a 35-row table stays readable. */
const compact = {
  chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  style: { head: [], border: [] },
};

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '—';
}

/** A ratio to 3 significant digits: 0.0512, 7.23, 315 (also used by report/). */
export function ratioText(value: number): string {
  return Number.isFinite(value) ? (value >= 100 ? value.toFixed(0) : value.toPrecision(3)) : '—';
}

function throughputText(c: Extract<CaseResult, { state: 'completed' }>): string {
  if (c.gflops !== null) return `${fixed(c.gflops, 2)} GFLOP/s`;
  if (c.gbps !== null) return `${fixed(c.gbps, 2)} GB/s`;
  return '—';
}

/** One row per case: median time, throughput, ratio to the calibration matmul, rounds' spread. */
export function resultsTable(record: KernelRecord): string {
  const table = new Table({
    head: ['case', 'shape', 'median ms', 'throughput', '× calibration', 'ratio IQR'],
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right'],
    ...compact,
  });
  const cal = record.calibration;
  table.push([cal.name, shapeText(cal.shape), fixed(cal.medianMs, 3), `${fixed(cal.gflops, 2)} GFLOP/s`, '1.00', '']);
  const errors: string[] = [];
  for (const c of record.cases) {
    if (c.state === 'errored') {
      // The message goes under the table: a cell spanning columns breaks cli-table3's compact borders.
      table.push([c.name, shapeText(c.shape), 'ERROR', '—', '—', '']);
      errors.push(`${c.name}: ${c.error.split('\n')[0]!.slice(0, 200)}`);
      continue;
    }
    const sorted = [...c.samples.roundRatios].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
    table.push([c.name, shapeText(c.shape), fixed(c.medianMs, 3), throughputText(c), ratioText(c.ratioToCalibration), `${ratioText(q(0.25))}–${ratioText(q(0.75))}`]);
  }
  const notes = errors.map((e) => `\nERROR ${e}`).join('');
  return `backend ${record.backend} on ${record.device}; ${record.settings.rounds} rounds, ${record.settings.timeMs} ms per case\n${table.toString()}${notes}`;
}

/**
 * Several backends' runs of the same cases side by side: per backend the median ms and throughput, and for each
 * backend after the first its speed relative to the first (first's ms / its ms; > 1 is faster). Times are on
 * each record's own clock (process CPU time for single-threaded wasm/native, see harness.ts).
 */
export function backendsTable(records: KernelRecord[]): string {
  const [first, ...rest] = records;
  if (!first) return '';
  const head = ['case', 'shape'];
  for (const r of records) head.push(`${r.backend} ms`, `${r.backend} throughput`);
  for (const r of rest) head.push(`${r.backend} vs ${first.backend}`);
  const table = new Table({ head, colAligns: ['left', 'left', ...head.slice(2).map(() => 'right' as const)], ...compact });
  const byName = records.map((r) => new Map(r.cases.map((c) => [c.name, c])));
  for (const c of first.cases) {
    const row: string[] = [c.name, shapeText(c.shape)];
    const found = byName.map((m) => m.get(c.name));
    for (const f of found) {
      if (f?.state === 'completed') row.push(fixed(f.medianMs, 3), throughputText(f));
      else row.push(f ? 'ERROR' : '—', '');
    }
    const base = found[0];
    for (const f of found.slice(1)) {
      row.push(base?.state === 'completed' && f?.state === 'completed' ? `${ratioText(base.medianMs / f.medianMs)}×` : '—');
    }
    table.push(row);
  }
  const settings = records.map((r) => `${r.backend}: ${r.device}, ${r.settings.clock} clock`).join('; ');
  return `${settings}
${table.toString()}`;
}

/** A relative change as +12.3% or −4.0% (also used by report/). */
export function percent(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '+∞' : '−∞';
  return `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}%`;
}

/** The regression check's verdicts: change of the calibrated time with its confidence interval. */
export function verdictTable(comparison: Comparison): string {
  const table = new Table({
    head: ['case', 'baseline ×cal', 'now ×cal', 'change', `${Math.round(comparison.confidence * 100)}% interval`, 'verdict'],
    colAligns: ['left', 'right', 'right', 'right', 'right', 'left'],
    ...compact,
  });
  for (const c of comparison.cases) {
    if (c.state === 'compared') {
      table.push([c.name, ratioText(c.baselineRatio), ratioText(c.currentRatio), percent(c.change), `${percent(c.changeLow)} … ${percent(c.changeHigh)}`, c.verdict.toUpperCase()]);
    } else if (c.state === 'errored') {
      table.push([c.name, '', '', '', '', `ERRORED: ${c.error.slice(0, 60)}`]);
    } else {
      table.push([c.name, '', '', '', '', 'new (not in baseline)']);
    }
  }
  const counts = { slower: 0, same: 0, faster: 0 };
  for (const c of comparison.cases) if (c.state === 'compared') counts[c.verdict]++;
  const errored = comparison.cases.filter((c) => c.state === 'errored').length;
  const lines = [
    table.toString(),
    `threshold ${(comparison.threshold * 100).toFixed(0)}%: ${counts.slower} slower, ${counts.same} same, ${counts.faster} faster` +
      (errored ? `, ${errored} errored` : '') +
      (comparison.notRun.length ? `; ${comparison.notRun.length} baseline case(s) not run` : ''),
    comparison.regressed ? 'REGRESSION: at least one kernel is slower beyond the threshold and its noise (or broke)' : 'OK: no kernel regressed',
  ];
  return lines.join('\n');
}
