/**
 * The webgpu backend: @tensorflow/tfjs-backend-webgpu on Dawn for Node (the `webgpu` package, whose npm tarball
 * carries dawn.node for linux-x64, macOS and Windows). Both are optionalDependencies: a failed install leaves
 * `mbench backends` saying why.
 *
 * Which adapter (MBENCH_WEBGPU_ADAPTER):
 *   auto      (unset) a real GPU through Dawn's native API for the platform (Vulkan on Linux, Metal on macOS,
 *             D3D12 on Windows); when there is none, Mesa's software renderer, with a one-line notice
 *   software  Mesa's software renderer only (what CI sets): Dawn's OpenGL ES backend over EGL on llvmpipe,
 *             headless (EGL_PLATFORM=surfaceless, set here when unset), as a 'compatibility' adapter
 *   hardware  a real GPU only: none is an error
 * Why GL for software and not Vulkan: Debian 12's lavapipe (Mesa 22.3) is refused by Dawn's Vulkan backend (it
 * lacks shaderUniform*ArrayDynamicIndexing), while llvmpipe's GLES 3.2 passes as a compatibility-mode adapter.
 *
 * What webgpu asks of the rest of mbench:
 * - reads are asynchronous (`await t.data()`): tfjs-backend-webgpu's dataSync needs OffscreenCanvas, which Node
 *   lacks, so the trainer reads losses, norms and weights with data() on every backend;
 * - compatibility-mode devices bind at most 8 storage buffers per shader stage, so an AddN of more than 7 inputs
 *   is invalid there (kernels/add-many.ts sums in chunks); tfjs's own Concat already splits;
 * - a device can be lost (driver reset, another process, `destroy()`), and Dawn can refuse work (a tensor over
 *   maxStorageBufferBindingSize: 128 MiB on llvmpipe) without any exception, its output reading as zeros:
 *   `deviceFault()` reports either, and the trainer stops with that message before writing a checkpoint (the
 *   next run resumes from the last good one); the kernel benchmark marks the case errored.
 *
 * `navigator.gpu` is set before tfjs-backend-webgpu is imported (its module and its backend's constructor look
 * for it), and the backend is registered with mbench's own factory around the device opened here: the module's
 * factory would ask for a default adapter, which on the software path does not exist.
 */
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../errors.js';
import { importOptional } from './optional-import.js';

/** The apt packages of the software renderer (Debian 12 / Ubuntu names). */
export const MESA_APT_PACKAGES = 'libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri';

export const ADAPTER_MODES = ['auto', 'software', 'hardware'] as const;
export type AdapterMode = (typeof ADAPTER_MODES)[number];

/** Dawn's native backend for real GPUs on each platform (its `backend=` flag). */
export function nativeGpuApi(platform: NodeJS.Platform = process.platform): string {
  return platform === 'darwin' ? 'metal' : platform === 'win32' ? 'd3d12' : 'vulkan';
}

/** MBENCH_WEBGPU_ADAPTER as a mode; anything else is a UserError naming the variable. */
export function adapterMode(env: NodeJS.ProcessEnv = process.env): AdapterMode {
  const raw = (env['MBENCH_WEBGPU_ADAPTER'] ?? '').trim().toLowerCase();
  if (raw === '') return 'auto';
  if ((ADAPTER_MODES as readonly string[]).includes(raw)) return raw as AdapterMode;
  throw new UserError(`MBENCH_WEBGPU_ADAPTER='${env['MBENCH_WEBGPU_ADAPTER']}' is not one of ${ADAPTER_MODES.join(', ')} (unset = auto: a real GPU, else the software renderer)`);
}

// The few members of the WebGPU API used here (dawn.node implements the standard interfaces).
export interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
export interface GpuDeviceLike {
  readonly lost: Promise<{ reason?: string; message?: string }>;
  readonly limits: Record<string, number>;
  addEventListener?(type: 'uncapturederror', listener: (e: { error?: { message?: string } }) => void): void;
  destroy(): void;
}
export interface GpuAdapterLike {
  readonly info?: GpuAdapterInfoLike;
  readonly limits: Record<string, number>;
  readonly features: { has(name: string): boolean };
  requestDevice(descriptor?: { requiredLimits?: Record<string, number>; requiredFeatures?: string[] }): Promise<GpuDeviceLike>;
}
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: string; featureLevel?: string }): Promise<GpuAdapterLike | null>;
}
/** dawn.node's `create(flags)`: a navigator.gpu bound to the flags (`backend=vulkan`, …). */
export type CreateGpu = (flags: string[]) => GpuLike;

/** What `mbench backends` and the run records say about the adapter. */
export interface WebGpuAdapterFacts {
  /** e.g. "NVIDIA H100 80GB HBM3" or "llvmpipe (LLVM 15.0.6, 256 bits)". */
  name: string;
  /** Dawn's backend API: vulkan, metal, d3d12, opengles. */
  api: string;
  /** A CPU renderer (llvmpipe, lavapipe, SwiftShader, WARP): correct, not fast. */
  software: boolean;
  vendor: string;
}

