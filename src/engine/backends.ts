/**
 * tfjs backend selection. `useBackend(name)` loads and activates one of:
 *   auto        the default: native when the addon loads, else wasm (the run records which)
 *   wasm        XNNPACK SIMD on all cores (src/engine/wasm-threads.ts) and mbench's own SIMD kernels
 *               on tfjs's heap (kernels/wasm-simd.ts); works offline (bundled)
 *   cpu         plain JavaScript; only for tiny tests (bundled)
 *   webgpu      @tensorflow/tfjs-backend-webgpu on Dawn for Node (the `webgpu` package): any GPU with Vulkan,
 *               Metal or D3D12, or Mesa's software renderer (./webgpu.ts); optionalDependencies, installed
 *               by `npm install`
 *   tensorflow  libtensorflow through @tensorflow/tfjs-node-gpu, else @tensorflow/tfjs-node (user-installed:
 *               optional peerDependencies, which `npm install` never fetches)
 *   native      mbench's own native addon backend (src/engine/native), when built
 * Asking for a backend whose package is missing is a UserError naming what to install. Every backend computes in
 * float32 (tfjs has no bf16), so recipes that use bf16 on GPUs run in full precision here.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { UserError, checkName } from '../errors.js';
import { registerFusedClipping } from '../../kernels/adamw.js';
import { registerAllGradients } from './gradients.js';
import { wasmAdamW, wasmSumSquares } from '../../kernels/wasm-adamw.js';
import { deviceInfo, type DeviceInfo } from './device.js';
import { prepareWasmThreads, wasmThreadCount, wasmThreads } from './wasm-threads.js';
import { importOptional } from './optional-import.js';
import { openWebGpu, webgpuAdapter, type WebGpuAdapterFacts } from './webgpu.js';

import { AUTO_BACKEND, BACKEND_CHOICES, BACKEND_NAMES, DEFAULT_BACKEND, type BackendName } from './backend-names.js';

export { AUTO_BACKEND, BACKEND_CHOICES, BACKEND_NAMES, DEFAULT_BACKEND, type BackendName };

/** Versions the optional packages must match: one tfjs-core must serve every backend. */
export const TFJS_VERSION = '4.22.0';

const INSTALL: Record<BackendName, string> = {
  wasm: '@tensorflow/tfjs-backend-wasm (a dependency: run npm install)',
  cpu: '@tensorflow/tfjs-backend-cpu (a dependency: run npm install)',
  tensorflow: `npm install @tensorflow/tfjs-node@${TFJS_VERSION} (or @tensorflow/tfjs-node-gpu@${TFJS_VERSION} with CUDA)`,
  webgpu: `npm install (webgpu and @tensorflow/tfjs-backend-webgpu@${TFJS_VERSION} are optional dependencies; an install that skipped them: npm install --save-optional --save-exact webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@${TFJS_VERSION})`,
  native: 'build the native addon (see src/engine/native)',
};

/**
 * Why tfjs-node-gpu is no GPU path for most users (README "Backends" says the same): its install script downloads
 * libtensorflow 2.9.1 from storage.googleapis.com, and that build links CUDA 11.2 / cuDNN 8.1.
 */
export const TFJS_NODE_GPU_CAVEAT =
  'tfjs-node-gpu downloads libtensorflow 2.9.1 when it installs (impossible offline) and needs CUDA 11.2 with cuDNN 8.1, ' +
  "which current GPUs' drivers do not pair with: for a GPU, use webgpu";

export interface BackendStatus {
  name: BackendName;
  available: boolean;
  /** Why it is (not) available: the package found, or what to install. */
  detail: string;
  /** webgpu: the adapter it opened (name, Dawn's API, software or not). */
  adapter?: WebGpuAdapterFacts;
}

