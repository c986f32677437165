import { checkOutputFolder } from '../results/output-path.js';
import { preflight } from '../launch/preflight.js';
import type { CommandModule } from 'yargs';
import { join, resolve } from 'node:path';
import { loadSweep } from '../config/expand.js';
import { UserError } from '../errors.js';
import { DEFAULT_RESULTS_ROOT, sweepDir } from '../results/store.js';
import { handler } from './common.js';
import { plannedRuns, prepareRuns } from '../launch/prepare.js';
import { planTable } from '../launch/plan-table.js';
import { createDisplay } from '../launch/display.js';
import { defaultConcurrency, runLocal } from '../launch/local-executor.js';
import { runSlurm } from '../launch/slurm/slurm-executor.js';
import { requireSlurm } from '../launch/slurm/commands.js';
import type { SweepReport } from '../launch/executor.js';
import { prepareSharedData } from '../launch/shared-data.js';
import { timeShare, timeShareLine } from '../launch/time-share.js';

interface Args {
  file: string;
  'dry-run': boolean;
  executor: 'local' | 'slurm';
  concurrency?: number;
  results: string;
  plot: boolean;
  progress: 'auto' | 'live' | 'plain';
  detach: boolean;
}

export const command: CommandModule<object, Args> = {
  command: 'sweep <file>',
  describe: 'Run every pretraining + fine-tuning run a sweep file describes (locally or on Slurm), resumably',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'sweep file (YAML), e.g. sweeps/quickstart.yaml' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'print the plan (runs, estimated tokens and FLOPs) and start nothing' })
      .option('executor', { choices: ['local', 'slurm'] as const, default: 'local' as const, describe: 'where runs execute: child processes here, or a Slurm array job' })
      .option('concurrency', { type: 'number', describe: 'runs at once (local default: one per CPU core; slurm: the array % limit)' })
      .option('results', { type: 'string', default: DEFAULT_RESULTS_ROOT, describe: 'results root: runs go to <results>/<sweep name>/<run id>/' })
      .option('plot', { type: 'boolean', default: false, describe: 'when the sweep is complete, write the Pareto chart, tables and CSV (as mbench pareto --plot --csv)' })
      .option('progress', { choices: ['auto', 'live', 'plain'] as const, default: 'auto' as const, describe: 'live display on a terminal, timestamped lines otherwise' })
      .option('detach', { type: 'boolean', default: false, describe: 'slurm: submit and return; follow with mbench status' })
      .example('$0 sweep sweeps/quickstart.yaml --plot', 'run the embedded study here and chart it')
      .example('$0 sweep sweeps/mosaicbert-base.yaml --executor slurm --dry-run', 'see what a cluster study would run')
      .epilog(
        'Finished runs (a valid summary.json) are never rerun; a damaged summary.json is moved to summary.json.bad and ' +
          'the run redone; a missing spec.json is rewritten; interrupted runs resume from their checkpoints; a run ' +
          'another process holds (its lock) is left to it. Ctrl-C stops the sweep (and cancels its Slurm job). ' +
          'Sweep file reference: docs/sweeps.md.',
      ),
  handler: handler(async (args: Args) => {
    if (args.concurrency !== undefined && !(Number.isInteger(args.concurrency) && args.concurrency >= 1)) {
      throw new UserError(`--concurrency must be a whole number ≥ 1, not '${args.concurrency}'`);
    }
    const plan = loadSweep(args.file);
    checkOutputFolder(args.results, '--results');
    const warn = (line: string): void => void process.stderr.write(line + '\n');
    const root = resolve(args.results);
    if (args['dry-run']) {
      // The plan is shown even when this machine could not start it (a paper sweep previewed away from its data):
      // what a real run would refuse is said after it, as a warning.
      process.stdout.write(`sweep ${plan.sweep.name} (${args.file}) → ${root}/${plan.sweep.name}/\n${planTable(plannedRuns(plan, root))}\n`);
      await preflight(plan, { executor: args.executor, warn }).catch((err: unknown) => {
        if (!(err instanceof UserError)) throw err;
        warn(`mbench: warning: ${err.message}; a real run of this sweep would stop there, before starting anything`);
      });
      return 0;
    }
    await preflight(plan, { executor: args.executor, warn });
    if (args.executor === 'slurm') requireSlurm(); // before writing anything
    const runs = prepareRuns(plan, root, (line) => process.stderr.write(`note: ${line}\n`));
    // Tokenizers and token caches the runs share are built once, here, before any run starts.
    await prepareSharedData(plan.runs, (line) => process.stderr.write(`data: ${line}\n`));
    const live = args.progress === 'live' || (args.progress === 'auto' && process.stderr.isTTY === true);
    const display = createDisplay({ out: process.stderr, live, sweep: plan.sweep.name, total: runs.length });
    const abort = new AbortController();
    const onSigint = (): void => {
      if (abort.signal.aborted) process.exit(130); // second Ctrl-C: leave now
      display.note('stopping: runs keep their checkpoints (Ctrl-C again to leave at once)');
      abort.abort();
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    let report: SweepReport;
    const startedAt = performance.now();
    const slots = args.concurrency ?? defaultConcurrency(runs);
    try {
      report =
        args.executor === 'slurm'
          ? await runSlurm(runs, { root, sweep: plan.sweep, concurrency: args.concurrency ?? null, signal: abort.signal, events: display, detach: args.detach })
          : await runLocal(runs, { concurrency: slots, signal: abort.signal, events: display });
    } finally {
      display.close();
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
    const results = [...report.results.values()];
    const failed = results.filter((r) => r.state === 'failed').length;
    const done = results.filter((r) => r.state === 'finished' || r.state === 'already-finished').length;
    process.stderr.write(`sweep ${plan.sweep.name}: ${done}/${runs.length} runs finished${failed ? `, ${failed} failed` : ''} · mbench status ${plan.sweep.name}${args.results !== DEFAULT_RESULTS_ROOT ? ` --results ${args.results}` : ''}\n`);
    const share = args.executor === 'local' ? timeShare(runs, report, (performance.now() - startedAt) / 1000, slots) : null;
    const printShare = (): void => {
      if (share) process.stderr.write(timeShareLine(share) + '\n');
    };
    if (report.interrupted || failed || done < runs.length) printShare();
    if (report.interrupted) return 130;
    if (args.detach) return 0;
    if (failed || done < runs.length) return 1;
    if (args.plot) {
      const { runPareto } = await import('../pareto/index.js');
      const base = { resultsDir: root, sweep: plan.sweep.name, baseline: plan.sweep.baseline, plot: true, csv: true, json: true, onProgress: (l: string) => process.stderr.write(l + '\n') };
      // What pretraining bought, measured directly (held-out MLM accuracy, every train run has it), then the
      // downstream score when the sweep fine-tunes; each into its own folder.
      const axes = [
        ...(plan.runs.some((r) => r.runner === 'train') ? [{ y: 'mlm-accuracy', outDir: join(sweepDir(root, plan.sweep.name), 'pareto-mlm-accuracy') }] : []),
        ...(plan.runs.some((r) => r.finetune) || !plan.runs.some((r) => r.runner === 'train') ? [{ y: 'score' }] : []),
      ];
      for (const axis of axes) {
        const out = await runPareto({ ...base, ...axis }).catch((err: unknown) => {
          if (axis.y !== 'mlm-accuracy' || !(err instanceof UserError)) throw err;
          process.stderr.write(`mbench: warning: no MLM-accuracy chart: ${err.message}\n`); // e.g. evalSamples: 0
          return null;
        });
        if (!out) continue;
        process.stdout.write(out.text + '\n');
        for (const w of out.warnings) process.stderr.write(`mbench: warning: ${w}\n`);
        if (out.outDir) process.stderr.write(`wrote ${out.files.length} files to ${out.outDir}\n`);
      }
    }
    printShare();
    return 0;
  }),
};
