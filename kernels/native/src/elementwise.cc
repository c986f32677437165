#include "elementwise.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "pool.h"
#include "vmath.h"

// Hot loops get a clone per instruction set; the dynamic loader picks one for the CPU (GCC ifunc).
#include "isa.h"

namespace mbn {

static const long kGrain = 16384;  // below this many elements a kernel stays on one thread

template <int OP>
static inline float unary_one(float x) {
  switch (OP) {
    case kExp: return vexp(x);
    case kLog: return std::log(x);
    case kSqrt: return std::sqrt(x);
    case kRsqrt: return 1.f / std::sqrt(x);
    case kSquare: return x * x;
    case kNeg: return -x;
    case kTanh: return vtanh(x);
    case kErf: return verf(x);
    case kRelu: return x > 0.f ? x : 0.f;
    case kSigmoid: return vsigmoid(x);
    case kAbs: return std::fabs(x);
    default: return 1.f / x;
  }
}

template <int OP>
MBN_CLONES static void unary_loop(const float* __restrict x, float* __restrict out, long n) {
  for (long i = 0; i < n; ++i) out[i] = unary_one<OP>(x[i]);
}

template <int OP>
static void unary_par(const float* x, float* out, long n) {
  parallel_range(n, kGrain, [&](long b, long e) { unary_loop<OP>(x + b, out + b, e - b); });
}

void unary(int op, const float* x, float* out, long n) {
  typedef void (*F)(const float*, float*, long);
  static const F table[kUnaryCount] = {unary_par<0>, unary_par<1>, unary_par<2>, unary_par<3>,
                                       unary_par<4>, unary_par<5>, unary_par<6>, unary_par<7>,
                                       unary_par<8>, unary_par<9>, unary_par<10>, unary_par<11>};
  table[op](x, out, n);
}

template <int OP>
static inline float binary_one(float a, float b) {
  switch (OP) {
    case kAdd: return a + b;
    case kSub: return a - b;
    case kMul: return a * b;
    case kDiv: return a / b;
    case kMax: return std::isnan(a) || std::isnan(b) ? NAN : (a > b ? a : b);
    case kMin: return std::isnan(a) || std::isnan(b) ? NAN : (a < b ? a : b);
    default: return (a - b) * (a - b);
  }
}

// One innermost row: SA/SB are the inner strides (1 = contiguous, 0 = broadcast).
template <int OP, int SA, int SB>
MBN_CLONES static void binary_row(const float* __restrict a, const float* __restrict b, float* __restrict out,
                                  long n) {
  for (long i = 0; i < n; ++i) out[i] = binary_one<OP>(a[i * SA], b[i * SB]);
}

template <int OP>
static void binary_op(const float* a, const float* b, float* out, int ndim, const long* shape, const long* sa,
                      const long* sb) {
  long inner = ndim ? shape[ndim - 1] : 1;
  long isa = ndim ? sa[ndim - 1] : 0, isb = ndim ? sb[ndim - 1] : 0;
  long rows = 1;
  for (int d = 0; d + 1 < ndim; ++d) rows *= shape[d];
  auto row = [&](const float* ar, const float* br, float* o, long n) {
    if (isa == 1 && isb == 1) return binary_row<OP, 1, 1>(ar, br, o, n);
    if (isa == 1 && isb == 0) return binary_row<OP, 1, 0>(ar, br, o, n);
    if (isa == 0 && isb == 1) return binary_row<OP, 0, 1>(ar, br, o, n);
    if (isa == 0 && isb == 0) return binary_row<OP, 0, 0>(ar, br, o, n);
    for (long i = 0; i < n; ++i) o[i] = binary_one<OP>(ar[i * isa], br[i * isb]);
  };
  if (rows == 1) {
    parallel_range(inner, kGrain, [&](long s, long e) { row(a + s * isa, b + s * isb, out + s, e - s); });
    return;
  }
  long grain = std::max<long>(1, kGrain / std::max<long>(inner, 1));
  parallel_range(rows, grain, [&](long r0, long r1) {
    for (long r = r0; r < r1; ++r) {
      long oa = 0, ob = 0, rem = r;
      for (int d = ndim - 2; d >= 0; --d) {
        long i = rem % shape[d];
        rem /= shape[d];
        oa += i * sa[d];
        ob += i * sb[d];
      }
      row(a + oa, b + ob, out + r * inner, inner);
    }
  });
}

void binary(int op, const float* a, const float* b, float* out, int ndim, const long* shape, const long* sa,
            const long* sb) {
  typedef void (*F)(const float*, const float*, float*, int, const long*, const long*, const long*);
  static const F table[kBinaryCount] = {binary_op<0>, binary_op<1>, binary_op<2>, binary_op<3>,
                                        binary_op<4>, binary_op<5>, binary_op<6>};
  table[op](a, b, out, ndim, shape, sa, sb);
}

// Reductions. Inner (B == 1): one row per output; outer/middle (B > 1): accumulate rows into a vector.
template <int OP>
MBN_CLONES static float reduce_row(const float* __restrict x, long n) {
  if (OP == kSum || OP == kMean) {
    float acc[16] = {};
    long i = 0;
    for (; i + 16 <= n; i += 16)
      for (int j = 0; j < 16; ++j) acc[j] += x[i + j];
    float s = 0.f;
    for (int j = 0; j < 16; ++j) s += acc[j];
    for (; i < n; ++i) s += x[i];
    return OP == kMean ? s / static_cast<float>(n) : s;
  }
  if (OP == kMaxR) return vmax(x, n);
  float m = x[0];
  for (long i = 1; i < n; ++i) m = x[i] < m || std::isnan(x[i]) ? x[i] : m;
  return m;
}

template <int OP>
MBN_CLONES static void reduce_cols(const float* __restrict x, long R, long B, long b0, long b1,
                                   float* __restrict out) {
  for (long j = b0; j < b1; ++j) out[j] = x[j];
  for (long r = 1; r < R; ++r) {
    const float* xr = x + r * B;
    for (long j = b0; j < b1; ++j) {
      if (OP == kSum || OP == kMean)
        out[j] += xr[j];
      else if (OP == kMaxR)
        out[j] = xr[j] > out[j] || std::isnan(xr[j]) ? xr[j] : out[j];
      else
        out[j] = xr[j] < out[j] || std::isnan(xr[j]) ? xr[j] : out[j];
    }
  }
  if (OP == kMean)
    for (long j = b0; j < b1; ++j) out[j] /= static_cast<float>(R);
}

template <int OP>
static void reduce_op(const float* x, long A, long R, long B, float* out) {
  if (R == 0) {
    float init = OP == kMaxR ? -INFINITY : OP == kMinR ? INFINITY : OP == kMean ? NAN : 0.f;
    for (long i = 0; i < A * B; ++i) out[i] = init;
    return;
  }
  if (B == 1) {
    parallel_range(A, std::max<long>(1, kGrain / R), [&](long s, long e) {
      for (long a = s; a < e; ++a) out[a] = reduce_row<OP>(x + a * R, R);
    });
    return;
  }
  if (A == 1) {
    parallel_range(B, std::max<long>(64, kGrain / R), [&](long s, long e) { reduce_cols<OP>(x, R, B, s, e, out); });
    return;
  }
  parallel_range(A, std::max<long>(1, kGrain / (R * B)), [&](long s, long e) {
    for (long a = s; a < e; ++a) reduce_cols<OP>(x + a * R * B, R, B, 0, B, out + a * B);
  });
}

void reduce(int op, const float* x, long A, long R, long B, float* out) {
  typedef void (*F)(const float*, long, long, long, float*);
  static const F table[kReduceCount] = {reduce_op<0>, reduce_op<1>, reduce_op<2>, reduce_op<3>};
  table[op](x, A, R, B, out);
}

// Transpose: out index (o_0 … o_{n-1}) reads x at Σ o_d · stride_x[perm[d]]. The innermost output dimension
// is copied as a strided row; when it is strided in x and the x-innermost dimension lands elsewhere, a 2-D
// tiled copy over those two dimensions keeps both sides cache-friendly.
void transpose(const float* x, int ndim, const long* shape, const int* perm, float* out) {
  std::vector<long> xs(ndim), os(ndim), st(ndim);
  long n = 1;
  for (int d = ndim - 1; d >= 0; --d) {
    xs[d] = n;
    n *= shape[d];
  }
  for (int d = 0; d < ndim; ++d) {
    os[d] = shape[perm[d]];
    st[d] = xs[perm[d]];
  }
  if (n == 0) return;
  long inner = os[ndim - 1], istride = st[ndim - 1];
  // Find the output dim that is x's innermost (stride 1) for the tiled path.
  int dj = -1;
  for (int d = 0; d < ndim - 1; ++d)
    if (st[d] == 1) dj = d;
  if (istride != 1 && dj >= 0 && ndim >= 2) {
    // Tiled over (dj, last): out[..., i_dj, ..., i_last] = x[... i_dj·1 + i_last·istride ...].
    long nj = os[dj];
    long outer = n / (inner * nj);
    long ostride_dj = 1;
    for (int d = dj + 1; d < ndim; ++d) ostride_dj *= os[d];
    const long T = 32;
    long tiles_j = (nj + T - 1) / T;
    parallel_range(outer * tiles_j, 4, [&](long s, long e) {
      for (long w = s; w < e; ++w) {
        long o = w / tiles_j, tj = (w % tiles_j) * T;
        // Decompose o over the output dims other than dj and last.
        long xo = 0, oo = 0, rem = o;
        for (int d = ndim - 2; d >= 0; --d) {
          if (d == dj) continue;
          long i = rem % os[d];
          rem /= os[d];
          xo += i * st[d];
          long ostr = 1;
          for (int e2 = d + 1; e2 < ndim; ++e2) ostr *= os[e2];
          oo += i * ostr;
        }
        long je = std::min(nj, tj + T);
        for (long ti = 0; ti < inner; ti += T) {
          long ie = std::min(inner, ti + T);
          for (long j = tj; j < je; ++j)
            for (long i = ti; i < ie; ++i) out[oo + j * ostride_dj + i] = x[xo + j + i * istride];
        }
      }
    });
    return;
  }
  long rows = n / inner;
  parallel_range(rows, std::max<long>(1, kGrain / inner), [&](long s, long e) {
    for (long r = s; r < e; ++r) {
      long xo = 0, rem = r;
      for (int d = ndim - 2; d >= 0; --d) {
        long i = rem % os[d];
        rem /= os[d];
        xo += i * st[d];
      }
      float* o = out + r * inner;
      if (istride == 1)
        std::memcpy(o, x + xo, sizeof(float) * inner);
      else
        for (long i = 0; i < inner; ++i) o[i] = x[xo + i * istride];
    }
  });
}

MBN_CLONES float softmax_row(const float* x, float* out, long n) {
  float m = n > 0 ? vmax(x, n) : -INFINITY;
  float s = 0.f;
  for (long i = 0; i < n; ++i) {
    out[i] = vexp(x[i] - m);
    s += out[i];
  }
  float inv = 1.f / s;
  for (long i = 0; i < n; ++i) out[i] *= inv;
  return m + std::log(s);
}

void softmax(const float* x, long rows, long cols, float* out) {
  parallel_range(rows, std::max<long>(1, kGrain / std::max<long>(cols, 1)), [&](long s, long e) {
    for (long r = s; r < e; ++r) softmax_row(x + r * cols, out + r * cols, cols);
  });
}

void gather(const float* params, long outer, long axis, long inner, const int32_t* idx, long n, float* out) {
  parallel_range(outer * n, std::max<long>(1, kGrain / std::max<long>(inner, 1)), [&](long s, long e) {
    for (long w = s; w < e; ++w) {
      long o = w / n, j = w % n;
      long row = idx[j];
      float* dst = out + w * inner;
      if (row < 0 || row >= axis)
        std::memset(dst, 0, sizeof(float) * inner);
      else
        std::memcpy(dst, params + (o * axis + row) * inner, sizeof(float) * inner);
    }
  });
}

MBN_CLONES static void add_row(float* __restrict dst, const float* __restrict src, long n) {
  for (long i = 0; i < n; ++i) dst[i] += src[i];
}

void segment_sum(const float* x, long rows, long inner, const int32_t* ids, long num_seg, float* out) {
  std::memset(out, 0, sizeof(float) * num_seg * inner);
  // Threads own disjoint column slices of out, so the scatter needs no atomics.
  long slices = std::min<long>(pool().threads(), std::max<long>(1, inner / 16));
  if (rows * inner < kGrain) slices = 1;
  long per = (inner + slices - 1) / slices;
  pool().parallel_for(slices, [&](long t) {
    long c0 = t * per, c1 = std::min(inner, c0 + per);
    for (long r = 0; r < rows; ++r) {
      long s = ids[r];
      if (s < 0 || s >= num_seg) continue;
      add_row(out + s * inner + c0, x + r * inner + c0, c1 - c0);
    }
  });
}

static const float kGeluC = 1.5957691216057308f;  // 2·√(2/π)
static const float kGeluA = 0.044715f;

MBN_CLONES static void gelu_loop(const float* __restrict x, float* __restrict out, long n) {
  for (long i = 0; i < n; ++i) out[i] = x[i] * vsigmoid(kGeluC * x[i] * (1.f + kGeluA * x[i] * x[i]));
}

MBN_CLONES static void gelu_grad_loop(const float* __restrict x, const float* __restrict dy, float* __restrict dx,
                                      long n) {
  for (long i = 0; i < n; ++i) {
    float xi = x[i], x2 = xi * xi;
    float s = vsigmoid(kGeluC * xi * (1.f + kGeluA * x2));
    float du = kGeluC * (1.f + 3.f * kGeluA * x2);
    dx[i] = dy[i] * (s + xi * s * (1.f - s) * du);
  }
}

MBN_CLONES static void geglu_loop(const float* __restrict g, const float* __restrict v, float* __restrict out,
                                  long n) {
  for (long i = 0; i < n; ++i) out[i] = g[i] * vsigmoid(kGeluC * g[i] * (1.f + kGeluA * g[i] * g[i])) * v[i];
}

MBN_CLONES static void geglu_grad_loop(const float* __restrict g, const float* __restrict v,
                                       const float* __restrict dy, float* __restrict dg, float* __restrict dv,
                                       long n) {
  for (long i = 0; i < n; ++i) {
    float xi = g[i], x2 = xi * xi;
    float s = vsigmoid(kGeluC * xi * (1.f + kGeluA * x2));
    float du = kGeluC * (1.f + 3.f * kGeluA * x2);
    dg[i] = dy[i] * v[i] * (s + xi * s * (1.f - s) * du);
    dv[i] = dy[i] * xi * s;
  }
}

void gelu_tanh(const float* x, float* out, long n) {
  parallel_range(n, kGrain, [&](long s, long e) { gelu_loop(x + s, out + s, e - s); });
}
void gelu_tanh_grad(const float* x, const float* dy, float* dx, long n) {
  parallel_range(n, kGrain, [&](long s, long e) { gelu_grad_loop(x + s, dy + s, dx + s, e - s); });
}
void geglu(const float* gate, const float* value, float* out, long n) {
  parallel_range(n, kGrain, [&](long s, long e) { geglu_loop(gate + s, value + s, out + s, e - s); });
}
void geglu_grad(const float* gate, const float* value, const float* dy, float* dgate, float* dvalue, long n) {
  parallel_range(n, kGrain,
                 [&](long s, long e) { geglu_grad_loop(gate + s, value + s, dy + s, dgate + s, dvalue + s, e - s); });
}

MBN_CLONES static void adamw_loop(float* __restrict p, const float* __restrict g, float* __restrict m,
                                  float* __restrict v, long n, float b1, float b2, float eps, float shrink, float step,
                                  float sqrt_bc2) {
  for (long i = 0; i < n; ++i) {
    float mi = b1 * m[i] + (1.f - b1) * g[i];
    float vi = b2 * v[i] + (1.f - b2) * g[i] * g[i];
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] * shrink - step * mi / (std::sqrt(vi) / sqrt_bc2 + eps);
  }
}

