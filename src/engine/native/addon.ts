/**
 * Loads mbench's native addon (kernels/native, a Node-API module built by node-gyp at `npm install` when a C++
 * compiler is present) and types its functions. Every function is synchronous and works on the caller's typed
 * arrays in place: outputs are preallocated Float32Arrays. Shapes are checked in C++ against buffer lengths.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../../version.js';
import { profiledAddon, profiling } from './profile.js';

/** Where node-gyp puts the module, in the checkout's kernels/native/build/Release (the same from src/ and dist/). */
export const addonPath = join(repoRoot, 'kernels/native/build/Release/mbench_native.node');

export interface NativeAddonInfo {
  /** The GEMM engine sgemm uses now: 'openblas' (cblas_sgemm, dlopen'ed) or 'builtin'. */
  gemm: 'openblas' | 'builtin';
  /** The built-in GEMM's micro-kernel: 'avx512', 'avx2' or 'portable'. */
  isa: string;
  /** OpenBLAS's own description (version, build, core) when it was found, else ''. */
  blas: string;
  /** glibc's malloc policy the addon set at load: 'heap' (tensors up to 64 MiB reuse heap memory instead of a
   * fresh mmap each, see addon.cc malloc_policy) or 'default' (MBENCH_NATIVE_MALLOC=default, or not glibc). */
  malloc: 'heap' | 'default';
  threads: number;
}

type F32 = Float32Array;
type Nullable<T> = T | null;

export interface NativeAddon {
  info(): NativeAddonInfo;
  /** FLOP/s of independent FMA chains on every pool thread, best round over about `seconds`; 0 without SIMD. */
  peakFlops(seconds: number): number;
  setGemmEngine(name: 'openblas' | 'builtin' | 'auto'): boolean;
  /** C[M,N] = alpha·op(A)·op(B) + beta·C, contiguous row-major. */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, a: F32, b: F32, beta: number, c: F32): void;
  /** Batched C_i = op(A_i)·op(B_i) with element offsets per item (repeat an offset to broadcast). */
  gemmBatched(transA: boolean, transB: boolean, m: number, n: number, k: number, a: F32, offA: Float64Array, b: F32, offB: Float64Array, c: F32, offC: Float64Array): void;
  unary(op: number, x: F32, out: F32): void;
  /** out[shape] = a ⊕ b, element strides per dimension (0 where broadcast). */
  binary(op: number, a: F32, b: F32, out: F32, shape: number[], stridesA: number[], stridesB: number[]): void;
  /** x viewed as [A, R, B] → out [A, B]. */
  reduce(op: number, x: F32, a: number, r: number, b: number, out: F32): void;
  transpose(x: F32, shape: number[], perm: number[], out: F32): void;
  softmax(x: F32, rows: number, cols: number, out: F32): void;
  gather(params: F32, outer: number, axis: number, inner: number, indices: Int32Array, out: F32): void;
  segmentSum(x: F32, rows: number, inner: number, ids: Int32Array, numSegments: number, out: F32): void;
  /** In place: m, v ← moments; p ← p·shrink − step·m/(√v/sqrtBc2 + eps) (torch.optim.AdamW's form). */
  adamw(p: F32, g: F32, m: F32, v: F32, beta1: number, beta2: number, eps: number, shrink: number, step: number, sqrtBc2: number): void;
  layerNorm(x: F32, gamma: F32, beta: F32, rows: number, cols: number, eps: number, y: F32, mean: F32, rstd: F32, residual?: Nullable<F32>): void;
  layerNormGrad(dy: F32, x: F32, gamma: F32, mean: F32, rstd: F32, rows: number, cols: number, dx: F32, dgamma: F32, dbeta: F32, residual?: Nullable<F32>): void;
  /**
   * q, k, v, out [B,S,H,D], or [rowStart[B],H,D] with packed rows (sample b: rows rowStart[b]…rowStart[b+1]−1);
   * lse [B,H,S]; bias [1 or B, H, S, S] added to the scores (with slopes/keyMask).
   */
  attention(q: F32, k: F32, v: F32, batch: number, heads: number, seq: number, headDim: number, slopes: Nullable<F32>, keyMask: Nullable<F32>, bias: Nullable<F32>, out: F32, lse: F32, skipPadQueries?: boolean, dropMask?: Nullable<F32>, rowStart?: Nullable<Int32Array>): void;
  attentionGrad(q: F32, k: F32, v: F32, out: F32, lse: F32, dout: F32, batch: number, heads: number, seq: number, headDim: number, slopes: Nullable<F32>, keyMask: Nullable<F32>, bias: Nullable<F32>, dq: F32, dk: F32, dv: F32, skipPadQueries?: boolean, dropMask?: Nullable<F32>, rowStart?: Nullable<Int32Array>): void;
  geluTanh(x: F32, out: F32): void;
  geluTanhGrad(x: F32, dy: F32, dx: F32): void;
  geglu(gate: F32, value: F32, out: F32): void;
  gegluGrad(gate: F32, value: F32, dy: F32, dgate: F32, dvalue: F32): void;
  /**
   * The tied MLM decoder + softmax cross-entropy over M rows, fused (kernels/native/src/mlm_head.h): h [M,H],
   * table [V,H], bias [V], labels in [0, V). Writes stats [2·M] (row max, then log Σ exp(logit − max)) and
   * out [2] = (Σ loss in nats, correct count).
   */
  mlmHead(h: F32, table: F32, bias: F32, labels: Int32Array, m: number, hidden: number, vocab: number, stats: F32, out: Float64Array): void;
  /** Its gradient for G = scale·(softmax − onehot): dh = G·table, dtable = Gᵀ·h, dbias = Σ rows of G (all written). */
  mlmHeadGrad(h: F32, table: F32, bias: F32, labels: Int32Array, m: number, hidden: number, vocab: number, stats: F32, scale: number, dh: F32, dtable: F32, dbias: F32): void;
  /**
   * Inverted-dropout keep masks from src/random.ts's SplitMix32, bit for bit: block b (state states[b]) fills
   * out[starts[b] .. starts[b+1]) with (next() ≥ rate ? keep : 0), as `new Rng(states[b])` would draw them.
   */
  dropoutMask(out: F32, rate: number, keep: number, states: Float64Array, starts: Float64Array): void;
}

