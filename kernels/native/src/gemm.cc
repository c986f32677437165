#include "gemm.h"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "aligned_buf.h"
#include "isa.h"
#include "pool.h"

#if MBN_X86
#include <immintrin.h>
#endif

namespace mbn {

// ---------------------------------------------------------------------------------------------------------
// 1. OpenBLAS, loaded at run time.
// cblas_sgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc); CblasRowMajor = 101,
// CblasNoTrans = 111, CblasTrans = 112 (the values fixed by the CBLAS standard).
typedef void (*cblas_sgemm_fn)(int, int, int, int, int, int, float, const float*, int, const float*, int, float,
                               float*, int);
typedef char* (*openblas_str_fn)();
typedef void (*openblas_set_threads_fn)(int);

struct Blas {
  cblas_sgemm_fn sgemm = nullptr;
  std::string info;
};

static Blas load_blas() {
  Blas b;
  if (const char* off = std::getenv("MBENCH_NATIVE_BLAS")) {
    if (std::strcmp(off, "0") == 0 || std::strcmp(off, "none") == 0) return b;
  }
  const char* names[] = {"libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0"};
  void* h = nullptr;
  for (const char* n : names) {
    h = dlopen(n, RTLD_NOW | RTLD_LOCAL);
    if (h) break;
  }
  if (!h) return b;
  b.sgemm = reinterpret_cast<cblas_sgemm_fn>(dlsym(h, "cblas_sgemm"));
  if (!b.sgemm) return b;
  auto cfg = reinterpret_cast<openblas_str_fn>(dlsym(h, "openblas_get_config"));
  auto core = reinterpret_cast<openblas_str_fn>(dlsym(h, "openblas_get_corename"));
  if (cfg) b.info = cfg();
  if (core) b.info += std::string(b.info.empty() ? "" : " ") + "core=" + core();
  // OpenBLAS's own threads serve big single GEMMs; keep them to the pool's size.
  auto set_threads = reinterpret_cast<openblas_set_threads_fn>(dlsym(h, "openblas_set_num_threads"));
  if (set_threads) set_threads(pool().threads());
  return b;
}

static Blas& blas() {
  static Blas b = load_blas();
  return b;
}

// ---------------------------------------------------------------------------------------------------------
// 2. The built-in GEMM: packing.
// op(A)(i, k) = transA ? A[k*lda + i] : A[i*lda + k]; op(B)(k, j) = transB ? B[j*ldb + k] : B[k*ldb + j].
// Packed A: panels of MR rows, each laid out [k][MR]. Packed B: panels of NR columns, each laid out [k][NR].
// Rows/columns past the matrix edge are zero, so the micro-kernel always computes a full MR×NR tile.

#if MBN_X86
// Non-transposed A, full 12-row panels: one masked gather per k collects the 12 rows' values (stride lda) into
// the panel's [k][12] layout, instead of 12 scalar loads and stores.
__attribute__((target("avx512f"))) static void pack_a12_rows_avx512(const float* src, long lda, long kc, float* d) {
  const __m512i idx = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 0, 0, 0),
                                         _mm512_set1_epi32(static_cast<int>(lda)));
  const __mmask16 twelve = 0x0fff;
  for (long k = 0; k < kc; ++k) {
    __m512 v = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), twelve, idx, src + k, 4);
    _mm512_mask_storeu_ps(d + k * 12, twelve, v);
  }
}
#endif

static bool use_gather_pack(const Gemm& g, int MR);
static void scale_c(const Gemm& g);

static void pack_a(const Gemm& g, long i0, long mc, long k0, long kc, int MR, float* dst) {
#if MBN_X86
  if (use_gather_pack(g, MR)) {
    long full = mc / MR * MR;
    for (long p = 0; p < full; p += MR) pack_a12_rows_avx512(g.A + (i0 + p) * g.lda + k0, g.lda, kc, dst + p * kc);
    if (full == mc) return;
    // The ragged last panel below, element by element.
    for (long k = 0; k < kc; ++k) {
      float* d = dst + full * kc + k * MR;
      int rows = static_cast<int>(mc - full);
      const float* s = g.A + (i0 + full) * g.lda + k0 + k;
      for (int r = 0; r < rows; ++r) d[r] = s[r * g.lda];
      for (int r = rows; r < MR; ++r) d[r] = 0.f;
    }
    return;
  }
#endif
  for (long p = 0; p < mc; p += MR) {
    int rows = static_cast<int>(std::min<long>(MR, mc - p));
    for (long k = 0; k < kc; ++k) {
      float* d = dst + (p * kc) + k * MR;
      if (g.transA) {
        const float* s = g.A + (k0 + k) * g.lda + i0 + p;
        for (int r = 0; r < rows; ++r) d[r] = s[r];
      } else {
        const float* s = g.A + (i0 + p) * g.lda + k0 + k;
        for (int r = 0; r < rows; ++r) d[r] = s[r * g.lda];
      }
      for (int r = rows; r < MR; ++r) d[r] = 0.f;
    }
  }
}

