/*
 * mbench's own wasm SIMD kernels, run on tfjs-wasm's heap (the module imports tfjs's memory; see
 * kernels/wasm-simd.ts). They use no linear memory of their own: no static data, no stack (the build checks
 * this), so nothing of tfjs's heap is touched except the buffers passed in.
 *
 * Build: scripts/build-wasm-kernels.sh (clang 14, wasm32, -msimd128), once per memory kind (shared for tfjs's
 * threaded build, plain for its single-threaded one). The .wasm files are committed next to this source.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

/* Rows and columns of the square tiles the transpose walks (64 × 64 × 4 bytes = 16 KB per tile: the source
 * and destination tiles stay in L1). */
#define TILE 64

static inline int min_int(int a, int b) { return a < b ? a : b; }

/* One tile of a 2-D transpose: dst[j][i] = src[i][j] for i in [i0,i1), j in [j0,j1); 4 × 4 blocks with SIMD
 * shuffles, scalar copies at the ragged edges. */
static void transpose_tile(const uint32_t *src, uint32_t *dst, int rows, int cols, int i0, int i1, int j0, int j1) {
  int i = i0;
  for (; i + 4 <= i1; i += 4) {
    const uint32_t *s = src + (intptr_t)i * cols;
    int j = j0;
    for (; j + 4 <= j1; j += 4) {
      v128_t r0 = wasm_v128_load(s + j);
      v128_t r1 = wasm_v128_load(s + cols + j);
      v128_t r2 = wasm_v128_load(s + 2 * cols + j);
      v128_t r3 = wasm_v128_load(s + 3 * cols + j);
      v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
      v128_t t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
      v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
      v128_t t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
      uint32_t *d = dst + (intptr_t)j * rows + i;
      wasm_v128_store(d, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
      wasm_v128_store(d + rows, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
      wasm_v128_store(d + 2 * rows, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
      wasm_v128_store(d + 3 * rows, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
    }
    for (; j < j1; j++)
      for (int k = 0; k < 4; k++) dst[(intptr_t)j * rows + i + k] = s[(intptr_t)k * cols + j];
  }
  for (; i < i1; i++)
    for (int j = j0; j < j1; j++) dst[(intptr_t)j * rows + i] = src[(intptr_t)i * cols + j];
}

/* Rows [i_begin, i_end) of a transpose of one matrix [rows, cols]: dst[j][i] = src[i][j] for those i and every
 * j. Threads split a transpose by rows (kernels/wasm-pool.ts). The buffers must not overlap. */
EXPORT("transpose32_rows")
void transpose32_rows(const uint32_t *src, uint32_t *dst, int rows, int cols, int i_begin, int i_end) {
  for (int i0 = i_begin; i0 < i_end; i0 += TILE)
    for (int j0 = 0; j0 < cols; j0 += TILE)
      transpose_tile(src, dst, rows, cols, i0, min_int(i_end, i0 + TILE), j0, min_int(cols, j0 + TILE));
}

/* dst[b][j][i] = src[b][i][j] for `batch` matrices [rows, cols] of 32-bit elements (float32 or int32). The
 * two buffers must not overlap. */
EXPORT("transpose32")
void transpose32(const uint32_t *src, uint32_t *dst, int batch, int rows, int cols) {
  const intptr_t size = (intptr_t)rows * cols;
  for (int b = 0; b < batch; b++, src += size, dst += size) transpose32_rows(src, dst, rows, cols, 0, rows);
}

/* One row of a reduction, max (is_max) or sum, with 16 lanes of partial results. Inlined into each export with
 * is_max a constant, so each gets its own loop. Max: NaN if the row holds one, −inf for an empty row. Sum: in
 * float32. */
static inline float reduce_row(const float *p, int cols, int is_max) {
  const float init = is_max ? -__builtin_inff() : 0.0f;
  v128_t m0 = wasm_f32x4_splat(init), m1 = m0, m2 = m0, m3 = m0;
#define COMBINE(x, y) (is_max ? wasm_f32x4_max(x, y) : wasm_f32x4_add(x, y))
  int c = 0;
  for (; c + 16 <= cols; c += 16) {
    m0 = COMBINE(m0, wasm_v128_load(p + c));
    m1 = COMBINE(m1, wasm_v128_load(p + c + 4));
    m2 = COMBINE(m2, wasm_v128_load(p + c + 8));
    m3 = COMBINE(m3, wasm_v128_load(p + c + 12));
  }
  for (; c + 4 <= cols; c += 4) m0 = COMBINE(m0, wasm_v128_load(p + c));
  const v128_t m = COMBINE(COMBINE(m0, m1), COMBINE(m2, m3));
#undef COMBINE
  const float l0 = wasm_f32x4_extract_lane(m, 0), l1 = wasm_f32x4_extract_lane(m, 1);
  const float l2 = wasm_f32x4_extract_lane(m, 2), l3 = wasm_f32x4_extract_lane(m, 3);
  if (!is_max) {
    float sum = (l0 + l1) + (l2 + l3);
    for (; c < cols; c++) sum += p[c];
    return sum;
  }
  float best = l0;
  best = (l1 > best || l1 != l1) ? l1 : best;
  best = (l2 > best || l2 != l2) ? l2 : best;
  best = (l3 > best || l3 != l3) ? l3 : best;
  for (; c < cols; c++) best = (p[c] > best || p[c] != p[c]) ? p[c] : best;
  return best;
}

/* out[r] = max over the row x[r][0 .. cols) for x [rows, cols] float32; NaN if the row holds one, −inf for an
 * empty row. */
EXPORT("row_max")
void row_max(const float *x, float *out, int rows, int cols) {
  for (int r = 0; r < rows; r++) out[r] = reduce_row(x + (intptr_t)r * cols, cols, 1);
}

/* out[r] = Σ over the row x[r][0 .. cols) for x [rows, cols] float32, in float32 with 16 partial sums. */
EXPORT("row_sum")
void row_sum(const float *x, float *out, int rows, int cols) {
  for (int r = 0; r < rows; r++) out[r] = reduce_row(x + (intptr_t)r * cols, cols, 0);
}

/* Σ x[i]² over n float32 values, accumulated in float64 (two f64x2 lanes per four floats). */
EXPORT("sum_squares")
double sum_squares(const float *x, int n) {
  v128_t a0 = wasm_f64x2_splat(0.0), a1 = a0;
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    v128_t lo = wasm_f64x2_promote_low_f32x4(v);
    v128_t hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
    a0 = wasm_f64x2_add(a0, wasm_f64x2_mul(lo, lo));
    a1 = wasm_f64x2_add(a1, wasm_f64x2_mul(hi, hi));
  }
  v128_t a = wasm_f64x2_add(a0, a1);
  double sum = wasm_f64x2_extract_lane(a, 0) + wasm_f64x2_extract_lane(a, 1);
  for (; i < n; i++) sum += (double)x[i] * x[i];
  return sum;
}

/*
 * One decoupled AdamW update over n float32 values (kernels/adamw.ts has the formula), in float32 as the
 * tfjs ops compute it, reading p, g, m, v once and writing the new values to p_out, m_out, v_out (which may be
 * the same buffers as the inputs):
 *   g' = g·g_scale   m' = β1·m + (1 − β1)·g'   v' = β2·v + (1 − β2)·g'²
 *   p' = p·shrink − step_size · m' / (√v' · inv_sqrt_bc2 + eps)
 */
EXPORT("adamw")
void adamw(const float *p, const float *g, const float *m, const float *v, float *p_out, float *m_out, float *v_out, int n,
           float g_scale, float beta1, float beta2, float eps, float shrink, float step_size, float inv_sqrt_bc2) {
  const v128_t vs = wasm_f32x4_splat(g_scale), b1 = wasm_f32x4_splat(beta1), b2 = wasm_f32x4_splat(beta2);
  const v128_t c1 = wasm_f32x4_splat(1.0f - beta1), c2 = wasm_f32x4_splat(1.0f - beta2);
  const v128_t ve = wasm_f32x4_splat(eps), sh = wasm_f32x4_splat(shrink), ss = wasm_f32x4_splat(step_size);
  const v128_t ib = wasm_f32x4_splat(inv_sqrt_bc2);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t gi = wasm_f32x4_mul(wasm_v128_load(g + i), vs);
    v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(b1, wasm_v128_load(m + i)), wasm_f32x4_mul(c1, gi));
    v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(b2, wasm_v128_load(v + i)), wasm_f32x4_mul(c2, wasm_f32x4_mul(gi, gi)));
    v128_t denom = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_sqrt(vi), ib), ve);
    v128_t pi = wasm_f32x4_sub(wasm_f32x4_mul(wasm_v128_load(p + i), sh), wasm_f32x4_mul(ss, wasm_f32x4_div(mi, denom)));
    wasm_v128_store(m_out + i, mi);
    wasm_v128_store(v_out + i, vi);
    wasm_v128_store(p_out + i, pi);
  }
  for (; i < n; i++) {
    float gi = g[i] * g_scale;
    float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    float vi = beta2 * v[i] + (1.0f - beta2) * (gi * gi);
    float pi = p[i] * shrink - step_size * (mi / (__builtin_sqrtf(vi) * inv_sqrt_bc2 + eps));
    m_out[i] = mi;
    v_out[i] = vi;
    p_out[i] = pi;
  }
}