/** Op codes shared with kernels/native/src/elementwise.h, keyed by tfjs kernel name. */
export const UNARY = { Exp: 0, Log: 1, Sqrt: 2, Rsqrt: 3, Square: 4, Neg: 5, Tanh: 6, Erf: 7, Relu: 8, Sigmoid: 9, Abs: 10, Reciprocal: 11 } as const;
export const BINARY = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3, Maximum: 4, Minimum: 5, SquaredDifference: 6 } as const;
export const REDUCE = { Sum: 0, Max: 1, Min: 2, Mean: 3 } as const;

export type AddonLoad = { ok: true; addon: NativeAddon } | { ok: false; reason: string };

let cached: AddonLoad | null = null;

/** Loads the addon once; `reason` says why it is unavailable (not built, or failed to load). */
export function loadAddon(): AddonLoad {
  if (cached) return cached;
  if (!existsSync(addonPath)) {
    cached = { ok: false, reason: 'the native addon is not built (npm install builds it when a C++ compiler is present; see kernels/native/build.log)' };
  } else {
    try {
      const addon = createRequire(import.meta.url)(addonPath) as NativeAddon;
      cached = { ok: true, addon: profiling() ? profiledAddon(addon) : addon };
    } catch (err) {
      cached = { ok: false, reason: `the native addon failed to load: ${(err as Error).message.split('\n')[0]}` };
    }
  }
  return cached;
}

/** The addon, or an Error naming why it is unavailable. */
export function requireAddon(): NativeAddon {
  const r = loadAddon();
  if (!r.ok) throw new Error(r.reason);
  return r.addon;
}
