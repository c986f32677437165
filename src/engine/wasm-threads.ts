/**
 * Multi-threaded wasm under Node: tfjs-backend-wasm ships a threaded SIMD build (XNNPACK on a pthreadpool of
 * Web Workers) but switches it off under Node (tfjs issue #3830), so tfjs-wasm trains on one core there. The
 * emscripten glue in that build does support Node's worker_threads; three things stand in the way, and this
 * file removes each of them:
 *
 *   1. The feature flag WASM_HAS_MULTITHREAD_SUPPORT answers false whenever IS_NODE → we set it true.
 *   2. tfjs hands emscripten the pthread worker script and the main script as Blob URLs, which Node's
 *      worker_threads cannot start or read → a `Worker` shim starts our own copy of tfjs's worker script from a
 *      file, patched to load the emscripten factory from a file too. Both files are cut out of the installed
 *      tfjs-backend-wasm bundle by `npm run build` into dist/vendor (./vendor.ts; the package is pinned to one
 *      version because the fast paths in kernels/ use its internals; a cut that does not match fails the build).
 *   3. The C++ side caps the pool at `emscripten_num_logical_cores() / 2` (it assumes two hyperthreads per
 *      core), which under Node is `os.cpus().length / 2` → `os.cpus` reports 2 × the wanted threads while the
 *      module starts, and is restored right after.
 *
 * Threads: MBENCH_WASM_THREADS, else SLURM_CPUS_PER_TASK, else the cores Node sees; at most 8 (the number of
 * workers tfjs's build pre-creates). 1 selects the plain single-threaded SIMD build, exactly as before. The
 * local sweep executor divides the cores between the runs it starts at once (src/launch/local-executor.ts).
 *
 * Results do not depend on the thread count: XNNPACK splits a product by output tiles, and each output element
 * is accumulated by one thread in the same order (test/engine/wasm-threads.test.ts checks this bit for bit).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { Worker as NodeWorker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../errors.js';
import { vendorFiles } from './vendor.js';

/** tfjs-wasm's build pre-creates this many pthread workers; its pool cannot use more. */
export const MAX_WASM_THREADS = 8;

/** The thread count the wasm backend will use (see the file comment); a malformed setting is a UserError. */
export function wasmThreadCount(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['MBENCH_WASM_THREADS'];
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS)
      throw new UserError(`MBENCH_WASM_THREADS must be a whole number from 1 to ${MAX_WASM_THREADS}, got '${raw}'`);
    return n;
  }
  const slurm = Number(env['SLURM_CPUS_PER_TASK']);
  const cores = Number.isInteger(slurm) && slurm >= 1 ? slurm : os.availableParallelism();
  return Math.max(1, Math.min(MAX_WASM_THREADS, cores));
}

interface WasmModuleInternals {
  tfjs: { getThreadsCount(): number };
  PThread?: { runningWorkers: Array<{ unref?: () => void }>; unusedWorkers: Array<{ unref?: () => void }> };
}

/** The worker script `npm run build` cut out of the installed tfjs-wasm bundle (./vendor.ts). */
function threadFiles(): { worker: string; factory: string } {
  const files = vendorFiles();
  for (const file of [files.wasmWorker, files.wasmFactory])
    if (!existsSync(file)) throw new Error(`${file} is missing (run npm run build)`);
  return { worker: files.wasmWorker, factory: files.wasmFactory };
}

let shimInstalled = false;
let started: number | null = null;

/** Threads of the running wasm backend, or the count it would start with. */
export function wasmThreads(): number {
  return started ?? wasmThreadCount();
}

/** A `Worker` that starts the cached pthread worker script whatever URL emscripten asks for. */
function installWorkerShim(workerFile: string): void {
  if (shimInstalled) return;
  class PthreadWorker extends NodeWorker {
    constructor(_url: unknown) {
      // execArgv: [] keeps the parent's loaders (tsx) out of a plain CommonJS worker.
      super(workerFile, { execArgv: [] });
    }
  }
  // emscripten assigns global.Worker = worker_threads.Worker when it starts; keep the shim in place.
  Object.defineProperty(globalThis, 'Worker', { get: () => PthreadWorker, set: () => undefined, configurable: true });
  shimInstalled = true;
}

/**
 * Prepares the wasm backend to start with `threads` threads; call after importing @tensorflow/tfjs-backend-wasm
 * and before tf.setBackend('wasm'). Returns the function to call once the backend is ready (it restores
 * os.cpus and lets the process exit while the pool's threads wait for work).
 */
export async function prepareWasmThreads(threads: number): Promise<() => number> {
  if (threads <= 1) return () => (started = 1);
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as typeof import('@tensorflow/tfjs-backend-wasm');
  let worker: string;
  try {
    worker = threadFiles().worker;
  } catch (err) {
    // Not built (or built for another tfjs version): train on one thread rather than not at all.
    process.stderr.write(`mbench: wasm runs single-threaded: ${(err as Error).message}\n`);
    return () => (started = 1);
  }
  installWorkerShim(worker);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const realCpus = os.cpus;
  os.cpus = () => {
    const list = realCpus();
    return Array.from({ length: 2 * threads }, (_, i) => list[i % list.length]!);
  };
  return () => {
    os.cpus = realCpus;
    const module = (tf.findBackend('wasm') as unknown as { wasm?: WasmModuleInternals } | null)?.wasm;
    const pt = module?.PThread;
    for (const w of [...(pt?.runningWorkers ?? []), ...(pt?.unusedWorkers ?? [])]) w.unref?.();
    started = module ? module.tfjs.getThreadsCount() : 1;
    return started;
  };
}
