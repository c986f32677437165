/** `mbench kernels`: kernel throughput table, JSON export, baselines and the CI regression check. */
import { checkOutputFile } from '../results/output-path.js';
import type { CommandModule } from 'yargs';
import { UserError } from '../errors.js';
import { handler } from './common.js';
import { activateBackend, checkBackendName, knownBackends } from '../../bench/backend.js';
import { compareResults } from '../../bench/compare.js';
import { baselinePath, checkSameClock, loadBaseline, saveRecord } from '../../bench/record.js';
import { allCases, defaultCases, filterCases } from '../../bench/registry.js';
import { measureKernels, repeatWork } from '../../bench/suite.js';
import { backendsTable, resultsTable, shapeText, verdictTable } from '../../bench/table.js';
import type { KernelRecord } from '../../bench/types.js';
import { parseReportRequests, REPORT_FORMATS } from '../../bench/report/index.js';
import { checkReportRequests, writeReports } from './kernels-report.js';

const defaultSettings = { timeMs: 500, rounds: 10 };
/** How many times a `--plant-slowdown` case does its work per call. */
const plantedSlowdownTimes = 4;

interface KernelsArgs {
  backend: string;
  filter?: string;
  time?: number;
  rounds?: number;
  json?: string;
  compare?: string;
  threshold: string;
  'save-baseline'?: string;
  list: boolean;
  all: boolean;
  'plant-slowdown'?: string;
  'other-device': 'fail' | 'warn';
  report?: string[];
}

/** '10%' or '0.1' → 0.1. */
export function parseThreshold(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  const value = match ? Number(match[1]) / (match[2] ? 100 : 1) : NaN;
  if (!(value >= 0 && value < 10)) throw new UserError(`--threshold '${text}' is not a percentage like 10% (or a fraction like 0.1)`);
  return value;
}

