// Install step of the optional native addon: builds it with node-gyp when a C++ compiler is present.
// It never fails the install: without a compiler, or when the build fails, it prints one line and exits 0,
// and mbench falls back to the wasm backend. The full compiler output goes to build.log beside this file.
// Set MBENCH_NATIVE_SKIP=1 to skip the build.
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const say = (msg) => console.log(`mbench-native: ${msg}`);

function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp, // npm sets this to its bundled node-gyp
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((p) => p && existsSync(p));
}

// Node's own headers (Debian and most installers ship them under <prefix>/include/node) let node-gyp build
// offline; otherwise node-gyp tries to download them.
function nodeDirArgs() {
  const prefixes = [join(dirname(process.execPath), '..'), process.config.variables.node_prefix, '/usr', '/usr/local'];
  const found = prefixes.find((p) => p && existsSync(join(p, 'include', 'node', 'node_api.h')));
  return found ? [`--nodedir=${found}`] : [];
}

function main() {
  if (process.env.MBENCH_NATIVE_SKIP === '1') return say('skipped (MBENCH_NATIVE_SKIP=1); mbench will use wasm');
  const cxx = process.env.CXX || 'c++';
  if (spawnSync(cxx, ['--version'], { stdio: 'ignore' }).status !== 0)
    return say(`not built (no C++ compiler "${cxx}"); mbench will use the wasm backend`);
  const gyp = findNodeGyp();
  if (!gyp) return say('not built (node-gyp not found); mbench will use the wasm backend');
  const log = openSync(join(here, 'build.log'), 'w');
  const r = spawnSync(process.execPath, [gyp, 'rebuild', ...nodeDirArgs()], {
    cwd: here,
    stdio: ['ignore', log, log],
    env: { ...process.env, JOBS: process.env.JOBS ?? '2' },
  });
  closeSync(log);
  if (r.status === 0 && existsSync(join(here, 'build', 'Release', 'mbench_native.node'))) return say('built');
  say('build failed (see kernels/native/build.log); mbench will use the wasm backend');
}

main();
