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

// The FLOP/s of independent FMA chains on every pool thread for about `seconds` (best round), in the built-in
// kernel's ISA; 0 when that ISA is the portable one.
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