static void pack_b(const Gemm& g, long k0, long kc, long j0, long nc, int NR, float* dst) {
  for (long q = 0; q < nc; q += NR) {
    int cols = static_cast<int>(std::min<long>(NR, nc - q));
    float* panel = dst + q * kc;
    if (!g.transB) {
      for (long k = 0; k < kc; ++k) {
        const float* s = g.B + (k0 + k) * g.ldb + j0 + q;
        float* d = panel + k * NR;
        std::memcpy(d, s, sizeof(float) * cols);
        for (int c = cols; c < NR; ++c) d[c] = 0.f;
      }
    } else {
      for (int c = 0; c < cols; ++c) {
        const float* s = g.B + (j0 + q + c) * g.ldb + k0;
        for (long k = 0; k < kc; ++k) panel[k * NR + c] = s[k];
      }
      for (int c = cols; c < NR; ++c)
        for (long k = 0; k < kc; ++k) panel[k * NR + c] = 0.f;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// 3. Micro-kernels: acc[MR][NR] = Σ_k a[k][r] · b[k][c]; then C = alpha·acc + beta·C (C not read when beta
// is 0, so garbage or NaN in a fresh output cannot leak in).
// a(r, k) = a[k·cs + r]: cs = MR for a packed panel, lda for a transposed A read in place.
typedef void (*micro_fn)(long kc, const float* a, long cs, const float* b, float* C, long ldc, float alpha, float beta);

#if MBN_X86
// One body for the three ways the 12 × 32 kernel reads A. ROWS: A's 12 rows read in place from a row-major A,
// a(r, k) = a[r·s + k] (each row a sequential stream, no packing; used when the rows do not all fall in one L1
// set, see a_in_place). Otherwise a(r, k) = a[k·cs + r] with cs = CS when it is the packed panel's 12 (a constant
// stride lets the compiler fold the broadcasts' addresses; a run-time one cost the fused MLM head ~2%), else s.
template <int CS, bool ROWS>
__attribute__((target("avx512f"), always_inline)) static inline void micro_avx512_body(long kc, const float* a, long s,
                                                                                      const float* b, float* C, long ldc,
                                                                                      float alpha, float beta) {
  // 12 × 32 tile: 24 zmm accumulators, 2 zmm of B per k, A broadcast from memory.
  // C's 24 cache lines are fetched while the k loop runs: with a row stride that is a multiple of 4 KB they all
  // fall in one L1 set, and loading them only at the end cost ~15% of the time at n = 2048.
  for (int r = 0; r < 12; ++r) {
    _mm_prefetch(reinterpret_cast<const char*>(C + r * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(C + r * ldc + 16), _MM_HINT_T0);
  }
  __m512 c[12][2];
  for (int r = 0; r < 12; ++r) c[r][0] = c[r][1] = _mm512_setzero_ps();
  for (long k = 0; k < kc; ++k) {
    __m512 b0 = _mm512_loadu_ps(b + k * 32), b1 = _mm512_loadu_ps(b + k * 32 + 16);
#pragma GCC unroll 12
    for (int r = 0; r < 12; ++r) {
      __m512 av = _mm512_set1_ps(ROWS ? a[r * s + k] : a[k * (CS ? CS : s) + r]);
      c[r][0] = _mm512_fmadd_ps(av, b0, c[r][0]);
      c[r][1] = _mm512_fmadd_ps(av, b1, c[r][1]);
    }
  }
  __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  for (int r = 0; r < 12; ++r) {
    float* cr = C + r * ldc;
    for (int h = 0; h < 2; ++h) {
      __m512 v = _mm512_mul_ps(c[r][h], va);
      if (beta != 0.f) v = _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr + 16 * h), v);
      _mm512_storeu_ps(cr + 16 * h, v);
    }
  }
}

__attribute__((target("avx512f"))) static void micro_avx512(long kc, const float* a, long cs, const float* b,
                                                             float* C, long ldc, float alpha, float beta) {
  if (cs == 12)
    micro_avx512_body<12, false>(kc, a, cs, b, C, ldc, alpha, beta);
  else
    micro_avx512_body<0, false>(kc, a, cs, b, C, ldc, alpha, beta);
}

// A row-major A read in place: a(r, k) = a[r·rs + k].
__attribute__((target("avx512f"))) static void micro_avx512_rows(long kc, const float* a, long rs, const float* b,
                                                                  float* C, long ldc, float alpha, float beta) {
  micro_avx512_body<0, true>(kc, a, rs, b, C, ldc, alpha, beta);
}

__attribute__((target("avx2,fma"))) static void micro_avx2(long kc, const float* a, long cs, const float* b, float* C,
                                                            long ldc, float alpha, float beta) {
  // 6 × 16 tile: 12 ymm accumulators.
  __m256 c[6][2];
  for (int r = 0; r < 6; ++r) c[r][0] = c[r][1] = _mm256_setzero_ps();
  for (long k = 0; k < kc; ++k) {
    __m256 b0 = _mm256_loadu_ps(b + k * 16), b1 = _mm256_loadu_ps(b + k * 16 + 8);
    const float* ak = a + k * cs;
#pragma GCC unroll 6
    for (int r = 0; r < 6; ++r) {
      __m256 av = _mm256_broadcast_ss(ak + r);
      c[r][0] = _mm256_fmadd_ps(av, b0, c[r][0]);
      c[r][1] = _mm256_fmadd_ps(av, b1, c[r][1]);
    }
  }
  __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
  for (int r = 0; r < 6; ++r) {
    float* cr = C + r * ldc;
    for (int h = 0; h < 2; ++h) {
      __m256 v = _mm256_mul_ps(c[r][h], va);
      if (beta != 0.f) v = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr + 8 * h), v);
      _mm256_storeu_ps(cr + 8 * h, v);
    }
  }
}