export const command: CommandModule<object, KernelsArgs> = {
  command: 'kernels',
  describe: 'Measure kernel throughput (table, JSON) and check for regressions against a baseline',
  builder: (y) =>
    y
      .option('backend', {
        type: 'string',
        default: 'wasm',
        describe: `tfjs backend: ${knownBackends.join(', ')}; several, comma-separated (wasm,native), give a side-by-side table with a column per backend`,
      })
      .option('filter', { type: 'string', describe: "comma-separated case patterns: substrings ('attention,mini') or globs ('ffn-*/base')" })
      .option('time', { type: 'number', describe: `measuring time per case, ms, split into --rounds; the calibration adds a third (default ${defaultSettings.timeMs}, or the baseline's with --compare)` })
      .option('rounds', { type: 'number', describe: `calibration/case pairs per case: the samples the regression check compares (default ${defaultSettings.rounds}, or the baseline's)` })
      .option('json', { type: 'string', describe: 'also write the results record to this file' })
      .option('compare', { type: 'string', describe: 'baseline record to compare with (results/kernels/baseline-<backend>.json); exit 1 on a regression' })
      .option('threshold', { type: 'string', default: '10%', describe: 'with --compare: slowdown beyond which (and beyond its noise) a case fails' })
      .option('other-device', {
        choices: ['fail', 'warn'] as const,
        default: 'fail' as const,
        describe:
          'with --compare, when the baseline was measured on another device: fail on a regression as usual, or only warn (a ratio to the calibration matmul also moves with the CPU, e.g. memory-bound kernels on a CPU with other bandwidth)',
      })
      .option('report', {
        type: 'string',
        array: true,
        describe: `CI reports (${REPORT_FORMATS.join(', ')}), each format followed by its FILE: github = Markdown verdicts appended to $GITHUB_STEP_SUMMARY when set (else FILE, else stdout); junit FILE = JUnit XML, a <failure> per regression; json FILE = github-action-benchmark customSmallerIsBetter entries; '-' = stdout`,
      })
      .option('save-baseline', { type: 'string', describe: 'write the results as a baseline (default path results/kernels/baseline-<backend>.json)' })
      .option('all', { type: 'boolean', default: false, describe: 'also run the slow cases (over a second a call on wasm, e.g. mlm-head-loss/base)' })
      .option('list', { type: 'boolean', default: false, describe: 'list the cases (after --filter) and exit' })
      .option('plant-slowdown', { type: 'string', hidden: true, describe: 'cases matching this filter do their work four times (to test the check)' })
      .example('$0 kernels', 'every case on wasm, about a minute')
      .example('$0 kernels --filter attention --time 2000', 'attention cases only, longer')
      .example('$0 kernels --backend wasm,native', 'both backends side by side, with native vs wasm speed')
      .example('$0 kernels --compare results/kernels/baseline-wasm.json --threshold 10%', 'the CI regression check')
      .example('$0 kernels --compare results/kernels/baseline-wasm.json --report github --report junit kernels.xml', 'the check with a job summary and a JUnit file'),
  handler: handler(async (args: KernelsArgs) => {
    // 1. Validate everything a user can get wrong before spending a minute measuring.
    if (args.time !== undefined && !(args.time > 0)) throw new UserError(`--time ${args.time} must be a positive number of milliseconds`);
    if (args.rounds !== undefined && (!Number.isInteger(args.rounds) || args.rounds < 2)) throw new UserError(`--rounds ${args.rounds} must be an integer ≥ 2`);
    const threshold = parseThreshold(args.threshold);
    const reports = parseReportRequests(args.report ?? []);
    checkReportRequests(reports, args.compare);
    if (args.json !== undefined) checkOutputFile(args.json, '--json');
    if (args['save-baseline']) checkOutputFile(args['save-baseline'], '--save-baseline');
    for (const r of reports) if (r.file && r.file !== '-') checkOutputFile(r.file, `--report ${r.format}`);
    let cases = args.all || args.filter !== undefined ? filterCases(allCases(), args.filter) : defaultCases();
    if (args['plant-slowdown'] !== undefined) {
      // Four times, not two: a +300% change clears a 25% threshold's interval even on a loaded CI machine,
      // where a doubling was once measured at +55% with an interval reaching down to +1%.
      const slowed = new Set(filterCases(cases, args['plant-slowdown']).map((c) => c.name));
      cases = cases.map((c) => (slowed.has(c.name) ? repeatWork(c, plantedSlowdownTimes) : c));
    }
    if (args.list) {
      for (const c of cases) process.stdout.write(`${c.name}\t${shapeText(c.shape)}\n`);
      return;
    }
    const backends = args.backend.split(',').map((b) => b.trim()).filter((b) => b !== '');
    if (backends.length === 0) throw new UserError('--backend needs a backend name');
    backends.forEach(checkBackendName);
    if (new Set(backends).size !== backends.length) throw new UserError(`--backend ${args.backend} names a backend twice`);
    if (backends.length > 1) {
      const single = (['compare', 'save-baseline', 'json', 'report'] as const).filter((k) => args[k] !== undefined);
      if (single.length) throw new UserError(`--${single[0]} works with one backend at a time; drop it or give --backend one name`);
      return sideBySide(backends, cases, { timeMs: args.time ?? defaultSettings.timeMs, rounds: args.rounds ?? defaultSettings.rounds });
    }
    const baseline = args.compare !== undefined ? loadBaseline(args.compare, args.backend) : undefined;
    // A round's ratio is a minimum over its calls, which shrinks as calls grow: compare like with like.
    const settings = {
      timeMs: args.time ?? baseline?.settings.timeMs ?? defaultSettings.timeMs,
      rounds: args.rounds ?? baseline?.settings.rounds ?? defaultSettings.rounds,
    };
    if (baseline && (settings.timeMs !== baseline.settings.timeMs || settings.rounds !== baseline.settings.rounds)) {
      process.stderr.write(
        `kernels: warning: the baseline was measured with --time ${baseline.settings.timeMs} --rounds ${baseline.settings.rounds}; ` +
          `other settings bias the comparison (leave them out to use the baseline's)\n`,
      );
    }

    // 2. Measure.
    const backend = await activateBackend(args.backend);
    if (baseline && args.compare !== undefined) checkSameClock(args.compare, baseline, backend.clock);
    const started = performance.now();
    const record = await measureKernels(cases, backend, settings, (m) =>
      process.stderr.write(`kernels: ${m} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`),
    );

    // 3. Write and print.
    saveRecord(`results/kernels/${backend.name}.json`, record);
    if (args.json !== undefined) saveRecord(args.json, record);
    process.stdout.write(resultsTable(record) + '\n');
    const errored = record.cases.filter((c) => c.state === 'errored');
    if (errored.length) process.stderr.write(`kernels: ${errored.length} case(s) errored: ${errored.map((c) => c.name).join(', ')}\n`);
    if (args['save-baseline'] !== undefined) {
      const path = args['save-baseline'] || baselinePath(backend.name);
      saveRecord(path, record);
      process.stderr.write(`kernels: baseline written to ${path}\n`);
    }
    const comparison = baseline ? compareResults(baseline.cases, record.cases, { threshold, confidence: 0.95 }) : null;
    const enforced = !(baseline && baseline.device !== record.device && args['other-device'] === 'warn');
    const reportOf = { record, comparison, baseline: baseline ? { path: args.compare!, device: baseline.device } : null, enforced };
    if (baseline && comparison) {
      if (baseline.device !== record.device) process.stderr.write(`kernels: note: baseline was measured on ${baseline.device}; ratios still compare\n`);
      process.stdout.write(`\ncompared with ${args.compare}\n${verdictTable(comparison)}\n`);
      writeReports(reports, reportOf, (line) => process.stderr.write(line + '\n'));
      if (comparison.regressed && !enforced) {
        process.stderr.write(
          `kernels: warning: the slower verdicts compare ${record.device} with a baseline from ${baseline.device}; ` +
            `not failing (--other-device warn). Record a baseline on this machine to check it: --save-baseline\n`,
        );
        return 0;
      }
      return comparison.regressed ? 1 : 0;
    }
    writeReports(reports, reportOf, (line) => process.stderr.write(line + '\n'));
    return 0;
  }),
};

/** Runs the cases on each backend in turn (one process: tfjs switches backends) and prints them side by side. */
async function sideBySide(backends: string[], cases: ReturnType<typeof defaultCases>, settings: { timeMs: number; rounds: number }): Promise<number> {
  const records: KernelRecord[] = [];
  for (const name of backends) {
    const backend = await activateBackend(name);
    const started = performance.now();
    const record = await measureKernels(cases, backend, settings, (m) =>
      process.stderr.write(`kernels [${backend.name}]: ${m} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`),
    );
    saveRecord(`results/kernels/${backend.name}.json`, record);
    records.push(record);
  }
  process.stdout.write(backendsTable(records) + '\n');
  const errored = records.flatMap((r) => r.cases.filter((c) => c.state === 'errored').map((c) => `${r.backend}:${c.name}`));
  if (errored.length) process.stderr.write(`kernels: ${errored.length} case(s) errored: ${errored.join(', ')}\n`);
  return 0;
}
