/**
 * Builds the GPU-check bundle: one folder, under 64 MiB, that runs scripts/gpu-check.ts on a Linux x64 machine
 * with a GPU driver but no Node, no npm and no network (docs/gpu.md):
 *
 *   gpu-check.sh     the entry (scripts/gpu-check.sh): unpacks node, finds the Vulkan loader and driver, runs the check
 *   gpu-check.mjs    the check and everything it imports (mbench's model, trainer and engine, tfjs-core,
 *                    tfjs-backend-cpu and -webgpu) as one esbuild bundle
 *   dawn.node        Dawn for Node, from the installed `webgpu` package (linux-x64)
 *   node.gz          this Node binary (process.execPath), stripped of symbols when `strip` exists, gzip -9
 *   package.json     {"type":"module", version}: the bundle finds its root by it, as a checkout does
 *   lib/             with --vulkan-loader: Debian's libvulkan1 (libvulkan.so.1), used only when the machine has none
 *
 *   node --import tsx scripts/build-gpu-check.ts [--out build/gpu-check] [--vulkan-loader]
 *
 * Three modules are swapped in the bundle, because a bundle has no node_modules to look things up in: the optional
 * packages are imported by name (src/engine/optional-import.ts), tfjs's gradients come from dist/vendor
 * (src/engine/gradients.ts), and the `webgpu` package finds dawn.node under its own folder; each is replaced by
 * a few lines that do the same from inside the bundle. The folder is git-ignored (build/).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { gzipSync, constants as zlib } from 'node:zlib';
import { mbenchVersion, repoRoot } from '../src/version.js';

const require = createRequire(import.meta.url);
/** What the run tool and most artefact stores accept; docs/gpu.md promises it. */
const LIMIT_BYTES = 64 * 2 ** 20;

