// Single-precision GEMM, row-major: C[M,N] = alpha * op(A)[M,K] · op(B)[K,N] + beta * C, where op(X) is X or
// Xᵀ. `lda`/`ldb`/`ldc` are row strides of the matrices as stored. Two engines:
//  - OpenBLAS's cblas_sgemm, loaded at run time with dlopen (no headers or link-time dependency);
//  - a built-in blocked, packed GEMM (GotoBLAS loop order) with an AVX-512, AVX2 or portable micro-kernel
//    chosen from the CPU's flags at start-up.
#pragma once
#include <string>

namespace mbn {

struct Gemm {
  bool transA, transB;
  long M, N, K;
  float alpha;
  const float* A;
  long lda;
  const float* B;
  long ldb;
  float beta;
  float* C;
  long ldc;
};

// Multi-threaded GEMM through the selected engine.
void sgemm(const Gemm& g);
// The built-in GEMM on the calling thread only (used inside already-parallel kernels).
void sgemm_serial(const Gemm& g);
// The built-in GEMM, multi-threaded over the pool.
void sgemm_builtin(const Gemm& g);
// Batched: batch items with per-item element offsets into A, B and C (offsets may repeat, for broadcasting).
void sgemm_batched(const Gemm& shape, long batch, const long* offA, const long* offB, const long* offC);

// Pre-packed products, for kernels that reuse an operand across many small products (the fused MLM head packs
// each vocabulary chunk of the embedding once and multiplies it by every row block). The layouts are the
// built-in GEMM's: A in panels of MR rows ([k][MR] each), B in panels of NR columns ([k][NR] each), zero past
// the edges, so a product over packed blocks runs the micro-kernel on full tiles only.
struct MicroTile {
  int MR, NR;
};
MicroTile gemm_micro_tile();
// op(A)[i0 .. i0+mc, k0 .. k0+kc] of g (A, lda, transA) → dst, ceil(mc / MR)·MR·kc floats.
void gemm_pack_a(const Gemm& g, long i0, long mc, long k0, long kc, float* dst);
// op(B)[k0 .. k0+kc, j0 .. j0+nc] of g (B, ldb, transB) → dst, ceil(nc / NR)·NR·kc floats.
void gemm_pack_b(const Gemm& g, long k0, long kc, long j0, long nc, float* dst);
// C[mc, nc] (row stride ldc) = alpha·Ap·Bp + beta·C on the calling thread, Ap and Bp packed as above with
// depth kc; with beta = 0, C is not read.
void gemm_packed(const float* Ap, const float* Bp, long mc, long nc, long kc, float alpha, float beta, float* C, long ldc);

// The FLOP/s of independent FMA chains on every pool thread (the best round, each thread timing its own chains),
// measured until a round reaches 90% of threads × one thread's rate alone, or for at most `seconds`; in the
// built-in kernel's ISA; 0 when that ISA is the portable one.
double measured_peak_flops(double seconds);

// "openblas" or "builtin" — which engine sgemm() uses now.
std::string gemm_engine();
// The built-in micro-kernel's instruction set: "avx512", "avx2" or "portable".
std::string gemm_isa();
// OpenBLAS's own description (openblas_get_config + core name), or "" when it is not loaded.
std::string blas_info();
// Chooses the engine: "openblas" (fails → false when the library is missing), "builtin", or "auto".
bool set_gemm_engine(const std::string& name);

}  // namespace mbn