void adamw(float* p, const float* g, float* m, float* v, long n, float beta1, float beta2, float eps, float shrink,
           float step, float sqrt_bc2) {
  parallel_range(n, kGrain, [&](long s, long e) {
    adamw_loop(p + s, g + s, m + s, v + s, e - s, beta1, beta2, eps, shrink, step, sqrt_bc2);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Dropout masks (see elementwise.h). u / 2³² ≥ rate holds exactly when u ≥ ⌈rate · 2³²⌉ (u is an integer and
// rate · 2³² is exact in double, a power-of-two scaling), so the loop compares integers and vectorises.

static inline uint32_t mix32(uint32_t x) {
  x = (x ^ (x >> 16)) * 0x85ebca6bu;
  x = (x ^ (x >> 13)) * 0xc2b2ae35u;
  return x ^ (x >> 16);
}

MBN_CLONES static void dropout_run(float* __restrict out, uint32_t state, long first, long n, uint32_t threshold,
                                   float keep) {
  for (long i = 0; i < n; ++i) {
    uint32_t u = mix32(state + static_cast<uint32_t>(first + i + 1) * 0x9e3779b9u);
    out[i] = u >= threshold ? keep : 0.f;
  }
}

void dropout_mask(float* out, const uint32_t* states, const long* starts, long blocks, double rate, float keep) {
  const long total = starts[blocks];
  const double t = std::ceil(rate * 4294967296.0);
  if (t >= 4294967296.0) {  // nothing is kept
    std::memset(out, 0, sizeof(float) * total);
    return;
  }
  const uint32_t threshold = t <= 0.0 ? 0u : static_cast<uint32_t>(t);
  parallel_range(total, 1L << 15, [&](long s, long e) {
    long b = std::upper_bound(starts, starts + blocks + 1, s) - starts - 1;
    for (long i = s; i < e;) {
      while (i >= starts[b + 1]) ++b;
      long end = std::min(e, starts[b + 1]);
      dropout_run(out + i, states[b], i - starts[b], end - i, threshold, keep);
      i = end;
    }
  });
}

}  // namespace mbn