export interface ChosenAdapter extends WebGpuAdapterFacts {
  gpu: GpuLike;
  adapter: GpuAdapterLike;
  /** Set when auto mode fell back to the software renderer: the one-line notice to print. */
  notice: string | null;
}

const SOFTWARE_NAMES = /llvmpipe|lavapipe|softpipe|swiftshader|\bwarp\b|microsoft basic render/i;

/** The adapter's name and whether it is a CPU renderer. */
export function describeAdapter(adapter: GpuAdapterLike, api: string): WebGpuAdapterFacts {
  const info = adapter.info ?? {};
  // Dawn's `device` is the device's name (lower-cased and dashed on some backends), `description` the driver's
  // string: both, when both say something ("llvmpipe-llvm-15-0-6-256-bits (OpenGL version OpenGL ES 3.2 Mesa …)").
  const device = (info.device ?? '').trim().replace(/-+$/, '');
  const description = (info.description ?? '').trim();
  const vendor = [info.vendor, info.architecture].filter((s) => s && s.trim() !== '').join(' ');
  const name =
    device && description && device !== description ? `${device} (${description})` : device || description || vendor || 'unnamed adapter';
  const software = info.isFallbackAdapter === true || SOFTWARE_NAMES.test(`${info.description ?? ''} ${info.device ?? ''} ${info.vendor ?? ''}`);
  return { name, api, software, vendor: info.vendor ?? '' };
}

/** One try at an adapter; the reason it failed, or the adapter. */
async function tryAdapter(createGpu: CreateGpu, api: string, options: { powerPreference?: string; featureLevel?: string }): Promise<{ gpu: GpuLike; adapter: GpuAdapterLike } | string> {
  try {
    const gpu = createGpu([`backend=${api}`]);
    const adapter = await gpu.requestAdapter(options);
    return adapter ? { gpu, adapter } : 'no adapter';
  } catch (err) {
    return ((err as Error).message ?? String(err)).split('\n')[0]!.trim() || 'failed';
  }
}

/**
 * Finds an adapter in the order of `mode` (see the file comment). `createGpu` is dawn.node's create (a parameter
 * so tests can stand in for machines with and without GPUs). No adapter at all is a UserError naming every try.
 */
export async function chooseAdapter(createGpu: CreateGpu, mode: AdapterMode, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): Promise<ChosenAdapter> {
  const tried: string[] = [];
  let realFailure = '';
  if (mode !== 'software') {
    const api = nativeGpuApi(platform);
    const got = await tryAdapter(createGpu, api, { powerPreference: 'high-performance' });
    if (typeof got !== 'string') {
      const facts = describeAdapter(got.adapter, api);
      if (!(mode === 'hardware' && facts.software)) return { ...facts, ...got, notice: null };
      tried.push(`Dawn ${api}: only a software adapter (${facts.name})`);
    } else {
      tried.push(`Dawn ${api}: ${got}`);
      realFailure = got;
    }
  }
  if (mode !== 'hardware') {
    // Mesa's EGL picks its platform from the environment; with no display, surfaceless is the one that works.
    if (!env['EGL_PLATFORM']) env['EGL_PLATFORM'] = 'surfaceless';
    const got = await tryAdapter(createGpu, 'opengles', { featureLevel: 'compatibility' });
    if (typeof got !== 'string') {
      const facts = describeAdapter(got.adapter, 'opengles');
      const notice =
        mode === 'auto'
          ? `note: webgpu found no GPU (Dawn ${nativeGpuApi(platform)}: ${realFailure || 'no adapter'}) and runs on ${facts.software ? 'a software device' : 'OpenGL ES'}, ${facts.name}: correct but slow (MBENCH_WEBGPU_ADAPTER=software silences this)`
          : null;
      return { ...facts, software: facts.software || mode === 'software', ...got, notice };
    }
    tried.push(`Dawn opengles (compatibility, EGL_PLATFORM=${env['EGL_PLATFORM']}): ${got}`);
  }
  const want =
    mode === 'hardware'
      ? 'a GPU driver with Vulkan (Linux: the vendor driver and libvulkan1), Metal (macOS) or D3D12 (Windows)'
      : `a GPU driver with Vulkan, or for the software renderer: apt install ${MESA_APT_PACKAGES}`;
  throw new UserError(`no WebGPU adapter (MBENCH_WEBGPU_ADAPTER=${mode}); tried ${tried.join('; ')}. Needs ${want}`);
}

/** The adapter limits tfjs-backend-webgpu asks for (the adapter's maxima, not WebGPU's small defaults). */
const REQUESTED_LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
] as const;