#endif  // MBN_X86

static void micro_portable(long kc, const float* a, long cs, const float* b, float* C, long ldc, float alpha,
                           float beta) {
  // 4 × 16 tile in plain C++ (the compiler vectorises the inner loop to whatever the baseline ISA has).
  float c[4][16] = {};
  for (long k = 0; k < kc; ++k)
    for (int r = 0; r < 4; ++r)
      for (int j = 0; j < 16; ++j) c[r][j] += a[k * cs + r] * b[k * 16 + j];
  for (int r = 0; r < 4; ++r)
    for (int j = 0; j < 16; ++j)
      C[r * ldc + j] = alpha * c[r][j] + (beta != 0.f ? beta * C[r * ldc + j] : 0.f);
}

struct Isa {
  const char* name;
  micro_fn micro;
  int MR, NR;
  long KC, MC, NC;
};

static Isa detect_isa() {
  const char* force = std::getenv("MBENCH_NATIVE_ISA");
  std::string f = force ? force : "";
#if MBN_X86
  __builtin_cpu_init();
  if ((f.empty() || f == "avx512") && __builtin_cpu_supports("avx512f"))
    // KC 384 halves C's read-modify-write traffic across K blocks against 192 (+7–15% at n = 1024/2048 in
    // interleaved runs here); MC 48 gives a 512-row product 11 row blocks to balance over the threads.
    return {"avx512", micro_avx512, 12, 32, 384, 48, 3072};
  if ((f.empty() || f == "avx512" || f == "avx2") && __builtin_cpu_supports("avx2") &&
      __builtin_cpu_supports("fma"))
    return {"avx2", micro_avx2, 6, 16, 256, 120, 3072};
#endif
  return {"portable", micro_portable, 4, 16, 256, 128, 2048};
}

static const Isa& isa() {
  static Isa i = detect_isa();
  return i;
}

