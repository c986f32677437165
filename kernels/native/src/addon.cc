// Node-API entry points. Every function is synchronous and works on the caller's typed arrays in place;
// outputs are preallocated by the caller. Shapes are checked against buffer lengths so a wrong call throws
// a TypeError instead of reading past a buffer.
#include <node_api.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "attention.h"
#include "elementwise.h"
#include "gemm.h"
#include "mlm_head.h"
#include "napi_args.h"
#include "norm.h"
#include "pool.h"

namespace mbn {

static void need(size_t have, long want, const char* what) {
  if (want < 0 || static_cast<size_t>(want) > have)
    throw ArgError{std::string(what) + " is too short: " + std::to_string(have) + " < " + std::to_string(want)};
}

// Float32Array arguments first … first + count − 1, each at least as long as the first; n = that length.
static std::vector<float*> same_length(const Args& a, size_t first, size_t count, long* n) {
  std::vector<float*> out(count);
  size_t len0 = 0;
  for (size_t i = 0; i < count; ++i) {
    size_t len;
    out[i] = a.f32(first + i, &len);
    if (i == 0) len0 = len;
    need(len, static_cast<long>(len0), "element-wise buffer");
  }
  *n = static_cast<long>(len0);
  return out;
}

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static void set_str(napi_env env, napi_value obj, const char* key, const std::string& v) {
  napi_value s;
  napi_create_string_utf8(env, v.c_str(), v.size(), &s);
  napi_set_named_property(env, obj, key, s);
}

#define MBN_FN(name)                                                  \
  static napi_value name##_impl(napi_env env, const Args& a);         \
  static napi_value name(napi_env env, napi_callback_info info) {     \
    try {                                                             \
      DenormalsOff ftz;                                               \
      Args a(env, info);                                              \
      return name##_impl(env, a);                                     \
    } catch (const ArgError& e) {                                     \
      napi_throw_type_error(env, nullptr, ("mbench-native " #name ": " + e.message).c_str()); \
      return nullptr;                                                 \
    }                                                                 \
  }                                                                   \
  static napi_value name##_impl(napi_env env, const Args& a)

// info() → {gemm, isa, blas, threads}
// Node allocates a tensor's typed array with calloc. Above glibc's mmap threshold (128 KiB until its dynamic
// rule raises it) each block is a fresh mmap: its pages fault in on first write and go back to the kernel when
// V8 frees it. A tiny model's activations are a few MiB each ([1432, 512] floats = 2.9 MB), made and freed
// every step, so that costs about 1 ms per output (measured: a [1432,128]·[128,512] product 0.64 ms into a
// reused array, 1.5 ms into a fresh one). Serving blocks up to 64 MiB from the heap, and trimming it only past
// 512 MiB free, reuses that memory instead (calloc then zeroes it with memset). MBENCH_NATIVE_MALLOC=default
// keeps glibc's policy. Returns the policy in force.
static const char* malloc_policy() {
  static const char* policy = [] {
#if defined(__GLIBC__)
    const char* e = std::getenv("MBENCH_NATIVE_MALLOC");
    if (e && std::strcmp(e, "default") == 0) return "default";
    if (mallopt(M_MMAP_THRESHOLD, 64 << 20) != 1 || mallopt(M_TRIM_THRESHOLD, 512 << 20) != 1) return "default";
    return "heap";
#else
    return "default";
#endif
  }();
  return policy;
}

MBN_FN(info) {
  (void)a;
  napi_value obj;
  napi_create_object(env, &obj);
  set_str(env, obj, "gemm", gemm_engine());
  set_str(env, obj, "isa", gemm_isa());
  set_str(env, obj, "blas", blas_info());
  set_str(env, obj, "malloc", malloc_policy());
  napi_value t;
  napi_create_int32(env, pool().threads(), &t);
  napi_set_named_property(env, obj, "threads", t);
  return obj;
}

// peakFlops(seconds) → FLOP/s of FMA chains on every pool thread (best round), 0 without a SIMD micro-kernel.
MBN_FN(peakFlops) {
  napi_value r;
  napi_create_double(env, measured_peak_flops(a.num(0)), &r);
  return r;
}

// setGemmEngine(name: 'openblas' | 'builtin' | 'auto') → boolean
MBN_FN(setGemmEngine) {
  napi_value r;
  napi_get_boolean(env, set_gemm_engine(a.str(0)), &r);
  return r;
}

// gemm(transA, transB, M, N, K, alpha, A, B, beta, C): contiguous row-major operands.
MBN_FN(gemm) {
  Gemm g;
  g.transA = a.boolean(0);
  g.transB = a.boolean(1);
  g.M = a.integer(2);
  g.N = a.integer(3);
  g.K = a.integer(4);
  g.alpha = static_cast<float>(a.num(5));
  size_t na, nb, nc;
  g.A = a.f32(6, &na);
  g.B = a.f32(7, &nb);
  g.beta = static_cast<float>(a.num(8));
  g.C = a.f32(9, &nc);
  need(na, g.M * g.K, "A");
  need(nb, g.K * g.N, "B");
  need(nc, g.M * g.N, "C");
  g.lda = g.transA ? g.M : g.K;
  g.ldb = g.transB ? g.K : g.N;
  g.ldc = g.N;
  sgemm(g);
  return undefined(env);
}

// gemmBatched(transA, transB, M, N, K, A, offA: Float64Array, B, offB, C, offC): per-item element offsets.
MBN_FN(gemmBatched) {
  Gemm g;
  g.transA = a.boolean(0);
  g.transB = a.boolean(1);
  g.M = a.integer(2);
  g.N = a.integer(3);
  g.K = a.integer(4);
  g.alpha = 1.f;
  g.beta = 0.f;
  size_t na, nb, nc, noa, nob, noc;
  g.A = a.f32(5, &na);
  double* oa = a.f64(6, &noa);
  g.B = a.f32(7, &nb);
  double* ob = a.f64(8, &nob);
  g.C = a.f32(9, &nc);
  double* oc = a.f64(10, &noc);
  if (noa != nob || noa != noc) throw ArgError{"offset arrays differ in length"};
  std::vector<long> offA(noa), offB(noa), offC(noa);
  for (size_t i = 0; i < noa; ++i) {
    offA[i] = static_cast<long>(oa[i]);
    offB[i] = static_cast<long>(ob[i]);
    offC[i] = static_cast<long>(oc[i]);
    need(na, offA[i] + g.M * g.K, "A");
    need(nb, offB[i] + g.K * g.N, "B");
    need(nc, offC[i] + g.M * g.N, "C");
  }
  g.lda = g.transA ? g.M : g.K;
  g.ldb = g.transB ? g.K : g.N;
  g.ldc = g.N;
  sgemm_batched(g, static_cast<long>(noa), offA.data(), offB.data(), offC.data());
  return undefined(env);
}

// unary(op, x, out)
MBN_FN(unary) {
  long op = a.integer(0);
  if (op < 0 || op >= kUnaryCount) throw ArgError{"unknown unary op"};
  long n;
  auto p = same_length(a, 1, 2, &n);
  unary(static_cast<int>(op), p[0], p[1], n);
  return undefined(env);
}

// binary(op, a, b, out, shape[], stridesA[], stridesB[])
MBN_FN(binary) {
  long op = a.integer(0);
  if (op < 0 || op >= kBinaryCount) throw ArgError{"unknown binary op"};
  size_t na, nb, no;
  float* x = a.f32(1, &na);
  float* y = a.f32(2, &nb);
  float* o = a.f32(3, &no);
  std::vector<long> shape = a.longs(4), sa = a.longs(5), sb = a.longs(6);
  if (sa.size() != shape.size() || sb.size() != shape.size()) throw ArgError{"stride rank differs from shape"};
  long n = 1, ea = 0, eb = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    n *= shape[d];
    if (shape[d] > 0) {
      ea += (shape[d] - 1) * sa[d];
      eb += (shape[d] - 1) * sb[d];
    }
  }
  need(no, n, "out");
  if (n > 0) {
    need(na, ea + 1, "a");
    need(nb, eb + 1, "b");
    binary(static_cast<int>(op), x, y, o, static_cast<int>(shape.size()), shape.data(), sa.data(), sb.data());
  }
  return undefined(env);
}

// reduce(op, x, A, R, B, out)
MBN_FN(reduce) {
  long op = a.integer(0);
  if (op < 0 || op >= kReduceCount) throw ArgError{"unknown reduce op"};
  size_t nx, no;
  float* x = a.f32(1, &nx);
  long A = a.integer(2), R = a.integer(3), B = a.integer(4);
  float* o = a.f32(5, &no);
  need(nx, A * R * B, "x");
  need(no, A * B, "out");
  reduce(static_cast<int>(op), x, A, R, B, o);
  return undefined(env);
}

// transpose(x, shape[], perm[], out)
MBN_FN(transpose) {
  size_t nx, no;
  float* x = a.f32(0, &nx);
  std::vector<long> shape = a.longs(1), perm = a.longs(2);
  float* o = a.f32(3, &no);
  if (perm.size() != shape.size()) throw ArgError{"perm rank differs from shape"};
  long n = 1;
  for (long s : shape) n *= s;
  need(nx, n, "x");
  need(no, n, "out");
  std::vector<int> p(perm.begin(), perm.end());
  std::vector<bool> seen(p.size());
  for (int v : p) {
    if (v < 0 || v >= static_cast<int>(p.size()) || seen[v]) throw ArgError{"perm is not a permutation"};
    seen[v] = true;
  }
  if (!shape.empty()) transpose(x, static_cast<int>(shape.size()), shape.data(), p.data(), o);
  else if (n == 1) o[0] = x[0];
  return undefined(env);
}

// softmax(x, rows, cols, out)
MBN_FN(softmax) {
  size_t nx, no;
  float* x = a.f32(0, &nx);
  long rows = a.integer(1), cols = a.integer(2);
  float* o = a.f32(3, &no);
  need(nx, rows * cols, "x");
  need(no, rows * cols, "out");
  softmax(x, rows, cols, o);
  return undefined(env);
}

// gather(params, outer, axis, inner, indices: Int32Array, out)
MBN_FN(gather) {
  size_t np, ni, no;
  float* p = a.f32(0, &np);
  long outer = a.integer(1), axis = a.integer(2), inner = a.integer(3);
  int32_t* idx = a.i32(4, &ni);
  float* o = a.f32(5, &no);
  need(np, outer * axis * inner, "params");
  need(no, outer * static_cast<long>(ni) * inner, "out");
  gather(p, outer, axis, inner, idx, static_cast<long>(ni), o);
  return undefined(env);
}

// segmentSum(x, rows, inner, ids: Int32Array, numSegments, out)
MBN_FN(segmentSum) {
  size_t nx, ni, no;
  float* x = a.f32(0, &nx);
  long rows = a.integer(1), inner = a.integer(2);
  int32_t* ids = a.i32(3, &ni);
  long segs = a.integer(4);
  float* o = a.f32(5, &no);
  need(nx, rows * inner, "x");
  need(ni, rows, "ids");
  need(no, segs * inner, "out");
  segment_sum(x, rows, inner, ids, segs, o);
  return undefined(env);
}

// geluTanh(x, out)
MBN_FN(geluTanh) {
  long n;
  auto p = same_length(a, 0, 2, &n);
  gelu_tanh(p[0], p[1], n);
  return undefined(env);
}

// geluTanhGrad(x, dy, dx)
MBN_FN(geluTanhGrad) {
  long n;
  auto p = same_length(a, 0, 3, &n);
  gelu_tanh_grad(p[0], p[1], p[2], n);
  return undefined(env);
}

// geglu(gate, value, out)
MBN_FN(geglu) {
  long n;
  auto p = same_length(a, 0, 3, &n);
  geglu(p[0], p[1], p[2], n);
  return undefined(env);
}

// gegluGrad(gate, value, dy, dgate, dvalue)
MBN_FN(gegluGrad) {
  long n;
  auto p = same_length(a, 0, 5, &n);
  geglu_grad(p[0], p[1], p[2], p[3], p[4], n);
  return undefined(env);
}

// dropoutMask(out, rate, keep, states, starts): states [blocks] (uint32 values), starts [blocks + 1] element
// offsets (starts[0] = 0, starts[blocks] = out.length); see elementwise.h dropout_mask.
MBN_FN(dropoutMask) {
  size_t n, ns, nb;
  float* out = a.f32(0, &n);
  double rate = a.num(1);
  float keep = static_cast<float>(a.num(2));
  double* st = a.f64(3, &ns);
  double* starts = a.f64(4, &nb);
  if (!(rate >= 0.0 && rate < 1.0)) throw ArgError{"rate must be in [0, 1)"};
  if (nb != ns + 1) throw ArgError{"starts must hold one more value than states"};
  std::vector<uint32_t> states(ns);
  std::vector<long> off(nb);
  for (size_t i = 0; i < ns; ++i) states[i] = static_cast<uint32_t>(st[i]);
  for (size_t i = 0; i < nb; ++i) {
    off[i] = static_cast<long>(starts[i]);
    if (i > 0 && off[i] < off[i - 1]) throw ArgError{"starts must not decrease"};
  }
  if (off[0] != 0 || off[ns] != static_cast<long>(n)) throw ArgError{"starts must run from 0 to out's length"};
  dropout_mask(out, states.data(), off.data(), static_cast<long>(ns), rate, keep);
  return undefined(env);
}

// adamw(p, g, m, v, beta1, beta2, eps, shrink, step, sqrtBc2) — updates p, m, v in place (see elementwise.h).
MBN_FN(adamw) {
  long n;
  auto p = same_length(a, 0, 4, &n);
  adamw(p[0], p[1], p[2], p[3], n, static_cast<float>(a.num(4)), static_cast<float>(a.num(5)),
        static_cast<float>(a.num(6)), static_cast<float>(a.num(7)), static_cast<float>(a.num(8)),
        static_cast<float>(a.num(9)));
  return undefined(env);
}

// layerNorm(x, gamma, beta, rows, cols, eps, y, mean, rstd, residual?) — y = LN(x [+ residual]).
MBN_FN(layerNorm) {
  size_t nx, ng, nb, ny, nm, nr;
  float* x = a.f32(0, &nx);
  float* gamma = a.f32(1, &ng);
  float* beta = a.f32(2, &nb);
  long rows = a.integer(3), cols = a.integer(4);
  float eps = static_cast<float>(a.num(5));
  float* y = a.f32(6, &ny);
  float* mean = a.f32(7, &nm);
  float* rstd = a.f32(8, &nr);
  const float* res = a.opt_f32(9, rows * cols, "residual");
  need(nx, rows * cols, "x");
  need(ng, cols, "gamma");
  need(nb, cols, "beta");
  need(ny, rows * cols, "y");
  need(nm, rows, "mean");
  need(nr, rows, "rstd");
  layernorm_forward(x, res, gamma, beta, rows, cols, eps, y, mean, rstd);
  return undefined(env);
}

// layerNormGrad(dy, x, gamma, mean, rstd, rows, cols, dx, dgamma, dbeta, residual?) — x as given to forward.
MBN_FN(layerNormGrad) {
  size_t ndy, nx, ng, nm, nr, ndx, ndg, ndb;
  float* dy = a.f32(0, &ndy);
  float* x = a.f32(1, &nx);
  float* gamma = a.f32(2, &ng);
  float* mean = a.f32(3, &nm);
  float* rstd = a.f32(4, &nr);
  long rows = a.integer(5), cols = a.integer(6);
  float* dx = a.f32(7, &ndx);
  float* dg = a.f32(8, &ndg);
  float* db = a.f32(9, &ndb);
  const float* res = a.opt_f32(10, rows * cols, "residual");
  for (size_t n : {ndy, nx, ndx}) need(n, rows * cols, "row buffer");
  for (size_t n : {ng, ndg, ndb}) need(n, cols, "column buffer");
  need(nm, rows, "mean");
  need(nr, rows, "rstd");
  layernorm_backward(dy, x, res, gamma, mean, rstd, rows, cols, dx, dg, db);
  return undefined(env);
}

// Reads slopes|null, keyMask|null, bias|null from arguments first, first + 1, first + 2 (bias [1 or B, H, S, S]).
static AttentionBias attention_bias(const Args& a, size_t first, long B, long H, long S) {
  AttentionBias ab;
  ab.slopes = a.opt_f32(first, H, "slopes");
  ab.key_mask = a.opt_f32(first + 1, B * S, "keyMask");
  ab.bias = a.opt_f32(first + 2, H * S * S, "bias");
  if (ab.bias) {
    size_t n;
    a.f32(first + 2, &n);
    if (static_cast<long>(n) == H * S * S)
      ab.bias_batch_stride = 0;
    else if (static_cast<long>(n) == B * H * S * S)
      ab.bias_batch_stride = H * S * S;
    else
      throw ArgError{"bias must hold [1 or B, H, S, S] values"};
  }
  return ab;
}

// Packed rows (attention.h row_start), an optional Int32Array [B + 1]: 0 = row_start[0] ≤ … ≤ row_start[B], each
// sample at most S rows, and no general bias. Returns the rows q, k, v, out hold: row_start[B], or B·S padded.
static long packed_rows(const Args& a, size_t i, long B, long S, AttentionBias& ab) {
  const int32_t* rs = a.opt_i32(i, B + 1, "rowStart");
  if (!rs) return B * S;
  if (rs[0] != 0) throw ArgError{"rowStart[0] must be 0"};
  for (long b = 0; b < B; ++b)
    if (rs[b + 1] < rs[b] || rs[b + 1] - rs[b] > S) throw ArgError{"rowStart must rise by 0..S per sample"};
  if (ab.bias) throw ArgError{"packed rows take no bias tensor"};
  ab.row_start = rs;
  return rs[B];
}

// attention(q, k, v, B, H, S, D, slopes|null, keyMask|null, bias|null, out, lse[, skipPadQueries[, dropMask[,
// rowStart]]]): q,k,v,out [B,S,H,D], or [rowStart[B],H,D] packed; lse [B,H,S].
MBN_FN(attention) {
  size_t nq, nk, nv, no, nl;
  float* q = a.f32(0, &nq);
  float* k = a.f32(1, &nk);
  float* v = a.f32(2, &nv);
  long B = a.integer(3), H = a.integer(4), S = a.integer(5), D = a.integer(6);
  AttentionBias ab = attention_bias(a, 7, B, H, S);
  float* o = a.f32(10, &no);
  float* lse = a.f32(11, &nl);
  ab.skip_pad_queries = a.opt_boolean(12);
  ab.drop = a.opt_f32(13, B * H * S * S, "dropMask");
  long n = packed_rows(a, 14, B, S, ab) * H * D;
  for (size_t z : {nq, nk, nv, no}) need(z, n, "q/k/v/out");
  need(nl, B * H * S, "lse");
  attention_forward(q, k, v, B, H, S, D, ab, o, lse);
  return undefined(env);
}

// attentionGrad(q, k, v, out, lse, dout, B, H, S, D, slopes|null, keyMask|null, bias|null, dq, dk, dv[, skipPadQueries[,
// dropMask[, rowStart]]])
MBN_FN(attentionGrad) {
  size_t n[9];
  float* q = a.f32(0, &n[0]);
  float* k = a.f32(1, &n[1]);
  float* v = a.f32(2, &n[2]);
  float* o = a.f32(3, &n[3]);
  float* lse = a.f32(4, &n[4]);
  float* dout = a.f32(5, &n[5]);
  long B = a.integer(6), H = a.integer(7), S = a.integer(8), D = a.integer(9);
  AttentionBias ab = attention_bias(a, 10, B, H, S);
  float* dq = a.f32(13, &n[6]);
  float* dk = a.f32(14, &n[7]);
  float* dv = a.f32(15, &n[8]);
  ab.skip_pad_queries = a.opt_boolean(16);
  ab.drop = a.opt_f32(17, B * H * S * S, "dropMask");
  long total = packed_rows(a, 18, B, S, ab) * H * D;
  for (int i : {0, 1, 2, 3, 5, 6, 7, 8}) need(n[i], total, "q/k/v/out/grads");
  need(n[4], B * H * S, "lse");
  attention_backward(q, k, v, o, lse, dout, B, H, S, D, ab, dq, dk, dv);
  return undefined(env);
}

// Labels of the MLM head: at least M of them, each in [0, V).
static const int32_t* mlm_labels(const Args& a, size_t i, long M, long V) {
  size_t n;
  const int32_t* y = a.i32(i, &n);
  need(n, M, "labels");
  for (long r = 0; r < M; ++r)
    if (y[r] < 0 || y[r] >= V)
      throw ArgError{"label " + std::to_string(y[r]) + " at row " + std::to_string(r) + " is outside [0, " + std::to_string(V) + ")"};
  return y;
}

// mlmHead(h, E, b, labels: Int32Array, M, H, V, stats, out: Float64Array) — h [M,H], E [V,H], b [V];
// stats [2·M] ← (row max, log Σ exp(L − max)); out [2] ← (Σ loss, correct count). See mlm_head.h.
MBN_FN(mlmHead) {
  size_t nh, ne, nb, ns, no;
  float* h = a.f32(0, &nh);
  float* E = a.f32(1, &ne);
  float* b = a.f32(2, &nb);
  long M = a.integer(4), H = a.integer(5), V = a.integer(6);
  if (M < 0 || H < 1 || V < 1) throw ArgError{"shape must have M ≥ 0, H ≥ 1, V ≥ 1"};
  const int32_t* y = mlm_labels(a, 3, M, V);
  float* stats = a.f32(7, &ns);
  double* out = a.f64(8, &no);
  need(nh, M * H, "h");
  need(ne, V * H, "E");
  need(nb, V, "b");
  need(ns, 2 * M, "stats");
  need(no, 2, "out");
  MlmHeadLoss r = mlm_head_forward(h, E, b, y, M, H, V, stats, stats + M);
  out[0] = r.loss_sum;
  out[1] = static_cast<double>(r.correct);
  return undefined(env);
}

// mlmHeadGrad(h, E, b, labels, M, H, V, stats, scale, dh, dE, db) — stats from mlmHead; G = scale·(softmax − onehot).
MBN_FN(mlmHeadGrad) {
  size_t nh, ne, nb, ns, ndh, nde, ndb;
  float* h = a.f32(0, &nh);
  float* E = a.f32(1, &ne);
  float* b = a.f32(2, &nb);
  long M = a.integer(4), H = a.integer(5), V = a.integer(6);
  if (M < 0 || H < 1 || V < 1) throw ArgError{"shape must have M ≥ 0, H ≥ 1, V ≥ 1"};
  const int32_t* y = mlm_labels(a, 3, M, V);
  float* stats = a.f32(7, &ns);
  float scale = static_cast<float>(a.num(8));
  float* dh = a.f32(9, &ndh);
  float* dE = a.f32(10, &nde);
  float* db = a.f32(11, &ndb);
  need(nh, M * H, "h");
  need(ne, V * H, "E");
  need(nb, V, "b");
  need(ns, 2 * M, "stats");
  need(ndh, M * H, "dh");
  need(nde, V * H, "dE");
  need(ndb, V, "db");
  mlm_head_backward(h, E, b, y, stats, stats + M, M, H, V, scale, dh, dE, db);
  return undefined(env);
}

static napi_value init(napi_env env, napi_value exports) {
  malloc_policy();
  napi_property_descriptor props[] = {
#define P(n) {#n, nullptr, n, nullptr, nullptr, nullptr, napi_default, nullptr}
      P(info),    P(peakFlops), P(setGemmEngine), P(gemm),    P(gemmBatched), P(unary),     P(binary),
      P(reduce),  P(transpose),     P(softmax), P(gather),      P(segmentSum), P(adamw),
      P(layerNorm), P(layerNormGrad), P(attention), P(attentionGrad), P(geluTanh), P(geluTanhGrad),
      P(geglu),   P(gegluGrad), P(mlmHead), P(mlmHeadGrad), P(dropoutMask),
#undef P
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace mbn

NAPI_MODULE(NODE_GYP_MODULE_NAME, mbn::init)