interface OpenDevice {
  facts: WebGpuAdapterFacts;
  device: GpuDeviceLike;
  /** Set when the device was lost: Dawn's reason and message. */
  lost: string | null;
  /** The first uncaptured error since the last clearDeviceError() (its first line), e.g. a binding over a limit. */
  error: string | null;
}

/**
 * What went wrong on the device: `lost` (it is gone; a new process gets a new one) or `error` (Dawn refused some
 * work — typically a tensor larger than maxStorageBufferBindingSize — so every result after it is suspect: the
 * refused shader did not run, and nothing says so but this).
 */
export interface DeviceFault {
  kind: 'lost' | 'error';
  message: string;
}

let current: OpenDevice | null = null;
let opening: Promise<OpenDevice> | null = null;

/** The active webgpu device's fault (lost, or an uncaptured error since clearDeviceError); null when fine or not on webgpu. */
export function deviceFault(): DeviceFault | null {
  if (tf.engine().backendName !== 'webgpu' || current === null) return null;
  if (current.lost !== null) return { kind: 'lost', message: current.lost };
  if (current.error !== null) return { kind: 'error', message: current.error };
  return null;
}

/** Forgets the recorded uncaptured error (the kernel benchmark, after an errored case). */
export function clearDeviceError(): void {
  if (current) current.error = null;
}

/** The adapter of the open device, or null before one is opened. */
export function webgpuAdapter(): WebGpuAdapterFacts | null {
  return current?.facts ?? null;
}

/**
 * Opens (once; again after a loss) a device on the chosen adapter and registers tfjs's webgpu backend on it.
 * Returns the adapter's facts; throws a UserError when a package is missing or there is no adapter.
 */
export function openWebGpu(install: string): Promise<WebGpuAdapterFacts> {
  if (current && current.lost !== null) {
    // A lost device cannot come back: drop tfjs's backend on it (its tensors are gone) and open a new one.
    current = null;
    opening = null;
    try {
      tf.removeBackend('webgpu');
    } catch {
      // disposing buffers of a lost device may throw; the backend is gone either way
    }
  }
  opening ??= open(install).catch((err: unknown) => {
    opening = null;
    throw err;
  });
  return opening.then((d) => d.facts);
}

async function open(install: string): Promise<OpenDevice> {
  const dawn = await importOptional('webgpu');
  if (dawn === null) throw new UserError(`not installed: ${install}`);
  const create = dawn['create'] as CreateGpu | undefined;
  if (typeof create !== 'function') throw new UserError(`the installed webgpu package exports no create(): install webgpu@0.6.2 (${install})`);
  const chosen = await chooseAdapter(create, adapterMode());
  if (chosen.notice) process.stderr.write(`mbench: ${chosen.notice}\n`);
  const g = globalThis as { navigator?: { gpu?: unknown } };
  Object.assign(globalThis, dawn['globals'] as object); // GPUBufferUsage, GPUMapMode, … as in a browser
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, writable: true, configurable: true });
  g.navigator!.gpu = chosen.gpu;
  const mod = await importOptional('@tensorflow/tfjs-backend-webgpu');
  if (mod === null) throw new UserError(`not installed: ${install}`);
  const Backend = mod['WebGPUBackend'] as (new (device: GpuDeviceLike, info?: GpuAdapterInfoLike) => tf.KernelBackend) | undefined;
  if (typeof Backend !== 'function' || !tf.getKernel('BatchMatMul', 'webgpu')) {
    throw new UserError(`@tensorflow/tfjs-backend-webgpu registered its kernels with another @tensorflow/tfjs-core; install version ${tf.version_core} so npm shares one`);
  }
  const requiredLimits: Record<string, number> = {};
  for (const k of REQUESTED_LIMITS) {
    const v = chosen.adapter.limits[k];
    if (typeof v === 'number') requiredLimits[k] = v;
  }
  let device: GpuDeviceLike;
  try {
    device = await chosen.adapter.requestDevice({ requiredLimits });
  } catch (err) {
    throw new UserError(`webgpu adapter ${chosen.name} (${chosen.api}) refused a device: ${(err as Error).message}`);
  }
  const opened: OpenDevice = { facts: { name: chosen.name, api: chosen.api, software: chosen.software, vendor: chosen.vendor }, device, lost: null, error: null };
  void device.lost.then((info) => {
    opened.lost = `${info?.reason ?? 'unknown'}${info?.message ? `: ${info.message}` : ''}`;
  });
  // A refused shader (Dawn validation, out of memory) runs nothing and throws nothing: its output reads back as
  // zeros. Keep the first message, so the trainer and the benchmark can stop instead of using the numbers.
  device.addEventListener?.('uncapturederror', (e) => {
    opened.error ??= (e.error?.message ?? 'unknown error').split('\n')[0]!.trim();
  });
  // The module registered a factory that asks for a default adapter; this one uses the device opened above.
  // Priority 0: never the backend tfjs picks by itself.
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new Backend(device, chosen.adapter.info), 0);
  current = opened;
  return opened;
}