// The gather packing serves the AVX-512 kernel's 12-row panels of a non-transposed A whose byte offsets fit
// the gather's 32-bit indices. MBENCH_GEMM_PACK=scalar turns it off (to compare).
static bool use_gather_pack(const Gemm& g, int MR) {
  static const bool enabled = [] {
    const char* v = std::getenv("MBENCH_GEMM_PACK");
    return !(v && std::strcmp(v, "scalar") == 0);
  }();
  return enabled && !g.transA && MR == 12 && std::strcmp(isa().name, "avx512") == 0 && g.lda * 11 < (1L << 29);
}

// ---------------------------------------------------------------------------------------------------------
// 4. The blocked loops (GotoBLAS order: jc over NC columns, pc over KC depth, ic over MC rows; inside, jr over
// NR-column micro-panels of packed B and ir over MR-row micro-panels of packed A).

// Blocking, overridable for tuning (MBENCH_GEMM_KC / _MC / _NC; MC is rounded to a multiple of MR).
struct Blocking {
  long KC, MC, NC;
};

static Blocking blocking() {
  static Blocking b = [] {
    const Isa& I = isa();
    Blocking r{I.KC, I.MC, I.NC};
    auto env = [](const char* name, long dflt) {
      const char* v = std::getenv(name);
      long x = v ? std::atol(v) : 0;
      return x > 0 ? x : dflt;
    };
    r.KC = env("MBENCH_GEMM_KC", r.KC);
    r.MC = (env("MBENCH_GEMM_MC", r.MC) + I.MR - 1) / I.MR * I.MR;
    r.NC = (env("MBENCH_GEMM_NC", r.NC) + I.NR - 1) / I.NR * I.NR;
    return r;
  }();
  return b;
}

// The K blocks: ceil(K / KC) of them, of equal depth (K = 512 with KC = 384 runs as 256 + 256, not 384 + 128:
// a shallow last block runs the micro-kernel at a worse ratio of FMAs to C loads and stores).
static long even_step(long K, long KC) {
  long blocks = (K + KC - 1) / KC;
  return (K + blocks - 1) / blocks;
}

// C[ic.., jc..] (+)= packed A block (mc × kc) · packed B block (kc × nc).
static void macro_kernel(const Gemm& g, const float* Ap, const float* Bp, long ic, long mc, long jc, long nc, long kc,
                         float beta) {
  const Isa& I = isa();
  const int MR = I.MR, NR = I.NR;
  alignas(64) float tile[12 * 32];
  for (long jr = 0; jr < nc; jr += NR) {
    int cols = static_cast<int>(std::min<long>(NR, nc - jr));
    for (long ir = 0; ir < mc; ir += MR) {
      int rows = static_cast<int>(std::min<long>(MR, mc - ir));
      float* Cij = g.C + (ic + ir) * g.ldc + jc + jr;
      if (rows == MR && cols == NR) {
        I.micro(kc, Ap + ir * kc, MR, Bp + jr * kc, Cij, g.ldc, g.alpha, beta);
      } else {
        I.micro(kc, Ap + ir * kc, MR, Bp + jr * kc, tile, NR, g.alpha, 0.f);
        for (int r = 0; r < rows; ++r)
          for (int c = 0; c < cols; ++c) {
            float* d = Cij + r * g.ldc + c;
            *d = tile[r * NR + c] + (beta != 0.f ? beta * *d : 0.f);
          }
      }
    }
  }
}

MicroTile gemm_micro_tile() { return {isa().MR, isa().NR}; }

void gemm_pack_a(const Gemm& g, long i0, long mc, long k0, long kc, float* dst) { pack_a(g, i0, mc, k0, kc, isa().MR, dst); }

void gemm_pack_b(const Gemm& g, long k0, long kc, long j0, long nc, float* dst) { pack_b(g, k0, kc, j0, nc, isa().NR, dst); }

void gemm_packed(const float* Ap, const float* Bp, long mc, long nc, long kc, float alpha, float beta, float* C, long ldc) {
  if (mc <= 0 || nc <= 0) return;
  Gemm g{};
  g.M = mc;
  g.N = nc;
  g.K = kc;
  g.alpha = alpha;
  g.beta = beta;
  g.C = C;
  g.ldc = ldc;
  if (kc <= 0) return scale_c(g);
  macro_kernel(g, Ap, Bp, 0, mc, 0, nc, kc, beta);
}