/*
 * GELU in the tanh form the model uses (kernels/gelu.ts): gelu(a) = a·σ(u), u = C·a·(1 + A·a²), C = 2√(2/π),
 * A = 0.044715; d gelu/da = s + a·s·(1 − s)·u′(a), u′ = C·(1 + 3A·a²), s = σ(u).
 * σ(u) = 1 / (1 + e^−u) with e^x = 2^n · p(r), n = round(x·log2 e), r = x − n·ln 2 (two-part ln 2), p the
 * degree-6 Taylor polynomial (relative error below 2e-7 on |r| ≤ ln 2 / 2); x is clamped to [−87, 88], so
 * 2^n stays a normal float and σ saturates to 0 or 1 instead of producing NaN.
 */
#define GELU_C 1.5957691216057308f /* 2·sqrt(2/π) */
#define GELU_A 0.044715f

static inline v128_t exp_f32x4(v128_t x) {
  x = wasm_f32x4_min(wasm_f32x4_max(x, wasm_f32x4_splat(-87.0f)), wasm_f32x4_splat(88.0f));
  const v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(x, wasm_f32x4_splat(1.4426950408889634f)));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693145751953125f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(1.4286068203094172e-6f)));
  v128_t p = wasm_f32x4_splat(1.0f / 720.0f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 120.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 24.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 6.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(0.5f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  const v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(p, scale);
}

/* s = σ(u(a)) */
static inline v128_t gelu_sigmoid(v128_t a) {
  const v128_t a2 = wasm_f32x4_mul(a, a);
  const v128_t u = wasm_f32x4_mul(wasm_f32x4_mul(a, wasm_f32x4_splat(GELU_C)), wasm_f32x4_add(wasm_f32x4_splat(1.0f), wasm_f32x4_mul(a2, wasm_f32x4_splat(GELU_A))));
  const v128_t e = exp_f32x4(wasm_f32x4_neg(u));
  return wasm_f32x4_div(wasm_f32x4_splat(1.0f), wasm_f32x4_add(wasm_f32x4_splat(1.0f), e));
}

/* Up to 4 floats at p (k of them; the rest read as 0), and the matching store: the ragged tail of a loop goes
 * through the same vector code as the body, so every element gets the same bits wherever it falls. */
static inline v128_t load_tail(const float *p, int k) {
  return wasm_f32x4_make(p[0], k > 1 ? p[1] : 0.0f, k > 2 ? p[2] : 0.0f, 0.0f);
}
static inline void store_tail(float *p, v128_t v, int k) {
  p[0] = wasm_f32x4_extract_lane(v, 0);
  if (k > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (k > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

/* h = gelu(a)·b for n floats (b may be null: h = gelu(a)). */
EXPORT("geglu_forward")
void geglu_forward(const float *a, const float *b, float *h, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t x = wasm_v128_load(a + i);
    v128_t y = wasm_f32x4_mul(x, gelu_sigmoid(x));
    if (b) y = wasm_f32x4_mul(y, wasm_v128_load(b + i));
    wasm_v128_store(h + i, y);
  }
  if (i < n) {
    const int k = n - i;
    const v128_t x = load_tail(a + i, k);
    v128_t y = wasm_f32x4_mul(x, gelu_sigmoid(x));
    if (b) y = wasm_f32x4_mul(y, load_tail(b + i, k));
    store_tail(h + i, y, k);
  }
}

/* gelu′(a) = s + a·s·(1 − s)·u′(a), with s = σ(u(a)) given. */
static inline v128_t gelu_derivative(v128_t x, v128_t s) {
  const v128_t du = wasm_f32x4_mul(wasm_f32x4_splat(GELU_C), wasm_f32x4_add(wasm_f32x4_splat(1.0f), wasm_f32x4_mul(wasm_f32x4_mul(x, x), wasm_f32x4_splat(3.0f * GELU_A))));
  const v128_t ds = wasm_f32x4_mul(s, wasm_f32x4_sub(wasm_f32x4_splat(1.0f), s));
  return wasm_f32x4_add(s, wasm_f32x4_mul(wasm_f32x4_mul(x, ds), du));
}

/* The gradients of h = gelu(a)·b given dy: da = dy·b·gelu′(a), db = dy·gelu(a) (b null: da = dy·gelu′(a), no db). */
EXPORT("geglu_backward")
void geglu_backward(const float *dy, const float *a, const float *b, float *da, float *db, int n) {
  for (int i = 0; i < n; i += 4) {
    const int k = n - i < 4 ? n - i : 4;
    const v128_t g = k == 4 ? wasm_v128_load(dy + i) : load_tail(dy + i, k);
    const v128_t x = k == 4 ? wasm_v128_load(a + i) : load_tail(a + i, k);
    const v128_t s = gelu_sigmoid(x);
    v128_t gda = wasm_f32x4_mul(g, gelu_derivative(x, s));
    if (b) {
      const v128_t bv = k == 4 ? wasm_v128_load(b + i) : load_tail(b + i, k);
      const v128_t gdb = wasm_f32x4_mul(g, wasm_f32x4_mul(x, s));
      gda = wasm_f32x4_mul(gda, bv);
      if (k == 4) wasm_v128_store(db + i, gdb); else store_tail(db + i, gdb, k);
    }
    if (k == 4) wasm_v128_store(da + i, gda); else store_tail(da + i, gda, k);
  }
}
