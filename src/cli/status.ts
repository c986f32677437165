import type { CommandModule } from 'yargs';
import Table from 'cli-table3';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadSweep } from '../config/expand.js';
import { UserError } from '../errors.js';
import { DEFAULT_RESULTS_ROOT, runDir } from '../results/store.js';
import { handler } from './common.js';
import { plannedRuns, readSweepRecord } from '../launch/prepare.js';
import { listSweeps, runStatus, RUN_STATES, type RunStatus } from '../launch/runStatus.js';
import type { PlannedRun } from '../launch/executor.js';
import { readSpec } from '../launch/runFiles.js';
import { formatSeconds } from '../launch/progressLines.js';

interface Args {
  sweep?: string;
  results: string;
  json: boolean;
}

export const command: CommandModule<object, Args> = {
  command: 'status [sweep]',
  describe: 'Show each run of a sweep: done / running / failed / partial / pending, with scores so far',
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
      for (const name of sweeps) process.stdout.write(`${name}: ${counts(runsOf(root, name).map(runStatus))}\n`);
      return 0;
    }
    const statuses = runsOf(root, args.sweep).map(runStatus);
    if (args.json) {
      const rows = statuses.map(({ run, ...s }) => ({ id: run.spec.id, name: run.spec.name, dir: run.dir, ...s }));
      process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      return 0;
    }
    const t = new Table({ style: { head: [], border: [] }, head: ['id', 'run', 'state', 'step', 'loss', 'score', 'train time', 'tries', 'detail'] });
    for (const s of statuses) {
      t.push([
        s.run.spec.id,
        s.run.spec.name,
        s.state,
        s.step ?? '',
        s.loss === null ? '' : s.loss.toFixed(3),
        s.score === null ? '' : s.score.toFixed(4),
        s.wallSeconds === null ? '' : formatSeconds(s.wallSeconds),
        s.attempts,
        s.detail + (s.run.spec.intermediates.length ? ` [${s.pointsDone}/${s.run.spec.intermediates.length} extra points]` : ''),
      ]);
    }
    process.stdout.write(`${t.toString()}\n${counts(statuses)}\n`);
    return 0;
  }),
};

/** A sweep file (its plan) or a sweep name (its sweep.json under root). */
function runsOf(root: string, sweep: string): PlannedRun[] {
  if (/\.ya?ml$/i.test(sweep) || (existsSync(sweep) && statSync(sweep).isFile())) return plannedRuns(loadSweep(sweep), root);
  const record = readSweepRecord(root, sweep);
  return record.runs.map((r) => {
    const dir = runDir(root, record.name, r.id);
    return { dir, spec: readSpec(dir) };
  });
}

function counts(statuses: RunStatus[]): string {
  const n = (state: string): number => statuses.filter((s) => s.state === state).length;
  return `${statuses.length} runs: ` + RUN_STATES.map((st) => `${n(st)} ${st}`).join(', ');
}
