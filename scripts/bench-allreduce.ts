/**
 * MPI_Allreduce bandwidth through mbench's binding: `mpirun -np 2 node --import tsx scripts/bench-allreduce.ts
 * [--sizes 1e4,1e5,1e6,4.5e6,1e7] [--repeats 20]` (as root, with OMPI_ALLOW_RUN_AS_ROOT=1
 * OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1). Rank 0 prints, per buffer size (float32 elements), the median ms of one
 * in-place sum over all ranks and the bus bandwidth of a ring allreduce, 2·(p − 1)/p · bytes / time (the
 * convention of NCCL's nccl-tests, PERFORMANCE.md), which is what a model of step time at p ranks needs.
 */
import { openMpi } from '../src/engine/mpi.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const sizes = arg('sizes', '1e4,1e5,1e6,4.5e6,1e7').split(',').map(Number);
const repeats = Number(arg('repeats', '20'));
const mpi = openMpi();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

if (mpi.rank === 0) console.log(`${mpi.library}, ${mpi.size} ranks: elements, MiB, median ms, bus GB/s`);
for (const n of sizes) {
  const buffer = new Float32Array(n).fill(1);
  mpi.allreduceSum(buffer); // first call: connection set-up
  const ms: number[] = [];
  for (let r = 0; r < repeats; r++) {
    mpi.barrier();
    const t0 = performance.now();
    mpi.allreduceSum(buffer);
    ms.push(performance.now() - t0);
  }
  const t = median(ms);
  const busGBs = ((2 * (mpi.size - 1)) / mpi.size) * ((n * 4) / (t / 1000)) / 1e9;
  if (mpi.rank === 0) console.log(`${n}\t${((n * 4) / 2 ** 20).toFixed(2)}\t${t.toFixed(3)}\t${busGBs.toFixed(2)}`);
}
mpi.close();
