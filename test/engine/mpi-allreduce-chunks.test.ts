// The gradient is summed over ranks in pieces of at most ALLREDUCE_CHUNK_ELEMENTS (one MPI_Allreduce of 32 MiB or
// more ran ~10× slower here): the pieces cover the buffer once, in order, as views; and under mpirun a buffer of
// several pieces sums to the right values on every rank. The mpirun part skips, saying why, without Open MPI —
// except with MBENCH_MPI_REQUIRED=1 (CI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALLREDUCE_CHUNK_ELEMENTS, chunkedAllreduce, mpiUnavailable } from '../../src/engine/mpi.js';
import { repoRoot } from '../../src/version.js';

test('pieces cover the buffer once, in order, as views of it; the last one is short', () => {
  const buffer = new Float32Array(10).map((_, i) => i);
  const seen: Array<[number, number]> = [];
  chunkedAllreduce(buffer, (piece) => {
    seen.push([piece.byteOffset / 4, piece.length]);
    piece.fill(-1); // a view: writes land in the buffer
  }, 4);
  assert.deepEqual(seen, [[0, 4], [4, 4], [8, 2]]);
  assert.deepEqual([...buffer], Array(10).fill(-1));
});

test('an empty buffer sends nothing; a buffer of exactly one piece sends it whole; a bad piece size is refused', () => {
  let calls = 0;
  chunkedAllreduce(new Float32Array(0), () => calls++, 4);
  assert.equal(calls, 0);
  const lengths: number[] = [];
  chunkedAllreduce(new Float32Array(8), (p) => lengths.push(p.length), 8);
  assert.deepEqual(lengths, [8]);
  assert.throws(() => chunkedAllreduce(new Float32Array(8), () => undefined, 0), /positive integer/);
  assert.ok(ALLREDUCE_CHUNK_ELEMENTS * 4 < 32 * 2 ** 20, 'a piece stays below 32 MiB');
});

const problem = mpiUnavailable() ?? (spawnSync('mpirun', ['--version']).status === 0 ? null : 'mpirun is not on PATH');
if (problem && process.env['MBENCH_MPI_REQUIRED'] === '1') throw new Error(`MBENCH_MPI_REQUIRED=1 but ${problem}`);

test('under mpirun -np 2 a buffer of 2.5 pieces sums correctly on both ranks', { skip: problem ? `Open MPI is not usable here: ${problem}` : false, timeout: 120_000 }, () => {
  const script = join(mkdtempSync(join(tmpdir(), 'mbench-mpi-')), 'sum.ts');
  writeFileSync(script, `
import { ALLREDUCE_CHUNK_ELEMENTS, openMpi } from ${JSON.stringify(join(repoRoot, 'src/engine/mpi.ts'))};
const mpi = openMpi();
const n = ALLREDUCE_CHUNK_ELEMENTS * 2 + ALLREDUCE_CHUNK_ELEMENTS / 2 + 3;
const b = new Float32Array(n).map((_, i) => (i % 7) + mpi.rank); // rank 0: i%7, rank 1: i%7 + 1
mpi.allreduceSum(b);
let bad = -1;
for (let i = 0; i < n; i++) if (b[i] !== 2 * (i % 7) + 1) { bad = i; break; }
console.log(\`rank \${mpi.rank}: \${bad < 0 ? 'ok' : 'wrong at ' + bad}\`);
mpi.close();
`);
  const env = { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };
  const r = spawnSync('mpirun', ['-np', '2', '--oversubscribe', process.execPath, '--import', 'tsx', script], { cwd: repoRoot, encoding: 'utf8', env, timeout: 100_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /rank 0: ok/);
  assert.match(r.stdout, /rank 1: ok/);
});
