/**
 * mbench's `native` tfjs backend: the cpu backend's tensors with native (C++, multi-threaded, SIMD) kernels
 * from kernels/native. `registerNativeBackend()` is what src/engine/backends.ts calls; it throws an Error that
 * says why when the addon is not built or does not load.
 *
 * Besides the tfjs kernels it offers fused ops for the model's kernels/ to use on this backend
 * (fused.ts: attention with ALiBi, LayerNorm (+ residual), GELU, GeGLU — each with its gradient; mlm-head.ts:
 * the tied MLM decoder with its softmax cross-entropy) and an in-place AdamW step (adamw.ts).
 */
import '@tensorflow/tfjs-backend-cpu';
import { loadAddon, requireAddon, type NativeAddonInfo } from './addon.js';
import { registerFusedAdamW } from '../../../kernels/adamw.js';
import { nativeAdamWStep } from './adamw.js';
import { nativeKernelNames, registerBackendAndKernels, NATIVE_BACKEND } from './backend.js';

export { NATIVE_BACKEND } from './backend.js';
export { nativeAttention, nativeGelu, nativeGeglu, nativeLayerNorm, onNative } from './fused.js';
export { nativeAdamWStep } from './adamw.js';
export { countProfiledStep, resetProfile as resetNativeProfile } from './profile.js';
export { nativeMlmHeadActive, nativeTiedMlmLoss, MLM_HEAD_ENV } from './mlm-head.js';

export interface NativeInfo extends NativeAddonInfo {
  available: true;
  /** One line for `mbench backends`, e.g. "GEMM: built-in AVX-512 (OpenBLAS 0.3.21 found, core=Prescott: slower), 2 threads". */
  summary: string;
  kernels: string[];
}

export type NativeStatus = NativeInfo | { available: false; reason: string };

/** Registers the `native` backend with tfjs (idempotent). Throws when the addon is unavailable. */
export function registerNativeBackend(): void {
  registerBackendAndKernels(requireAddon());
  // The optimizer's update as one native pass per weight (kernels/adamw.ts adamwApply).
  registerFusedAdamW(NATIVE_BACKEND, nativeAdamWStep);
}

function summary(i: NativeAddonInfo): string {
  const isa = { avx512: 'AVX-512', avx2: 'AVX2', portable: 'portable C++' }[i.isa] ?? i.isa;
  const blas = i.blas ? i.blas.split(' ').filter((w) => /^OpenBLAS$|^\d|^core=/.test(w)).join(' ') : '';
  const gemm =
    i.gemm === 'openblas'
      ? `OpenBLAS cblas_sgemm (${blas})`
      : `built-in ${isa}${blas ? ` (${blas} found but not faster here; MBENCH_NATIVE_GEMM=openblas forces it)` : ' (no libopenblas.so.0 found)'}`;
  return `GEMM: ${gemm}; ${i.threads} threads; malloc ${i.malloc === 'heap' ? 'heap-reuse (MBENCH_NATIVE_MALLOC=default turns it off)' : 'default'}`;
}

let measuredPeak: number | null | undefined;

/**
 * The MFU denominator on `native`: FLOP/s of independent FMA chains on every pool thread (the addon's
 * peakFlops: rounds until one reaches 90% of threads × one thread's rate, ~30 ms, or 0.5 s when a core stays
 * busy), measured once per process; null without a SIMD micro-kernel or the addon.
 */
export function measuredPeakFlops(): number | null {
  if (measuredPeak === undefined) {
    const r = loadAddon();
    const flops = r.ok ? r.addon.peakFlops(0.5) : 0;
    measuredPeak = flops > 0 ? flops : null;
  }
  return measuredPeak;
}

/** What `mbench backends` shows: the GEMM engine in use, the SIMD level, threads — or why it is unavailable. */
export function nativeInfo(): NativeStatus {
  const r = loadAddon();
  if (!r.ok) return { available: false, reason: r.reason };
  const info = r.addon.info();
  return { available: true, ...info, summary: summary(info), kernels: nativeKernelNames(r.addon) };
}

export { NATIVE_BACKEND as nativeBackendName };