// Beside this file with its own extension: .ts from the sources (under tsx), .js compiled (dist/).
const nativeIndex = fileURLToPath(new URL(`./native/index${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/** Loads the packages behind a backend and registers it with tfjs; returns a status (no activation). */
async function load(name: BackendName): Promise<BackendStatus> {
  const ok = (detail: string): BackendStatus => ({ name, available: true, detail });
  const missing = (detail: string): BackendStatus => ({ name, available: false, detail });
  switch (name) {
    case 'wasm':
      await import('@tensorflow/tfjs-backend-wasm');
      const threads = wasmThreads();
      return ok(`@tensorflow/tfjs-backend-wasm ${TFJS_VERSION}, SIMD, ${threads === 1 ? '1 thread' : `${threads} threads`} (MBENCH_WASM_THREADS)`);
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return ok(`@tensorflow/tfjs-backend-cpu ${TFJS_VERSION} (slow; for tiny tests)`);
    case 'tensorflow': {
      for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
        if (tf.findBackendFactory('tensorflow')) return ok(`${pkg} (libtensorflow)`);
        if ((await importOptional(pkg)) === null) continue;
        if (!tf.findBackendFactory('tensorflow'))
          return missing(`${pkg} loaded a different @tensorflow/tfjs-core; install version ${TFJS_VERSION} so npm shares one`);
        return ok(`${pkg} (libtensorflow)`);
      }
      return missing(`not installed: ${INSTALL.tensorflow}. ${TFJS_NODE_GPU_CAVEAT}`);
    }
    case 'webgpu': {
      try {
        const gpu = await openWebGpu(INSTALL.webgpu);
        const detail = `@tensorflow/tfjs-backend-webgpu ${TFJS_VERSION} on Dawn (webgpu): adapter ${gpu.name}, ${gpu.api}, ${gpu.software ? 'software device' : 'GPU'}`;
        return { ...ok(detail), adapter: gpu };
      } catch (err) {
        if (err instanceof UserError) return missing(err.message); // not installed, or no adapter: the message says which
        throw err;
      }
    }
    case 'native': {
      if (tf.findBackendFactory('native')) return ok('mbench native addon');
      if (!existsSync(nativeIndex)) return missing(`not built: ${INSTALL.native}`);
      const mod = await importOptional(nativeIndex);
      const register = mod && Object.entries(mod).find(([k, v]) => /^register/i.test(k) && typeof v === 'function');
      if (!register) return missing(`${nativeIndex} exports no register function`);
      try {
        await (register[1] as () => unknown)();
      } catch (err) {
        return missing(`native addon failed to register: ${(err as Error).message}`);
      }
      if (!tf.findBackendFactory('native')) return missing('the native register function did not register a backend');
      // nativeInfo().summary names the GEMM engine in use (OpenBLAS or the built-in AVX-512/AVX2 kernel) and threads.
      const info = typeof mod['nativeInfo'] === 'function' ? (mod['nativeInfo'] as () => { summary?: string })() : {};
      return ok(`mbench native addon${info.summary ? `: ${info.summary}` : ''}`);
    }
  }
}

/** Availability of one backend (loads it if installed; activates nothing). */
export async function probeBackend(name: BackendName): Promise<BackendStatus> {
  try {
    return await load(name);
  } catch (err) {
    return { name, available: false, detail: (err as Error).message };
  }
}

/** Availability of every backend (loads what is installed; activates nothing). */
export async function probeBackends(): Promise<BackendStatus[]> {
  const out: BackendStatus[] = [];
  for (const name of BACKEND_NAMES) {
    try {
      out.push(await load(name));
    } catch (err) {
      out.push({ name, available: false, detail: (err as Error).message });
    }
  }
  return out;
}

export interface ActiveBackend extends DeviceInfo {
  name: BackendName;
  /** What was asked for (`auto` or a name) and, for `auto`, why it resolved as it did. */
  requested: string;
  reason: string | null;
}

/**
 * What `auto` means on this machine: `native` when the addon is built and registers, else `wasm`.
 * `probe` is the loader (a parameter so tests can stand in for a machine with or without the addon).
 */
export async function resolveAuto(probe: (name: BackendName) => Promise<BackendStatus> = load): Promise<{ name: BackendName; why: string }> {
  const native = await probe('native').catch((err: Error) => ({ name: 'native' as const, available: false, detail: err.message }));
  if (native.available) return { name: 'native', why: 'auto: the native addon is built' };
  return { name: 'wasm', why: `auto: native unavailable (${native.detail})` };
}

/**
 * The device a backend computes on and its peak: deviceInfo's estimate, except on `native`, whose addon measures
 * its own (FMA chains on its threads, 0.1 s once per process) unless MBENCH_PEAK_GFLOPS is set.
 */
export async function devicePeak(backend: BackendName): Promise<DeviceInfo> {
  const info = deviceInfo(backend, gpuName(backend));
  if (backend !== 'native' || info.peakSource === 'env MBENCH_PEAK_GFLOPS' || !existsSync(nativeIndex)) return info;
  const mod = await importOptional(nativeIndex);
  const measure = mod?.['measuredPeakFlops'];
  const flops = typeof measure === 'function' ? (measure as () => number | null)() : null;
  return flops === null ? info : { ...info, peakFlopsPerSecond: flops, peakSource: 'measured' };
}

/** Loads and activates a backend by name (or `auto`); a missing one is a UserError saying what to install. */
export async function useBackend(name: string = DEFAULT_BACKEND): Promise<ActiveBackend> {
  const chosen = checkName('backend', name, BACKEND_CHOICES);
  const auto = chosen === AUTO_BACKEND ? await resolveAuto() : null;
  const backend = auto?.name ?? (chosen as BackendName);
  const status = await load(backend);
  if (!status.available) throw new UserError(`backend '${backend}' is not available: ${status.detail}`);
  // tfjs-core's Node entry registers no op gradients; the kernels differentiate through core ops too.
  await registerAllGradients();
  let activated = false;
  const started = backend === 'wasm' && !tf.findBackend('wasm') ? await prepareWasmThreads(wasmThreadCount()) : null;
  try {
    activated = await tf.setBackend(backend);
    await tf.ready();
  } catch (err) {
    const hint = started && wasmThreadCount() > 1 ? ' (MBENCH_WASM_THREADS=1 selects the single-threaded build)' : '';
    throw new UserError(`backend '${backend}' failed to start: ${(err as Error).message}${hint}`);
  } finally {
    started?.();
  }
  if (!activated || tf.getBackend() !== backend) throw new UserError(`backend '${backend}' failed to start (no usable device?)`);
  // tfjs-cpu prints a "install tfjs-node" banner on first use; mbench's own message covers that.
  if (backend === 'cpu' || backend === 'native') (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  if (backend === 'wasm') registerFusedClipping('wasm', wasmAdamW, wasmSumSquares);
  return { name: backend, requested: chosen, reason: auto?.why ?? null, ...(await devicePeak(backend)) };
}

/** The GPU a backend computes on, as the run records should name it (webgpu: the adapter, its API, software or not). */
export function gpuName(backend: BackendName): string | undefined {
  const gpu = backend === 'webgpu' ? webgpuAdapter() : null;
  return gpu ? `${gpu.name} (webgpu, ${gpu.api}${gpu.software ? ', software' : ''})` : undefined;
}
