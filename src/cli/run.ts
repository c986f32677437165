import type { CommandModule } from 'yargs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { handler } from './common.js';
import { executeRun, EXIT_BUSY, EXIT_INTERRUPTED, EXIT_TERMINATED } from '../launch/run-lifecycle.js';
import { runnerFor } from '../launch/runners/index.js';
import { describeProgress, plainLine, throttle } from '../launch/progress-lines.js';
import { taskAt } from '../launch/task-list.js';
import type { RunProgressEvent } from '../launch/runners/types.js';
import type { ChildMessage } from '../launch/child-messages.js';

interface Args {
  dir?: string;
  tasks?: string;
  index?: number;
  rank?: boolean;
}

export const command: CommandModule<object, Args> = {
  command: 'run [dir]',
  describe: 'Run one run of a sweep: the folder `mbench sweep` prepared (executors call this; you rarely need to)',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', describe: 'run folder holding spec.json (results/<sweep>/<run-id>)' })
      .option('tasks', { type: 'string', describe: 'a Slurm task list (JSON array of run folders) instead of DIR' })
      .option('index', { type: 'number', describe: 'which task of --tasks to run (default: $SLURM_ARRAY_TASK_ID)' })
      .option('rank', { type: 'boolean', hidden: true, describe: 'one rank of a multi-device run: pretraining only (the run that started the ranks passes it)' })
      .epilog(
        'Takes the run\'s lock, resumes from its checkpoints, writes summary.json last. Exit codes: 0 finished (or already ' +
          `finished), ${EXIT_BUSY} another process holds the run, ${EXIT_INTERRUPTED} interrupted, otherwise the run failed.`,
      ),
  handler: handler(async (args: Args) => {
    const dir = resolve(runFolder(args));
    if (args.rank) {
      const { pretrainRank } = await import('../launch/runners/train.js');
      const ctl = new AbortController();
      const stop = (): void => ctl.abort('SIGINT');
      process.once('SIGINT', stop);
      try {
        return await pretrainRank(dir, ctl, (line) => process.stderr.write(line + '\n'));
      } finally {
        process.off('SIGINT', stop);
      }
    }
    const send = process.send?.bind(process);
    // With a callback, a send into a channel that just broke (the sweep died) is reported there, not as an
    // unhandled EPIPE that kills the run before it checkpoints.
    const emit = (m: ChildMessage): void => {
      if (send && process.connected) send(m, undefined, undefined, () => {});
    };
    const log = (line: string): void => {
      process.stderr.write(plainLine(line)); // into run.log or the Slurm task log
      emit({ type: 'log', line });
    };
    const printProgress = throttle<RunProgressEvent>(5000, (e) => process.stderr.write(plainLine(describeProgress(e))));
    const progress = (e: RunProgressEvent): void => (send ? emit({ type: 'progress', event: e }) : printProgress(e, e.step === e.totalSteps));

    // Stop cleanly (checkpoints kept, lock released) on Ctrl-C, scancel, or when the executor that started us dies.
    const abort = new AbortController();
    const stop = (): void => abort.abort('SIGINT');
    const term = (): void => abort.abort('SIGTERM'); // Slurm's time limit or preemption, scancel, kill
    process.once('SIGINT', stop);
    process.once('SIGTERM', term);
    if (send) process.once('disconnect', stop);
    try {
      const outcome = await executeRun(dir, { runner: runnerFor, signal: abort.signal, progress, log, logPath: process.env.MBENCH_RUN_LOG ?? null });
      const name = `${outcome.spec.name} (${outcome.spec.id})`;
      switch (outcome.state) {
        case 'finished':
          log(`finished ${name}`);
          return 0;
        case 'already-finished':
          log(`already finished: ${name}`);
          return 0;
        case 'busy':
          log(`skipped ${name}: being run by ${outcome.holder ? `pid ${outcome.holder.pid} on ${outcome.holder.host}` : 'another process'}`);
          return EXIT_BUSY;
        case 'interrupted':
          log(`interrupted ${name}; its checkpoints are kept and the next run resumes from them`);
          return abort.signal.reason === 'SIGTERM' ? EXIT_TERMINATED : EXIT_INTERRUPTED;
        case 'failed':
          process.stderr.write(`mbench: error: run ${name} failed: ${outcome.message}\n`);
          return outcome.exitCode;
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', term);
      if (send && process.connected) process.disconnect();
    }
  }),
};

function runFolder(args: Args): string {
  if (args.tasks !== undefined) {
    if (args.dir !== undefined) throw new UserError('give either a run folder or --tasks, not both');
    const index = args.index ?? Number(process.env.SLURM_ARRAY_TASK_ID);
    if (!Number.isInteger(index) || index < 0) throw new UserError('--tasks needs --index N (or $SLURM_ARRAY_TASK_ID set by Slurm)');
    return taskAt(args.tasks, index);
  }
  if (args.dir === undefined) throw new UserError('name the run folder to run (results/<sweep>/<run-id>), or --tasks FILE --index N');
  return args.dir;
}
