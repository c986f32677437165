import type { CommandModule } from 'yargs';
import Table from 'cli-table3';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadSweep } from '../config/expand.js';
import { UserError } from '../errors.js';
import { DEFAULT_RESULTS_ROOT, listSweeps, runDir, sweepRecordFile } from '../results/store.js';
import { handler } from './common.js';
import { plannedRuns, readSweepRecord } from '../launch/prepare.js';
import { runStatus, RUN_STATES, type RunStatus, type StatusRun } from '../launch/run-status.js';
import { formatSeconds } from '../launch/progress-lines.js';

interface Args {
  sweep?: string;
  results: string;
  json: boolean;
}

export const command: CommandModule<object, Args> = {
  command: 'status [sweep]',
  describe: 'Show each run of a sweep: done / running / failed / partial / pending / damaged, with scores so far',
  builder: (y) =>
    y
      .positional('sweep', { type: 'string', describe: 'sweep name (under --results) or sweep file; omitted: list the sweeps' })
      .option('results', { type: 'string', default: DEFAULT_RESULTS_ROOT, describe: 'results root' })
      .option('json', { type: 'boolean', default: false, describe: 'print the statuses as JSON' })
      .example('$0 status quickstart', 'how far the quickstart sweep has got'),
  handler: handler((args: Args) => {
    const root = resolve(args.results);
    if (args.sweep === undefined) {
      const sweeps = listSweeps(root);
      if (!sweeps.length) throw new UserError(`no sweeps under ${root}; run one with mbench sweep FILE (or pass --results)`);
      for (const name of sweeps) process.stdout.write(`${name}: ${sweepLine(root, name)}\n`);
      return 0;
    }
    const statuses = runsOf(root, args.sweep).map(runStatus);
    if (args.json) {
      const rows = statuses.map(({ run, ...s }) => ({ id: run.id, name: run.name, dir: run.dir, ...s }));
      process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      return 0;
    }
    const t = new Table({ style: { head: [], border: [] }, head: ['id', 'run', 'state', 'step', 'loss', 'score', 'train time', 'tries', 'detail'] });
    for (const s of statuses) {
      t.push([
        s.run.id,
        s.run.name,
        s.state,
        s.step ?? '',
        s.loss === null ? '' : s.loss.toFixed(3),
        s.score === null ? '' : s.score.toFixed(4),
        s.wallSeconds === null ? '' : formatSeconds(s.wallSeconds),
        s.attempts,
        [s.detail + (s.run.intermediates.length ? ` [${s.pointsDone}/${s.run.intermediates.length} extra points]` : ''), s.note ?? '']
          .filter(Boolean)
          .join('; '),
      ]);
    }
    process.stdout.write(`${t.toString()}\n${counts(statuses)}\n`);
    return 0;
  }),
};

/** A sweep file (its plan) or a sweep name (its sweep.json under root): the runs it names, no run folder read. */
function runsOf(root: string, sweep: string): StatusRun[] {
  if (/\.ya?ml$/i.test(sweep) || (existsSync(sweep) && statSync(sweep).isFile())) {
    return plannedRuns(loadSweep(sweep), root).map(({ spec, dir }) => ({ id: spec.id, name: spec.name, dir, intermediates: spec.intermediates.map((p) => p.id) }));
  }
  const record = readSweepRecord(root, sweep);
  return record.runs.map((r) => ({ id: r.id, name: r.name, dir: runDir(root, record.name, r.id), intermediates: r.intermediates }));
}

/** One sweep of the listing; a sweep that cannot be shown says why, without hiding the others. */
function sweepLine(root: string, name: string): string {
  if (!existsSync(sweepRecordFile(join(root, name)))) return 'no sweep.json (results without their plan: mbench status FILE shows them from the sweep file)';
  try {
    return counts(runsOf(root, name).map(runStatus));
  } catch (err) {
    if (err instanceof UserError) return err.message;
    throw err;
  }
}

function counts(statuses: RunStatus[]): string {
  const n = (state: string): number => statuses.filter((s) => s.state === state).length;
  return `${statuses.length} runs: ` + RUN_STATES.map((st) => `${n(st)} ${st}`).join(', ');
}