function fail(message: string): never {
  process.stderr.write(`build-gpu-check: error: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv: readonly string[]): { out: string; vulkanLoader: boolean } {
  let out = join(repoRoot, 'build', 'gpu-check');
  let vulkanLoader = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--out') out = argv[++i] ?? fail('--out needs a folder');
    else if (a === '--vulkan-loader') vulkanLoader = true;
    else fail(`unknown argument '${a}' (known: --out DIR, --vulkan-loader)`);
  }
  return { out, vulkanLoader };
}

/** The modules swapped in the bundle (see the file comment), by the path esbuild loads. */
const SWAPS: Array<{ file: RegExp; contents: string }> = [
  {
    file: /src[\\/]engine[\\/]optional-import\.ts$/,
    contents: `// bundled: the optional packages are inside the bundle
export async function importOptional(specifier) {
  if (specifier === 'webgpu') return import('webgpu');
  if (specifier === '@tensorflow/tfjs-backend-webgpu') return import('@tensorflow/tfjs-backend-webgpu');
  return null;
}
`,
  },
  {
    file: /src[\\/]engine[\\/]gradients\.ts$/,
    contents: `// bundled: tfjs-core's gradient registrations are inside the bundle
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
export function registerAllGradients() { return Promise.resolve(); }
`,
  },
];

const DAWN_SHIM = `// bundled: dawn.node sits beside the bundle
import { createRequire } from 'node:module';
const dawn = createRequire(import.meta.url)('./dawn.node');
export const create = dawn.create;
export const globals = dawn.globals;
`;

async function bundle(out: string): Promise<void> {
  const { build } = (await import('esbuild')) as typeof import('esbuild');
  await build({
    entryPoints: [join(repoRoot, 'scripts', 'gpu-check.ts')],
    outfile: join(out, 'gpu-check.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    // CommonJS modules inside an ES module bundle call require(): give them one.
    banner: { js: "import { createRequire as __mbenchRequire } from 'node:module'; const require = __mbenchRequire(import.meta.url);" },
    // Never loaded by the check (other backends, build tools); left as imports that fail only if reached.
    external: ['@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'esbuild', 'node-fetch'],
    plugins: [
      {
        name: 'mbench-gpu-check',
        setup(b) {
          b.onResolve({ filter: /^webgpu$/ }, () => ({ path: 'webgpu', namespace: 'dawn-shim' }));
          b.onLoad({ filter: /.*/, namespace: 'dawn-shim' }, () => ({ contents: DAWN_SHIM, loader: 'js' }));
          for (const swap of SWAPS) b.onLoad({ filter: swap.file }, () => ({ contents: swap.contents, loader: 'js', resolveDir: repoRoot }));
        },
      },
    ],
  });
}

/** The linux-x64 dawn.node of the installed `webgpu` package. */
function dawnNode(): string {
  let pkg: string;
  try {
    pkg = dirname(require.resolve('webgpu/package.json'));
  } catch {
    fail('the webgpu package is not installed (an optional dependency): run npm install');
  }
  const file = join(pkg, 'dist', 'linux-x64', 'dawn.node');
  if (!existsSync(file)) fail(`${file} is missing: the webgpu package has no linux-x64 build`);
  return file;
}

/** This Node, without its symbol table when `strip` exists (it runs the same), gzip'ed. */
function packNode(out: string): void {
  const tmp = mkdtempSync(join(tmpdir(), 'mbench-gpu-check-'));
  try {
    const copy = join(tmp, 'node');
    copyFileSync(process.execPath, copy);
    const stripped = spawnSync('strip', ['--strip-all', copy], { stdio: 'ignore' }).status === 0;
    const check = spawnSync(copy, ['-e', 'process.stdout.write(process.version)'], { encoding: 'utf8' });
    if (check.stdout !== process.version) fail(`the ${stripped ? 'stripped ' : ''}copy of ${process.execPath} does not run`);
    writeFileSync(join(out, 'node.gz'), gzipSync(readFileSync(copy), { level: zlib.Z_BEST_COMPRESSION }));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Debian's libvulkan1 (the Khronos loader): for machines whose driver came without it. */
function vulkanLoader(out: string): void {
  const tmp = mkdtempSync(join(tmpdir(), 'mbench-gpu-check-vk-'));
  try {
    const got = spawnSync('apt-get', ['download', 'libvulkan1'], { cwd: tmp, encoding: 'utf8' });
    const deb = readdirSync(tmp).find((f) => f.endsWith('.deb'));
    if (got.status !== 0 || !deb) fail(`apt-get download libvulkan1 failed: ${(got.stderr || got.error?.message || '').trim()}`);
    execFileSync('dpkg-deb', ['-x', join(tmp, deb), join(tmp, 'root')]);
    const libDir = join(tmp, 'root', 'usr', 'lib', 'x86_64-linux-gnu');
    const lib = readdirSync(libDir).find((f) => /^libvulkan\.so\.1\.\d/.test(f));
    if (!lib) fail(`${deb} holds no libvulkan.so.1.*`);
    mkdirSync(join(out, 'lib'), { recursive: true });
    copyFileSync(join(libDir, lib), join(out, 'lib', 'libvulkan.so.1'));
    writeFileSync(join(out, 'lib', 'SOURCE'), `${deb} (Debian), the Khronos Vulkan loader; used only when the machine has no libvulkan.so.1\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Bytes of a file, or of everything under a folder. */
function sizeOf(path: string): number {
  const st = statSync(path);
  return st.isDirectory() ? readdirSync(path).reduce((n, f) => n + sizeOf(join(path, f)), 0) : st.size;
}

async function main(): Promise<void> {
  const { out, vulkanLoader: withLoader } = parseArgs(process.argv.slice(2));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await bundle(out);
  copyFileSync(dawnNode(), join(out, 'dawn.node'));
  packNode(out);
  if (withLoader) vulkanLoader(out);
  writeFileSync(join(out, 'package.json'), `${JSON.stringify({ name: 'mbench-gpu-check', version: mbenchVersion, private: true, type: 'module' }, null, 2)}\n`);
  copyFileSync(join(repoRoot, 'scripts', 'gpu-check.sh'), join(out, 'gpu-check.sh'));
  chmodSync(join(out, 'gpu-check.sh'), 0o755);
  const bytes = sizeOf(out);
  for (const f of readdirSync(out)) process.stdout.write(`  ${f.padEnd(16)} ${(sizeOf(join(out, f)) / 2 ** 20).toFixed(1).padStart(6)} MiB\n`);
  process.stdout.write(`${relative(process.cwd(), out) || out}: ${(bytes / 2 ** 20).toFixed(1)} MiB (limit ${LIMIT_BYTES / 2 ** 20} MiB); run ./gpu-check.sh there\n`);
  if (bytes >= LIMIT_BYTES) fail(`the bundle is ${(bytes / 2 ** 20).toFixed(1)} MiB, over the ${LIMIT_BYTES / 2 ** 20} MiB limit`);
}

main().catch((err: unknown) => fail((err as Error).stack ?? String(err)));
