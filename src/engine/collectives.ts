/**
 * Collectives for data-parallel training: the ranks of one run, each a process with its own backend, and the two
 * operations the training loop needs from them. One process is `SINGLE_PROCESS` (every operation a no-op); N
 * processes started by `mpirun` or `srun` talk through Open MPI (src/engine/mpi.ts, the addon in kernels/mpi).
 */

export interface Collective {
  /** This process's rank, 0 … size − 1; rank 0 writes the run's files. */
  readonly rank: number;
  readonly size: number;
  /** Sums `buffer` element-wise over every rank, in place: every rank gets the same sums (MPI_Allreduce). */
  allreduceSum(buffer: Float32Array): void;
  /** Returns once every rank has called it. */
  barrier(): void;
}

/** A run of one process: nothing to exchange. */
export const SINGLE_PROCESS: Collective = {
  rank: 0,
  size: 1,
  allreduceSum: () => undefined,
  barrier: () => undefined,
};