// Whether op(A)'s full 12-row panels are read in place by the AVX-512 kernels instead of being copied first. Row
// starts (or, for a transposed A, k steps) a multiple of 4 KiB apart all fall in one L1 set and evict each other
// and B (mosaic's K = 1024 products ran ~20% slower in place, lda = 1024); those go through a small copy.
// MBENCH_GEMM_A=copy copies every panel (to compare).
static bool a_in_place(const Gemm& g) {
  static const bool allowed = [] {
    const char* v = std::getenv("MBENCH_GEMM_A");
    return !(v && std::strcmp(v, "copy") == 0) && std::strcmp(isa().name, "avx512") == 0;
  }();
  return allowed && g.lda % 1024 != 0;
}

// C[i0 .. i0+mc, jc .. jc+nc] (+)= op(A)[i0 .. i0+mc, pc .. pc+kc] · the packed B block (kc × nc) on the calling
// thread. The loop runs each MR-row panel of A (12 × kc: ≤ 18 KiB, held in L1) against every NR-column panel of
// the B block (held in L2), so A streams from memory once and is never packed as a whole: BLIS's order with the
// roles of A and B swapped, because here A is the broadcast operand. With AVX-512 a non-transposed A is read in
// place row by row (micro_avx512_rows) and a transposed one 12 contiguous floats per k (the packed layout with
// stride lda); ragged panels, other ISAs and 4 KiB-aliased strides are copied into a per-thread buffer first.
static void row_block(const Gemm& g, const float* Bp, long i0, long mc, long pc, long kc, long jc, long nc, float beta) {
  const Isa& I = isa();
  const int MR = I.MR, NR = I.NR;
  static thread_local AlignedBuf pbuf;
  alignas(64) float tile[12 * 32];
  static const bool avx512 = std::strcmp(isa().name, "avx512") == 0;  // fixed at start-up
  const bool in_place = a_in_place(g);
#if MBN_X86
  const bool by_rows = avx512 && !g.transA;
#else
  const bool by_rows = false;
#endif
  for (long ir = i0; ir < i0 + mc; ir += MR) {
    int rows = static_cast<int>(std::min<long>(MR, i0 + mc - ir));
    const float* a;
    long stride;
    if (by_rows) {
      if (rows == MR && in_place) {
        a = g.A + ir * g.lda + pc;
        stride = g.lda;
      } else {
        // A row stride that is a multiple of 16 floats plus 16: rows start in different L1 sets.
        long ld = (kc + 15) / 16 * 16 + 16;
        float* p = pbuf.get(MR * ld);
        for (int r = 0; r < rows; ++r) std::memcpy(p + r * ld, g.A + (ir + r) * g.lda + pc, sizeof(float) * kc);
        for (int r = rows; r < MR; ++r) std::memset(p + r * ld, 0, sizeof(float) * kc);
        a = p;
        stride = ld;
      }
    } else if (avx512 && g.transA && rows == MR && in_place) {
      a = g.A + pc * g.lda + ir;
      stride = g.lda;
    } else {
      float* p = pbuf.get(MR * kc);
      pack_a(g, ir, rows, pc, kc, MR, p);
      a = p;
      stride = MR;
    }
    for (long jr = 0; jr < nc; jr += NR) {
      int cols = static_cast<int>(std::min<long>(NR, nc - jr));
      float* Cij = g.C + ir * g.ldc + jc + jr;
      bool full = rows == MR && cols == NR;
      float* dst = full ? Cij : tile;
      long ldd = full ? g.ldc : NR;
      float b = full ? beta : 0.f;
#if MBN_X86
      if (by_rows)
        micro_avx512_rows(kc, a, stride, Bp + jr * kc, dst, ldd, g.alpha, b);
      else
#endif
        I.micro(kc, a, stride, Bp + jr * kc, dst, ldd, g.alpha, b);
      if (!full) {
        for (int r = 0; r < rows; ++r)
          for (int c = 0; c < cols; ++c) {
            float* d = Cij + r * g.ldc + c;
            *d = tile[r * NR + c] + (beta != 0.f ? beta * *d : 0.f);
          }
      }
    }
  }
}

