import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shellCommand, shellQuote } from '../../src/launch/shell-quote.js';
import { jobScript, sbatchArgs, slurmFilenamePattern } from '../../src/launch/slurm/job-script.js';
import { tempDir } from './helpers.js';

const NASTY = ["plain", "two words", "it's", 'say "hi"', '$(touch PWNED)', '`touch PWNED`', '$HOME', 'a;b|c&d', '*', "'", '', 'new\nline', '%a %j'];

test('every nasty value reaches the program unchanged through sh', () => {
  const dir = tempDir();
  const r = spawnSync('sh', ['-c', `cd ${shellQuote(dir)} && printf '%s\\0' ${shellCommand(NASTY)}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\0').slice(0, -1), NASTY);
  assert.equal(existsSync(join(dir, 'PWNED')), false);
});

test('the Slurm job script passes paths with spaces, quotes and $(…) as single arguments', () => {
  const dir = tempDir("job it's $(touch PWNED) ");
  const taskList = join(dir, "tasks `x` $(touch PWNED).json");
  const script = join(dir, 'job.sh');
  // Stand-in for `mbench run`: print each argument NUL-terminated.
  writeFileSync(script, jobScript({ cwd: dir, mbenchRun: ['printf', '%s\\0', 'run'], taskList, sweep: 'demo' }));
  chmodSync(script, 0o755);
  const r = spawnSync('bash', [script], { encoding: 'utf8', env: { ...process.env, SLURM_ARRAY_TASK_ID: '3' } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\0').slice(0, -1), ['run', '--tasks', taskList, '--index', '3']);
  assert.equal(existsSync(join(dir, 'PWNED')), false);
  assert.equal(existsSync('PWNED'), false);
});

test('sbatch gets one argument per option, an array with its % limit, and %-escaped log paths', () => {
  const args = sbatchArgs({
    sweep: 'demo',
    tasks: 5,
    concurrency: 2,
    logDir: '/r/100% it\'s $(x)/logs',
    script: '/r/job.sh',
    options: { partition: 'gpu a', time: '1:00:00', gpusPerTask: 1, extraArgs: ['--qos=high', '--comment=$(x)'] },
  });
  assert.deepEqual(args, [
    '--job-name=mbench-demo',
    '--array=0-4%2',
    "--output=/r/100%% it's $(x)/logs/task-%a.log",
    '--open-mode=append',
    '--partition=gpu a',
    '--time=1:00:00',
    '--gpus-per-task=1',
    '--signal=B:TERM@120',
    '--requeue',
    '--qos=high',
    '--comment=$(x)',
    '/r/job.sh',
  ]);
  // the user's own --signal / --no-requeue replace ours
  const own = sbatchArgs({ sweep: 'demo', tasks: 1, concurrency: null, logDir: '/r', script: '/r/job.sh', options: { extraArgs: ['--signal=USR1@300', '--no-requeue'] } });
  assert.deepEqual(own.filter((a) => /signal|requeue/.test(a)), ['--signal=USR1@300', '--no-requeue']);
  assert.throws(() => slurmFilenamePattern('C:\\x', 'a.log'), /treats '\\'/);
  // a multi-device run is one task of N ranks, each with a GPU on a GPU backend unless gpusPerTask says otherwise
  const ranks = (options: { gpusPerTask?: number; cpusPerTask?: number }, accelerated: boolean) =>
    sbatchArgs({ sweep: 'dp', tasks: 2, concurrency: null, logDir: '/r', script: '/r/job.sh', options: { extraArgs: [], ...options }, devices: 8, accelerated }).filter((a) => /ntasks|per-task/.test(a));
  assert.deepEqual(ranks({ cpusPerTask: 8 }, true), ['--ntasks=8', '--cpus-per-task=8', '--gpus-per-task=1']);
  assert.deepEqual(ranks({ gpusPerTask: 2 }, true), ['--ntasks=8', '--gpus-per-task=2']);
  assert.deepEqual(ranks({}, false), ['--ntasks=8']);
});
