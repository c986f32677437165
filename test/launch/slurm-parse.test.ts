import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScontrol, parseSqueue } from '../../src/launch/slurm/commands.js';

test('squeue -r lines become one state per array task of the job', () => {
  const out = '12_0|COMPLETED|None\n12_1|RUNNING|None\n12_2|PENDING|JobArrayTaskLimit\n13_0|RUNNING|None\n\n';
  const tasks = parseSqueue(out, '12');
  assert.deepEqual([...tasks.keys()], [0, 1, 2]);
  assert.deepEqual(tasks.get(2), { index: 2, state: 'PENDING', reason: 'JobArrayTaskLimit' });
});

test('scontrol -o show job gives the state and ExitCode=code:signal', () => {
  const line =
    'JobId=17 ArrayJobId=16 ArrayTaskId=1 JobName=mbench-demo UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=3:0 RunTime=00:00:02 StdOut=/tmp/x/task-1.log\n';
  const r = parseScontrol(line)!;
  assert.equal(r.state, 'FAILED');
  assert.equal(r.exitCode, 3);
  assert.equal(r.signal, 0);
  assert.equal(r.fields.StdOut, '/tmp/x/task-1.log');
  assert.equal(parseScontrol('JobState=CANCELLED+ ExitCode=0:15')!.state, 'CANCELLED');
  assert.equal(parseScontrol('slurm_load_jobs error: Invalid job id specified'), null);
});
