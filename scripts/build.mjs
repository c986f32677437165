// `npm run build` (and `npm install`, through `prepare`): compiles bin/, src/ and kernels/ to dist/ with tsc
// (tsconfig.build.json), copies beside the compiled code the files it loads by a path relative to itself, and
// writes dist/vendor: what mbench cuts or bundles out of the installed tfjs packages (src/engine/vendor.ts).
// bin/mbench.js runs dist/bin/mbench.js, so every command, and every run a sweep starts, runs compiled
// JavaScript with no TypeScript loader. Plain JavaScript, so it runs before anything is compiled.
// Any failure exits non-zero with the reason: a half-built dist/ must not pass for a built one.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);

function fail(message) {
  process.stderr.write(`build: error: ${message}\n`);
  process.exit(1);
}

/** Files loaded at run time through `new URL('./…', import.meta.url)`: they must sit where the compiled file looks. */
const ASSETS = [
  'kernels/wasm-pool-worker.mjs', // kernels/wasm-simd.ts starts it as a worker
  ...readdirSync(join(root, 'kernels/wasm'))
    .filter((f) => f.endsWith('.wasm'))
    .map((f) => `kernels/wasm/${f}`), // kernels/wasm-simd.ts instantiates them
];

// 1. A clean dist/: a module moved or deleted in the sources must not linger in the compiled tree.
rmSync(dist, { recursive: true, force: true });

// 2. tsc.
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  fail('typescript is not installed (a devDependency): run npm install without --omit=dev');
}
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (compiled.status !== 0) fail(`tsc -p tsconfig.build.json failed (exit ${compiled.status ?? compiled.signal})`);

// 3. Run-time assets.
for (const file of ASSETS) {
  if (!existsSync(join(root, file))) fail(`${file} is missing`);
  cpSync(join(root, file), join(dist, file));
}

// 4. Vendor files, by the compiled module that also finds them at run time.
try {
  const { buildVendorFiles } = await import(pathToFileURL(join(dist, 'src/engine/vendor.js')).href);
  await buildVendorFiles();
} catch (err) {
  fail(`dist/vendor: ${err?.stack ?? err}`);
}

process.stdout.write(`build: dist/ ready (${ASSETS.length} assets copied, dist/vendor written)\n`);