// C's rows [m0, m1) × columns [n0, n1) on the calling thread.
static void gemm_block(const Gemm& g, long m0, long m1, long n0, long n1) {
  const Isa& I = isa();
  const Blocking Bk = blocking();
  static thread_local AlignedBuf bbuf;
  const long kstep = even_step(g.K, Bk.KC);
  for (long jc = n0; jc < n1; jc += Bk.NC) {
    long nc = std::min(Bk.NC, n1 - jc);
    long ncp = (nc + I.NR - 1) / I.NR * I.NR;
    for (long pc = 0; pc < g.K; pc += kstep) {
      long kc = std::min(kstep, g.K - pc);
      float beta = pc == 0 ? g.beta : 1.f;
      float* Bp = bbuf.get(ncp * kc);
      pack_b(g, pc, kc, jc, nc, I.NR, Bp);
      row_block(g, Bp, m0, m1 - m0, pc, kc, jc, nc, beta);
    }
  }
}

static void scale_c(const Gemm& g) {
  // K == 0: C = beta·C.
  for (long i = 0; i < g.M; ++i)
    for (long j = 0; j < g.N; ++j) g.C[i * g.ldc + j] = g.beta == 0.f ? 0.f : g.beta * g.C[i * g.ldc + j];
}

void sgemm_serial(const Gemm& g) {
  if (g.M <= 0 || g.N <= 0) return;
  if (g.K <= 0) return scale_c(g);
  gemm_block(g, 0, g.M, 0, g.N);
}

