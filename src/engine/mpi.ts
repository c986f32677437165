/**
 * Open MPI for data-parallel runs: the addon in kernels/mpi (built by `mpicc` at `npm install`, optional like the
 * native kernels) turned into a `Collective`. A rank process calls `openMpi()` once; it initialises MPI and stays
 * initialised until `close()` (MPI cannot be initialised twice in one process).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { repoRoot } from '../version.js';
import type { Collective } from './collectives.js';

/** Where kernels/mpi/build.mjs puts the module (the same from src/ and dist/). */
export const mpiAddonPath = join(repoRoot, 'kernels/mpi/build/Release/mbench_mpi.node');

/** The Debian packages a multi-device run needs, for messages. */
export const MPI_APT_PACKAGES = 'openmpi-bin libopenmpi-dev';

interface MpiAddon {
  init(): { rank: number; size: number; library: string };
  allreduceSum(buffer: Float32Array): void;
  barrier(): void;
  finalize(): void;
  abort(code: number): void;
}

export interface MpiCollective extends Collective {
  /** The MPI library's name and version, e.g. `Open MPI v4.1.4`. */
  readonly library: string;
  /** MPI_Finalize; after it the collective cannot be used. */
  close(): void;
  /** MPI_Abort: ends every rank of the job with `code`. */
  abort(code: number): void;
}

/**
 * The most float32 elements one MPI_Allreduce call sums (16 MiB). Measured with Open MPI 4.1.4 on one 2-core
 * machine (scripts/bench-allreduce.ts, 2 ranks over shared memory): one call on 8.3M elements took 6.7 ms, one on
 * 8.4M (just over 32 MiB) 72 ms, at every size above that ~0.45 GB/s, with the default algorithm and with four of
 * the six others. Sending the gradient in pieces below that size keeps the default's 5–7 GB/s; a piece of 16 MiB
 * is far above the sizes where latency matters.
 */
export const ALLREDUCE_CHUNK_ELEMENTS = 1 << 22;

/** Sums `buffer` over the ranks in place, `reduce` called on consecutive pieces of at most `chunk` elements. */
export function chunkedAllreduce(buffer: Float32Array, reduce: (piece: Float32Array) => void, chunk = ALLREDUCE_CHUNK_ELEMENTS): void {
  if (!(Number.isInteger(chunk) && chunk > 0)) throw new RangeError(`allreduce chunk must be a positive integer, got ${chunk}`);
  for (let start = 0; start < buffer.length; start += chunk) reduce(buffer.subarray(start, Math.min(start + chunk, buffer.length)));
}

/** Why multi-device runs cannot start here, or null when the addon is built. */
export function mpiUnavailable(): string | null {
  if (!existsSync(mpiAddonPath)) {
    return `multi-device runs need Open MPI: install it (apt install ${MPI_APT_PACKAGES}), then rebuild mbench's binding (npm rebuild mbench-mpi, or node kernels/mpi/build.mjs; see kernels/mpi/build.log)`;
  }
  return null;
}

let opened: MpiCollective | null = null;

/** Initialises MPI in this process (once) and returns this rank's view of the job. */
export function openMpi(): MpiCollective {
  if (opened) return opened;
  const missing = mpiUnavailable();
  if (missing) throw new UserError(missing);
  let addon: MpiAddon;
  try {
    addon = createRequire(import.meta.url)(mpiAddonPath) as MpiAddon;
  } catch (err) {
    throw new UserError(`the Open MPI binding (${mpiAddonPath}) failed to load: ${(err as Error).message.split('\n')[0]}; is ${MPI_APT_PACKAGES} installed?`);
  }
  const { rank, size, library } = addon.init();
  opened = {
    rank,
    size,
    library,
    allreduceSum: (buffer) => chunkedAllreduce(buffer, (piece) => addon.allreduceSum(piece)),
    barrier: () => addon.barrier(),
    close: () => addon.finalize(),
    abort: (code) => addon.abort(code),
  };
  return opened;
}
