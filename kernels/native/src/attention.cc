#include "attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "elementwise.h"
#include "gemm.h"
#include "pool.h"
#include "vmath.h"

namespace mbn {

static const long kBlock = 64;     // query rows per block
static const float kMasked = -1e30f;  // additive bias of a padded key (finite, so a fully padded row stays finite)

// scores[r, j] += bias for query rows [i0, i0 + rows) of tile (b, h): ALiBi −slope·|i − j|, the key mask,
// and a general bias tensor.
// Scores are [rows, Sk] with row stride Sk: keys [0, Sk) of S.
static void add_bias(float* sc, long i0, long rows, long S, long Sk, long b, long h, long H, const AttentionBias& ab) {
  float slope = ab.slopes ? ab.slopes[h] : 0.f;
  const float* mask = ab.key_mask ? ab.key_mask + b * S : nullptr;
  const float* full = ab.bias ? ab.bias + b * ab.bias_batch_stride + h * S * S : nullptr;
  for (long r = 0; r < rows; ++r) {
    float* row = sc + r * Sk;
    long i = i0 + r;
    if (slope != 0.f)
      for (long j = 0; j < Sk; ++j) row[j] -= slope * static_cast<float>(j > i ? j - i : i - j);
    if (mask)
      for (long j = 0; j < Sk; ++j) row[j] += mask[j] > 0.5f ? 0.f : kMasked;
    if (full) {
      const float* br = full + i * S;
      for (long j = 0; j < Sk; ++j) row[j] += br[j];
    }
  }
  (void)H;
}

long attention_key_length(const AttentionBias& ab, long b, long S) {
  if (ab.row_start) return ab.row_start[b + 1] - ab.row_start[b];
  if (!ab.key_mask || ab.bias) return S;
  const float* m = ab.key_mask + b * S;
  long L = 0;
  while (L < S && m[L] > 0.5f) ++L;
  if (L == 0) return S;  // no real key: every score is masked alike, keep the full (uniform) softmax
  for (long j = L; j < S; ++j)
    if (m[j] > 0.5f) return S;  // not a prefix
  return L;
}

// Element offset of tile (b, h)'s first row in q/k/v/out [rows, H·D]: padded b·S rows, or packed row_start[b].
static long tile_offset(const AttentionBias& ab, long b, long h, long S, long D, long ld) {
  return (ab.row_start ? static_cast<long>(ab.row_start[b]) : b * S) * ld + h * D;
}

// Query rows computed: all S, the L real ones when padded queries are skipped, or the L packed rows.
static long query_length(const AttentionBias& ab, long Sk, long S) {
  return ab.row_start || (ab.skip_pad_queries && Sk < S) ? Sk : S;
}

static Gemm gm(bool ta, bool tb, long M, long N, long K, float alpha, const float* A, long lda, const float* B,
               long ldb, float beta, float* C, long ldc) {
  return Gemm{ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc};
}

void attention_forward(const float* q, const float* k, const float* v, long B, long H, long S, long D,
                       const AttentionBias& ab, float* out, float* lse) {
  float scale = 1.f / std::sqrt(static_cast<float>(D));
  const long ld = H * D;  // row stride of [B, S, H, D]
  pool().parallel_for(B * H, [&](long t) {
    long b = t / H, h = t % H;
    long off = tile_offset(ab, b, h, S, D, ld);
    const float* Q = q + off;
    const float* K = k + off;
    const float* V = v + off;
    const long Sk = attention_key_length(ab, b, S);
    const long Sq = query_length(ab, Sk, S);
    std::vector<float> sc(kBlock * Sk);
    for (long i0 = 0; i0 < Sq; i0 += kBlock) {
      long rows = std::min(kBlock, Sq - i0);
      sgemm_serial(gm(false, true, rows, Sk, D, scale, Q + i0 * ld, ld, K, ld, 0.f, sc.data(), Sk));
      add_bias(sc.data(), i0, rows, S, Sk, b, h, H, ab);
      for (long r = 0; r < rows; ++r) lse[t * S + i0 + r] = softmax_row(sc.data() + r * Sk, sc.data() + r * Sk, Sk);
      if (ab.drop)
        for (long r = 0; r < rows; ++r) {
          const float* m = ab.drop + (t * S + i0 + r) * S;
          float* row = sc.data() + r * Sk;
          for (long j = 0; j < Sk; ++j) row[j] *= m[j];
        }
      sgemm_serial(gm(false, false, rows, D, Sk, 1.f, sc.data(), Sk, V, ld, 0.f, out + off + i0 * ld, ld));
    }
    for (long i = Sq; i < S; ++i) {  // skipped pad queries (packed rows: lse only, there are no such rows)
      if (!ab.row_start) std::fill(out + off + i * ld, out + off + i * ld + D, 0.f);
      lse[t * S + i] = 0.f;
    }
  });
}

void attention_backward(const float* q, const float* k, const float* v, const float* out, const float* lse,
                        const float* dout, long B, long H, long S, long D, const AttentionBias& ab,
                        float* dq, float* dk, float* dv) {
  float scale = 1.f / std::sqrt(static_cast<float>(D));
  const long ld = H * D;
  pool().parallel_for(B * H, [&](long t) {
    long b = t / H, h = t % H;
    long off = tile_offset(ab, b, h, S, D, ld);
    const float *Q = q + off, *K = k + off, *V = v + off, *O = out + off, *dO = dout + off;
    float *dQ = dq + off, *dK = dk + off, *dV = dv + off;
    const long Sk = attention_key_length(ab, b, S);
    const long Sq = query_length(ab, Sk, S);
    std::vector<float> P(kBlock * Sk), dP(kBlock * Sk), Di(kBlock), PM(ab.drop ? kBlock * Sk : 0);
    for (long i0 = 0; i0 < Sq; i0 += kBlock) {
      long rows = std::min(kBlock, Sq - i0);
      // P = exp(scores − lse), recomputed.
      sgemm_serial(gm(false, true, rows, Sk, D, scale, Q + i0 * ld, ld, K, ld, 0.f, P.data(), Sk));
      add_bias(P.data(), i0, rows, S, Sk, b, h, H, ab);
      for (long r = 0; r < rows; ++r) {
        float l = lse[t * S + i0 + r];
        float* row = P.data() + r * Sk;
        for (long j = 0; j < Sk; ++j) row[j] = vexp(row[j] - l);
        float d = 0.f;
        for (long c = 0; c < D; ++c) d += dO[(i0 + r) * ld + c] * O[(i0 + r) * ld + c];
        Di[r] = d;
      }
      // dV += (P⊙M)ᵀ·dO; dP = (dO·Vᵀ)⊙M; dS = P ⊙ (dP − D_i); dQ = dS·K·scale; dK += dSᵀ·Q·scale, with M the
      // dropout mask (1 without dropout). D_i = dO_i·O_i = Σ_j P_ij·M_ij·(dO_i·V_j) holds with the mask too.
      float beta = i0 == 0 ? 0.f : 1.f;
      const float* weights = P.data();
      if (ab.drop) {
        for (long r = 0; r < rows; ++r) {
          const float* m = ab.drop + (t * S + i0 + r) * S;
          for (long j = 0; j < Sk; ++j) PM[r * Sk + j] = P[r * Sk + j] * m[j];
        }
        weights = PM.data();
      }
      sgemm_serial(gm(true, false, Sk, D, rows, 1.f, weights, Sk, dO + i0 * ld, ld, beta, dV, ld));
      sgemm_serial(gm(false, true, rows, Sk, D, 1.f, dO + i0 * ld, ld, V, ld, 0.f, dP.data(), Sk));
      for (long r = 0; r < rows; ++r) {
        float* pr = P.data() + r * Sk;
        float* dpr = dP.data() + r * Sk;
        const float* m = ab.drop ? ab.drop + (t * S + i0 + r) * S : nullptr;
        if (m)
          for (long j = 0; j < Sk; ++j) pr[j] = pr[j] * (dpr[j] * m[j] - Di[r]);
        else
          for (long j = 0; j < Sk; ++j) pr[j] = pr[j] * (dpr[j] - Di[r]);
      }
      sgemm_serial(gm(false, false, rows, D, Sk, scale, P.data(), Sk, K, ld, 0.f, dQ + i0 * ld, ld));
      sgemm_serial(gm(true, false, Sk, D, rows, scale, P.data(), Sk, Q + i0 * ld, ld, beta, dK, ld));
    }
    // Skipped keys have probability 0 (no gradient), skipped queries contribute nothing (packed: no such rows).
    if (ab.row_start) return;
    for (long j = Sk; j < S; ++j) {
      std::fill(dK + j * ld, dK + j * ld + D, 0.f);
      std::fill(dV + j * ld, dV + j * ld + D, 0.f);
    }
    for (long i = Sq; i < S; ++i) std::fill(dQ + i * ld, dQ + i * ld + D, 0.f);
  });
}

}  // namespace mbn