// Multi-threaded: per (jc, pc) block, the threads first pack B together into one shared buffer, then each
// takes row blocks of C (packing its own A) against that shared B. Splitting rows keeps every thread's A
// packing disjoint and B packed once; the previous column split re-packed all of A in every chunk.
// Products with few rows and many columns (M < threads · MR · 2) split columns instead, each thread on its
// own, since B dominates there.
void sgemm_builtin(const Gemm& g) {
  if (g.M <= 0 || g.N <= 0) return;
  if (g.K <= 0) return scale_c(g);
  const Isa& I = isa();
  const Blocking Bk = blocking();
  int T = pool().threads();
  double flops = 2.0 * g.M * g.N * g.K;
  if (T == 1 || flops < 2e5 || in_parallel_region()) return gemm_block(g, 0, g.M, 0, g.N);
  // Columns or rows (MBENCH_GEMM_SPLIT=cols|rows overrides, for tuning). Columns cost one pool dispatch per
  // product and no shared packing, but every thread reads all of A: chosen for a transposed A read in place
  // (weight gradients Xᵀ·dY: few rows, K in the thousands, so rows meant ~11 K blocks of two dispatches each)
  // when every thread gets at least two NR-column panels, or when there are too few rows to share. Measured on
  // mini's products (2 threads, Zen 5, two alternating rounds): Xᵀ·dY at M = N = 256, K = 4096 ran 245–263
  // GFLOP/s by rows and 268–297 by columns; the non-transposed products ran 5–15% faster by rows.
  static const int split_env = [] {
    const char* v = std::getenv("MBENCH_GEMM_SPLIT");
    return v ? (std::strcmp(v, "cols") == 0 ? 1 : std::strcmp(v, "rows") == 0 ? 2 : 0) : 0;
  }();
  bool cols = g.M < 2L * T * I.MR || (g.transA && a_in_place(g) && g.N >= 2L * T * I.NR);
  if (split_env) cols = split_env == 1;
  if (cols) {
    long units = (g.N + I.NR - 1) / I.NR;
    long chunks = std::min<long>(units, T);
    long per = (units + chunks - 1) / chunks * I.NR;
    pool().parallel_for(chunks, [&](long c) {
      long b = c * per, e = std::min(g.N, b + per);
      if (b < e) gemm_block(g, 0, g.M, b, e);
    });
    return;
  }
  static AlignedBuf shared_b;
  const long kstep = even_step(g.K, Bk.KC);
  // Row chunks: whole MR panels, at most MC rows each, at least 2 per thread when there are enough rows
  // (tasks are handed out dynamically, so a descheduled thread's share is picked up by the others).
  long panels = (g.M + I.MR - 1) / I.MR;
  // A multiple of the thread count, so equal shares end together.
  long chunks = std::max<long>(2L * T, (g.M + Bk.MC - 1) / Bk.MC);
  chunks = std::min(panels, (chunks + T - 1) / T * T);
  long per = (panels + chunks - 1) / chunks * I.MR;
  for (long jc = 0; jc < g.N; jc += Bk.NC) {
    long nc = std::min(Bk.NC, g.N - jc);
    long npanels = (nc + I.NR - 1) / I.NR;
    for (long pc = 0; pc < g.K; pc += kstep) {
      long kc = std::min(kstep, g.K - pc);
      float beta = pc == 0 ? g.beta : 1.f;
      float* Bp = shared_b.get(npanels * I.NR * kc);
      long pchunks = std::min<long>(npanels, 4L * T);
      long pper = (npanels + pchunks - 1) / pchunks;
      pool().parallel_for(pchunks, [&](long c) {
        long q0 = c * pper, q1 = std::min(npanels, q0 + pper);
        if (q0 < q1) pack_b(g, pc, kc, jc + q0 * I.NR, std::min(nc, q1 * I.NR) - q0 * I.NR, I.NR, Bp + q0 * I.NR * kc);
      });
      pool().parallel_for(chunks, [&](long c) {
        long m0 = c * per, m1 = std::min(g.M, m0 + per);
        if (m0 < m1) row_block(g, Bp, m0, m1 - m0, pc, kc, jc, nc, beta);
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// 5. Measured peak: independent FMA chains on every pool thread (no memory traffic), in the micro-kernel's ISA.
// The denominator a GEMM's efficiency is best judged against on a machine whose clock is not known (VMs report
// a base clock; turbo and the host's load move the real one).

#if MBN_X86
__attribute__((target("avx512f"), noinline)) static float fma_chains_avx512(long iters) {
  __m512 acc[16];
  for (int i = 0; i < 16; ++i) acc[i] = _mm512_set1_ps(0.001f * static_cast<float>(i));
  const __m512 a = _mm512_set1_ps(0.9999f), b = _mm512_set1_ps(1e-4f);
  for (long it = 0; it < iters; ++it)
    for (int i = 0; i < 16; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  alignas(64) float out[16];
  float s = 0.f;
  for (int i = 0; i < 16; ++i) {
    _mm512_store_ps(out, acc[i]);
    for (float v : out) s += v;
  }
  return s;
}
__attribute__((target("avx2,fma"), noinline)) static float fma_chains_avx2(long iters) {
  __m256 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm256_set1_ps(0.001f * static_cast<float>(i));
  const __m256 a = _mm256_set1_ps(0.9999f), b = _mm256_set1_ps(1e-4f);
  for (long it = 0; it < iters; ++it)
    for (int i = 0; i < 12; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  alignas(32) float out[8];
  float s = 0.f;
  for (int i = 0; i < 12; ++i) {
    _mm256_store_ps(out, acc[i]);
    for (float v : out) s += v;
  }
  return s;
}
#endif

double measured_peak_flops(double seconds) {
  int T = pool().threads();
#if MBN_X86
  std::string name = isa().name;
  bool avx512 = name == "avx512", avx2 = name == "avx2";
  if (!avx512 && !avx2) return 0.0;
  const long iters = 1 << 18;
  const double flops_per_call = avx512 ? 2.0 * 16 * 16 * iters : 2.0 * 12 * 8 * iters;
  auto chains = [&] { return avx512 ? fma_chains_avx512(iters) : fma_chains_avx2(iters); };
  std::vector<double> sink(T + 1);
  auto clock = [] { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); };
  // One thread alone first (best of ~20 ms of rounds): what a core does when nothing else runs on it.
  double one = 0.0, start = clock();
  while (clock() - start < std::min(0.02, seconds)) {
    double t0 = clock();
    sink[T] = chains();
    one = std::max(one, flops_per_call / (clock() - t0));
  }
  // Then rounds of one call on every thread, each timed by its own thread (a round's rate is the sum), the best
  // round being the peak. A core busy with something else (another process, V8's compiler threads at start-up)
  // halves a round; the rounds go on while they read below 90% of T × the single thread's rate, up to
  // `seconds`, so a busy moment costs time rather than a halved peak. Where the threads share a core's FMA units
  // (SMT siblings) they never reach it, and the best round over `seconds` is the answer, as it should be.
  std::vector<double> rate(T);
  double best = 0.0;
  start = clock();
  do {
    pool().parallel_for(T, [&](long t) {
      double t0 = clock();
      sink[t] = chains();
      rate[t] = flops_per_call / (clock() - t0);
    });
    double sum = 0.0;
    for (double r : rate) sum += r;
    best = std::max(best, sum);
  } while (clock() - start < seconds && best < 0.9 * T * one);
  return best;
#else
  (void)T;
  (void)seconds;
  return 0.0;
#endif
}

// ---------------------------------------------------------------------------------------------------------
// 6. Engine selection.

enum class Engine { OpenBlas, Builtin };
// OpenBLAS is preferred only when its kernels use at least the instruction set of the built-in one: an
// OpenBLAS too old to know the CPU falls back to generic (e.g. "Prescott", SSE3) kernels that run several
// times slower than the built-in AVX-512 GEMM. OPENBLAS_CORETYPE changes its core (reported by info()).
static bool blas_is_competitive() {
  if (!blas().sgemm) return false;
  std::string info = blas().info;
  auto has = [&](const char* core) { return info.find(std::string("core=") + core) != std::string::npos; };
  bool avx512_core = has("SkylakeX") || has("skylakex") || has("Cooperlake") || has("cooperlake") ||
                     has("SapphireRapids") || has("sapphirerapids");
  bool avx2_core = avx512_core || has("Haswell") || has("haswell") || has("Zen") || has("zen");
  std::string mine = isa().name;
  if (mine == "avx512") return avx512_core;
  if (mine == "avx2") return avx2_core;
  return true;
}

static Engine auto_engine() { return blas_is_competitive() ? Engine::OpenBlas : Engine::Builtin; }

static Engine initial_engine() {
  const char* e = std::getenv("MBENCH_NATIVE_GEMM");
  if (e && std::strcmp(e, "builtin") == 0) return Engine::Builtin;
  if (e && std::strcmp(e, "openblas") == 0 && blas().sgemm) return Engine::OpenBlas;
  return auto_engine();
}
static Engine& engine() {
  static Engine e = initial_engine();
  return e;
}

bool set_gemm_engine(const std::string& name) {
  if (name == "builtin") {
    engine() = Engine::Builtin;
  } else if (name == "openblas") {
    if (!blas().sgemm) return false;
    engine() = Engine::OpenBlas;
  } else if (name == "auto") {
    engine() = auto_engine();
  } else {
    return false;
  }
  return true;
}

std::string gemm_engine() { return engine() == Engine::OpenBlas ? "openblas" : "builtin"; }
std::string gemm_isa() { return isa().name; }
std::string blas_info() { return blas().sgemm ? blas().info : ""; }

static void blas_call(const Gemm& g) {
  blas().sgemm(101, g.transA ? 112 : 111, g.transB ? 112 : 111, static_cast<int>(g.M), static_cast<int>(g.N),
               static_cast<int>(g.K), g.alpha, g.A, static_cast<int>(g.lda), g.B, static_cast<int>(g.ldb), g.beta,
               g.C, static_cast<int>(g.ldc));
}

void sgemm(const Gemm& g) {
  if (g.M <= 0 || g.N <= 0) return;
  // OpenBLAS rejects lda/ldb/ldc below 1, and is not worth its threading overhead on tiny products.
  bool tiny = 2.0 * g.M * g.N * g.K < 1e5;
  if (engine() == Engine::OpenBlas && !tiny && !in_parallel_region() && g.K > 0) return blas_call(g);
  sgemm_builtin(g);
}

void sgemm_batched(const Gemm& s, long batch, const long* offA, const long* offB, const long* offC) {
  if (batch <= 0) return;
  auto item = [&](long b) {
    Gemm g = s;
    g.A = s.A + offA[b];
    g.B = s.B + offB[b];
    g.C = s.C + offC[b];
    return g;
  };
  double per_flops = 2.0 * s.M * s.N * s.K;
  // Many small products: one per task, each on one thread. Few large ones: each multi-threaded in turn.
  if (batch >= pool().threads() && per_flops < 3e7) {
    pool().parallel_for(batch, [&](long b) { sgemm_serial(item(b)); });
  } else {
    for (long b = 0; b < batch; ++b) sgemm(item(b));
  }
}

}  // namespace mbn
