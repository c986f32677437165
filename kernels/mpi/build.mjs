// Install step of the optional Open MPI binding: compiles src/mpi_addon.c with `mpicc` into
// build/Release/mbench_mpi.node when Open MPI's compiler wrapper is present (Debian: apt install openmpi-bin
// libopenmpi-dev). It never fails the install: without mpicc, or when the build fails, it prints one line and
// exits 0, and multi-device runs (--devices N > 1) say what to install. The compiler output goes to build.log.
// Set MBENCH_MPI_SKIP=1 to skip the build; MPICC names another compiler wrapper.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const say = (msg) => console.log(`mbench-mpi: ${msg}`);

// Node's own headers (node_api.h), as kernels/native/build.mjs finds them: no download.
function nodeInclude() {
  const prefixes = [join(dirname(process.execPath), '..'), process.config.variables.node_prefix, '/usr', '/usr/local'];
  const found = prefixes.find((p) => p && existsSync(join(p, 'include', 'node', 'node_api.h')));
  return found ? join(found, 'include', 'node') : null;
}

function main() {
  if (process.env.MBENCH_MPI_SKIP === '1') return say('skipped (MBENCH_MPI_SKIP=1); multi-device runs are unavailable');
  const mpicc = process.env.MPICC || 'mpicc';
  if (spawnSync(mpicc, ['--version'], { stdio: 'ignore' }).status !== 0)
    return say(`not built (no "${mpicc}": apt install openmpi-bin libopenmpi-dev); multi-device runs are unavailable`);
  const include = nodeInclude();
  if (!include) return say('not built (Node\'s headers, include/node/node_api.h, not found); multi-device runs are unavailable');
  mkdirSync(join(here, 'build', 'Release'), { recursive: true });
  const out = join(here, 'build', 'Release', 'mbench_mpi.node');
  const log = openSync(join(here, 'build.log'), 'w');
  const args = ['-O2', '-Wall', '-shared', '-fPIC', `-I${include}`, '-DNODE_GYP_MODULE_NAME=mbench_mpi', '-o', out, join(here, 'src', 'mpi_addon.c'), '-ldl'];
  const r = spawnSync(mpicc, args, { cwd: here, stdio: ['ignore', log, log] });
  closeSync(log);
  if (r.status === 0 && existsSync(out)) return say('built');
  say('build failed (see kernels/mpi/build.log); multi-device runs are unavailable');
}

main();
