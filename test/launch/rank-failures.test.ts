// How a multi-device run reports its ranks' ends (src/launch/ranks.ts): from mpirun's and srun's own reports, from
// the heartbeats of a hung job, and the checks made before anything starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDevices, describeRankFailure, describeStall, pinRankGpu, rankThreads } from '../../src/launch/ranks.js';
import { UserError } from '../../src/errors.js';

const out = mkdtempSync(join(tmpdir(), 'mbench-ranks-'));
mkdirSync(join(out, 'ranks'));
writeFileSync(join(out, 'ranks', 'rank-1.log'), 'mbench: rank 1 of 2 (Open MPI v4.1.4), pid 42\nmbench: error: training diverged at step 3 (loss NaN); try a lower --lr\n');
const exit = { code: 137, signal: null };

test('a rank killed by a signal, as mpirun reports it', () => {
  const report = '--------\nmpirun noticed that process rank 1 with PID 4242 on node box exited on signal 9 (Killed).\n--------\n';
  assert.equal(describeRankFailure(report, out, exit), `rank 1 was killed by signal 9 (Killed); its log: ${join(out, 'ranks', 'rank-1.log')}`);
});

test("a rank's error (MPI_Abort, or a non-zero exit) quotes the error line of its log", () => {
  const abort = 'MPI_ABORT was invoked on rank 1 in communicator MPI_COMM_WORLD\nwith errorcode 1.\n';
  assert.match(describeRankFailure(abort, out, exit), /^rank 1 exited with code 1 \(error: training diverged at step 3 \(loss NaN\); try a lower --lr\); its log: .*rank-1\.log$/);
  const nonZero = 'mpirun detected that one or more processes exited with non-zero status, thus causing\nthe job to be terminated. The first process to do so was:\n\n  Process name: [[5123,1],0]\n  Exit code:    3\n';
  assert.match(describeRankFailure(nonZero, out, exit), /^rank 0 exited with code 3; its log: .*rank-0\.log$/);
});

test("srun's report names the task that ended the step", () => {
  assert.match(describeRankFailure('srun: error: node1: task 1: Killed\nsrun: error: node1: task 0: Terminated\n', out, exit), /^rank 1 was killed \(SIGKILL\); its log: .*rank-1\.log$/);
  assert.match(describeRankFailure('srun: error: node1: task 1: Exited with exit code 1\n', out, exit), /^rank 1 exited with code 1 \(error: training diverged/);
});

test('an unrecognised end still says where the logs are', () => {
  assert.equal(describeRankFailure('something odd\n', out, exit), `mpirun ended with code 137 (something odd); the ranks' logs are in ${join(out, 'ranks')}`);
});

test('a hung job names the rank that is not waiting with the others', () => {
  const beats = [
    { rank: 0, text: '9 waiting', calls: 9, waiting: true },
    { rank: 1, text: '8 done', calls: 8, waiting: false },
    { rank: 2, text: '9 waiting', calls: 9, waiting: true },
  ];
  assert.match(describeStall(beats, 60, out), /^no rank made progress for 60 s \(MBENCH_RANK_STALL_SECONDS\); held up by rank 1 \(log .*rank-1\.log\)$/);
  const allWaiting = beats.map((b) => ({ ...b, text: '9 waiting', calls: 9, waiting: true }));
  assert.match(describeStall(allWaiting, 60, out), /every rank is stuck: rank 0 .*, rank 1 .*, rank 2 /);
});

test('more devices than the machine gives are refused, by core on CPU backends and by GPU on accelerator ones', () => {
  const refuses = (f: () => void, pattern: RegExp): void => assert.throws(f, (e: unknown) => e instanceof UserError && pattern.test(e.message));
  refuses(() => checkDevices(4, 'native', '--devices 4', { cores: 2, gpus: null }), /^--devices 4: 4 devices on backend 'native' need a CPU core per rank; this machine gives 2 cores \(use at most 2\)$/);
  refuses(() => checkDevices(2, 'tensorflow', '--devices 2', { cores: 64, gpus: 1 }), /need 2 GPUs, one per rank; this machine has 1 GPU$/);
  refuses(() => checkDevices(2, 'webgpu', 'x', { cores: 64, gpus: 0 }), /this machine has 0 GPUs/);
  checkDevices(2, 'native', 'x', { cores: 2, gpus: null });
  checkDevices(8, 'tensorflow', 'x', { cores: 2, gpus: 8 });
  checkDevices(1, 'native', 'x', { cores: 1, gpus: null });
});

test("each rank gets its share of the run's cores, and its own GPU", () => {
  assert.deepEqual(rankThreads(2, {}, 16), { MBENCH_NATIVE_THREADS: '8', MBENCH_WASM_THREADS: '8' });
  assert.deepEqual(rankThreads(2, { MBENCH_NATIVE_THREADS: '6' }, 16), { MBENCH_NATIVE_THREADS: '3', MBENCH_WASM_THREADS: '3' });
  assert.deepEqual(rankThreads(4, {}, 2), { MBENCH_NATIVE_THREADS: '1', MBENCH_WASM_THREADS: '1' });
  const env: NodeJS.ProcessEnv = { OMPI_COMM_WORLD_LOCAL_RANK: '1', CUDA_VISIBLE_DEVICES: '4,5' };
  pinRankGpu('tensorflow', env);
  assert.equal(env.CUDA_VISIBLE_DEVICES, '5');
  const fresh: NodeJS.ProcessEnv = { SLURM_LOCALID: '3' };
  pinRankGpu('tensorflow', fresh);
  assert.equal(fresh.CUDA_VISIBLE_DEVICES, '3');
  const slurmOne: NodeJS.ProcessEnv = { SLURM_LOCALID: '3', CUDA_VISIBLE_DEVICES: '7' };
  pinRankGpu('tensorflow', slurmOne);
  assert.equal(slurmOne.CUDA_VISIBLE_DEVICES, '7');
  const cpu: NodeJS.ProcessEnv = { OMPI_COMM_WORLD_LOCAL_RANK: '1' };
  pinRankGpu('native', cpu);
  assert.equal(cpu.CUDA_VISIBLE_DEVICES, undefined);
});
