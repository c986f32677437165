/**
 * Files cut or bundled out of the installed tfjs packages once, at build time (`npm run build`, which `npm install`
 * runs), into dist/vendor/ — never at run time, so a read-only install works and nothing writes into node_modules.
 * Their names carry the package versions, so a tfjs upgrade without a rebuild is reported, not half-loaded.
 *
 *   gradients   tfjs-core's gradient registrations as one ESM file (./gradients.ts says why they need bundling)
 *   wasm threads the pthread worker script and the threaded emscripten factory of tfjs-backend-wasm
 *                (./wasm-threads.ts says why they are cut out of its bundle)
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { vendorDir } from '../version.js';

const require = createRequire(import.meta.url);
const FACTORY = 'factory.cjs';

function packageVersion(pkg: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
}

export interface VendorFiles {
  /** tfjs-core's dist/register_all_gradients.js bundled as one ES module. */
  gradients: string;
  /** tfjs-backend-wasm's pthread worker script, loading the factory beside it. */
  wasmWorker: string;
  /** tfjs-backend-wasm's threaded emscripten factory (CommonJS, sets globalThis.WasmBackendModuleThreadedSimd). */
  wasmFactory: string;
}

/** Where the vendor files of the installed tfjs versions are (under `root`, default dist/vendor). */
export function vendorFiles(root = vendorDir): VendorFiles {
  const threads = join(root, `tfjs-wasm-${packageVersion('@tensorflow/tfjs-backend-wasm')}-threads`);
  return {
    gradients: join(root, `tfjs-core-${packageVersion('@tensorflow/tfjs-core')}-gradients.mjs`),
    wasmWorker: join(threads, 'pthread-worker.cjs'),
    wasmFactory: join(threads, FACTORY),
  };
}

function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/**
 * tfjs-core's gradients in one file. The bundle carries its own copy of the ops the gradient functions call;
 * tfjs keeps its engine and kernel/gradient registries on globalThis, so both copies share one engine.
 */
async function bundleGradients(out: string): Promise<void> {
  const entry = join(dirname(require.resolve('@tensorflow/tfjs-core/package.json')), 'dist', 'register_all_gradients.js');
  const { build } = (await import('esbuild')) as typeof import('esbuild');
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', outfile: tmp, logLevel: 'error', external: ['node-fetch'] });
  renameSync(tmp, out);
}

/**
 * The worker script and the threaded factory, cut out of tfjs-backend-wasm's CommonJS bundle. The worker loads
 * the factory from its own folder (`__dirname`), so dist/ can move with the checkout.
 */
function cutWasmThreadFiles(files: VendorFiles): void {
  const bundle = require.resolve('@tensorflow/tfjs-backend-wasm');
  const src = readFileSync(bundle, 'utf8');
  const fail = (what: string): never => {
    throw new Error(`${what} not found in ${bundle} (tfjs-backend-wasm ${packageVersion('@tensorflow/tfjs-backend-wasm')})`);
  };
  const start = src.indexOf('var WasmBackendModuleThreadedSimd = (function () {');
  const end = src.indexOf('module.exports = WasmBackendModuleThreadedSimd;', start);
  if (start < 0 || end < 0) fail('the threaded emscripten factory');
  const literal = /var wasmWorkerContents = ("(?:[^"\\]|\\.)*");/.exec(src)?.[1] ?? fail('the pthread worker script');
  // The worker script keeps "\n" escapes inside its own string literals (tfjs does the same when it makes the Blob).
  let script = (JSON.parse(literal) as string).replace(/\n/g, '\\n');
  const load = `importScripts(require("path").join(__dirname, ${JSON.stringify(FACTORY)}))`;
  for (const call of ['importScripts(e.data.urlOrBlob)', 'importScripts(objectUrl)']) {
    if (!script.includes(call)) fail(`'${call}' in the pthread worker script`);
    script = script.replace(call, load);
  }
  // The factory refers to the bundle's module aliases for fs, path, perf_hooks and os.
  const prelude =
    "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os');\n" +
    'var commonjsGlobal = globalThis;\n';
  writeAtomic(files.wasmFactory, `${prelude}${src.slice(start, end)}\nglobalThis.WasmBackendModuleThreadedSimd = WasmBackendModuleThreadedSimd;\n`);
  writeAtomic(files.wasmWorker, script);
}

/** The build step: writes every vendor file under `root` (default dist/vendor); throws saying what failed. */
export async function buildVendorFiles(root?: string): Promise<VendorFiles> {
  const files = vendorFiles(root);
  await bundleGradients(files.gradients);
  cutWasmThreadFiles(files);
  return files;
}
