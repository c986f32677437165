#include "mlm_head.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <vector>

#include "aligned_buf.h"
#include "gemm.h"
#include "isa.h"
#include "pool.h"
#include "vmath.h"

namespace mbn {

// ---------------------------------------------------------------------------------------------------------
// Tiles. A task owns one vocabulary chunk of VC columns (its rows of dE and entries of db, so no two threads
// write the same output) and walks every row block of RB rows against it. The chunk's embedding rows are packed
// once per task and reused by every row block; one logits tile [RB, VC] lives in L2 from the product that makes
// it until the products that consume it. Defaults keep a chunk's packed embedding near 96 KB (VC·H floats) and
// the tile at RB·VC ≤ 192² floats (144 KB); MBENCH_MLM_HEAD_VC / _RB override them for tuning.

struct HeadTiles {
  long VC, RB;
};

static long env_long(const char* name) {
  const char* v = std::getenv(name);
  long x = v ? std::atol(v) : 0;
  return x > 0 ? x : 0;
}

static long round_up(long x, long unit) { return (x + unit - 1) / unit * unit; }

static HeadTiles head_tiles(long H) {
  const MicroTile t = gemm_micro_tile();
  // VC is the M of the dE product (MR rows a panel) and the N of the logits product (NR columns a panel).
  const long unit = std::lcm(static_cast<long>(t.MR), static_cast<long>(t.NR));
  long vc = env_long("MBENCH_MLM_HEAD_VC");
  vc = vc ? round_up(vc, t.NR) : std::max(unit, 24576 / std::max<long>(H, 1) / unit * unit);
  long rb = env_long("MBENCH_MLM_HEAD_RB");
  // RB is a multiple of MR, so a row block starts on a panel of the once-packed h.
  rb = rb ? round_up(rb, t.MR) : 16L * t.MR;
  return {vc, rb};
}

// h [M, H] packed once per call as the A operand of L = h·Eᵀ (panels of MR rows, depth H): the panels of row
// block r0 start at hA + r0·H.
static void pack_h_as_a(const float* h, long M, long H, long RB, float* hA) {
  Gemm g{};
  g.A = h;
  g.lda = H;
  pool().parallel_for((M + RB - 1) / RB, [&](long blk) {
    long r0 = blk * RB;
    gemm_pack_a(g, r0, std::min(RB, M - r0), 0, H, hA + r0 * H);
  });
}

// The chunk's embedding rows E[c0 .. c0+nc) packed as the B operand of L = h·Eᵀ (Eᵀ: depth H, nc columns).
static void pack_chunk_transposed(const float* E, long H, long c0, long nc, float* dst) {
  Gemm g{};
  g.transB = true;
  g.B = E;
  g.ldb = H;
  gemm_pack_b(g, 0, H, c0, nc, dst);
}

// Adds the bias to one row of logits in place and returns the row's maximum.
MBN_CLONES static float add_bias_max(float* __restrict row, const float* __restrict bias, long n) {
  for (long j = 0; j < n; ++j) row[j] += bias[j];
  return vmax(row, n);
}

MBN_CLONES static float sum_exp(const float* __restrict row, long n, float m) {
  float s = 0.f;
  for (long j = 0; j < n; ++j) s += vexp(row[j] - m);
  return s;
}

// One row of G = scale·softmax(L) from the row's statistics (the one-hot is applied by the caller), in place
// over the logits (bias added here, as in the forward pass); db accumulates the column sums.
MBN_CLONES static void softmax_grad_row(float* __restrict row, const float* __restrict bias, long n, float m, float ls,
                                        float scale, float* __restrict db) {
  for (long j = 0; j < n; ++j) {
    float g = scale * vexp((row[j] + bias[j] - m) - ls);
    row[j] = g;
    db[j] += g;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Forward: per (chunk, row) the chunk's max and Σ exp(L − max); merged per row afterwards (the log-sum-exp of a
// union: m = max_c m_c, Σ = Σ_c s_c·exp(m_c − m)).

MlmHeadLoss mlm_head_forward(const float* h, const float* E, const float* b, const int32_t* labels, long M, long H,
                             long V, float* rowmax, float* logsum) {
  if (M <= 0 || V <= 0) return {0.0, 0};
  const HeadTiles T = head_tiles(H);
  const MicroTile mt = gemm_micro_tile();
  const long chunks = (V + T.VC - 1) / T.VC;
  static AlignedBuf hA_buf;
  float* hA = hA_buf.get(round_up(M, mt.MR) * H);
  pack_h_as_a(h, M, H, T.RB, hA);
  std::vector<float> cmax(chunks * M), csum(chunks * M), label_logit(M);

  pool().parallel_for(chunks, [&](long c) {
    static thread_local AlignedBuf ebuf, lbuf;
    const long c0 = c * T.VC, nc = std::min(T.VC, V - c0);
    float* Ep = ebuf.get(round_up(nc, mt.NR) * H);
    pack_chunk_transposed(E, H, c0, nc, Ep);
    float* L = lbuf.get(T.RB * T.VC);
    for (long r0 = 0; r0 < M; r0 += T.RB) {
      const long rows = std::min(T.RB, M - r0);
      gemm_packed(hA + r0 * H, Ep, rows, nc, H, 1.f, 0.f, L, T.VC);
      for (long i = 0; i < rows; ++i) {
        float* row = L + i * T.VC;
        const long r = r0 + i;
        const float m = add_bias_max(row, b + c0, nc);
        cmax[c * M + r] = m;
        csum[c * M + r] = sum_exp(row, nc, m);
        const long y = labels[r] - c0;
        if (y >= 0 && y < nc) label_logit[r] = row[y];  // exactly one chunk holds the label
      }
    }
  });

  std::vector<double> loss_row(M);
  std::vector<char> hit(M);
  parallel_range(M, 64, [&](long s, long e) {
    for (long r = s; r < e; ++r) {
      float m = cmax[r];
      for (long c = 1; c < chunks; ++c) m = std::max(m, cmax[c * M + r]);
      double sum = 0.0;
      for (long c = 0; c < chunks; ++c) sum += static_cast<double>(csum[c * M + r]) * std::exp(static_cast<double>(cmax[c * M + r]) - m);
      const double ls = std::log(sum);
      rowmax[r] = m;
      logsum[r] = static_cast<float>(ls);
      loss_row[r] = (static_cast<double>(m) - label_logit[r]) + ls;
      hit[r] = label_logit[r] >= m;
    }
  });
  MlmHeadLoss out{0.0, 0};
  for (long r = 0; r < M; ++r) {
    out.loss_sum += loss_row[r];
    out.correct += hit[r];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Backward: per chunk, per row block: recompute the logits tile, turn it into G in place, then
//   dE[chunk] (+)= Gᵀ·h[block]   (the chunk's own rows of dE: the first block writes, later ones add)
//   dh[block] += G·E[chunk]      (into its group's dh accumulator; the accumulators are summed at the end)
// The chunks are dealt to a fixed number of groups of consecutive chunks, each with its own dh accumulator and
// run as one task, so every sum has the same order whichever thread runs a group: the result is the same on
// every run (a per-thread accumulator would depend on which thread took which chunk). 2 groups a thread let a
// descheduled thread's share be picked up; the accumulators cost groups·M·H floats.

// What every chunk of one backward call shares.
struct BackwardCall {
  const float *E, *b, *hA, *hB, *rowmax, *logsum;
  const int32_t* labels;
  long M, H, V, Hp;
  HeadTiles T;
  MicroTile mt;
  float scale;
  float *dE, *db;
};

// One vocabulary chunk [c0, c0 + nc) against every row block: its rows of dE and entries of db, and its share
// of dh added into dh_acc.
static void backward_chunk(const BackwardCall& k, long c0, long nc, float* dh_acc) {
  static thread_local AlignedBuf e1buf, e2buf, lbuf, gabuf, gtbuf, dbbuf;
  const long H = k.H, VC = k.T.VC, RB = k.T.RB;
  float* Et = e1buf.get(round_up(nc, k.mt.NR) * H);
  pack_chunk_transposed(k.E, H, c0, nc, Et);
  // E[chunk] as the B operand of G·E[chunk]: depth nc (the chunk's vocabulary rows), H columns.
  float* En = e2buf.get(nc * k.Hp);
  Gemm ge{};
  ge.B = k.E;
  ge.ldb = H;
  gemm_pack_b(ge, c0, nc, 0, H, En);
  float* L = lbuf.get(RB * VC);
  float* Ga = gabuf.get(round_up(RB, k.mt.MR) * nc);
  float* Gt = gtbuf.get(round_up(nc, k.mt.MR) * RB);
  float* dbc = dbbuf.get(nc);
  std::memset(dbc, 0, sizeof(float) * nc);
  Gemm gt{};  // A = Gᵀ: A(i, k) = G[k, i]
  gt.transA = true;
  gt.A = L;
  gt.lda = VC;
  Gemm gn{};  // A = G
  gn.A = L;
  gn.lda = VC;
  for (long r0 = 0; r0 < k.M; r0 += RB) {
    const long rows = std::min(RB, k.M - r0);
    gemm_packed(k.hA + r0 * H, Et, rows, nc, H, 1.f, 0.f, L, VC);
    for (long i = 0; i < rows; ++i) {
      float* row = L + i * VC;
      const long r = r0 + i;
      softmax_grad_row(row, k.b + c0, nc, k.rowmax[r], k.logsum[r], k.scale, dbc);
      const long y = k.labels[r] - c0;
      if (y >= 0 && y < nc) {
        row[y] -= k.scale;  // − onehot
        dbc[y] -= k.scale;
      }
    }
    gemm_pack_a(gt, 0, nc, 0, rows, Gt);
    gemm_packed(Gt, k.hB + r0 * k.Hp, nc, H, rows, 1.f, r0 == 0 ? 0.f : 1.f, k.dE + c0 * H, H);
    gemm_pack_a(gn, 0, rows, 0, nc, Ga);
    gemm_packed(Ga, En, rows, H, nc, 1.f, 1.f, dh_acc + r0 * H, H);
  }
  std::memcpy(k.db + c0, dbc, sizeof(float) * nc);
}

void mlm_head_backward(const float* h, const float* E, const float* b, const int32_t* labels, const float* rowmax,
                       const float* logsum, long M, long H, long V, float scale, float* dh, float* dE, float* db) {
  if (V <= 0 || H <= 0) return;
  if (M <= 0) {
    std::memset(dE, 0, sizeof(float) * V * H);
    std::memset(db, 0, sizeof(float) * V);
    return;
  }
  BackwardCall k{};
  k.E = E;
  k.b = b;
  k.rowmax = rowmax;
  k.logsum = logsum;
  k.labels = labels;
  k.M = M;
  k.H = H;
  k.V = V;
  k.T = head_tiles(H);
  k.mt = gemm_micro_tile();
  k.Hp = round_up(H, k.mt.NR);  // h as a B operand: panels of NR columns
  k.scale = scale;
  k.dE = dE;
  k.db = db;
  const long RB = k.T.RB, chunks = (V + k.T.VC - 1) / k.T.VC;
  static AlignedBuf hA_buf, hB_buf, acc_buf;
  float* hA = hA_buf.get(round_up(M, k.mt.MR) * H);
  pack_h_as_a(h, M, H, RB, hA);
  // h[block] packed as the B operand of Gᵀ·h[block] (depth = the block's rows, H columns), at hB + r0·Hp.
  float* hB = hB_buf.get(M * k.Hp);
  Gemm gh{};
  gh.B = h;
  gh.ldb = H;
  pool().parallel_for((M + RB - 1) / RB, [&](long blk) {
    const long r0 = blk * RB;
    gemm_pack_b(gh, r0, std::min(RB, M - r0), 0, H, hB + r0 * k.Hp);
  });
  k.hA = hA;
  k.hB = hB;

  const long groups = std::min<long>(chunks, 2L * pool().threads());
  const long per_group = (chunks + groups - 1) / groups;
  const size_t acc_size = static_cast<size_t>(M) * H;
  float* acc = acc_buf.get(groups * acc_size);
  std::memset(acc, 0, sizeof(float) * groups * acc_size);
  pool().parallel_for(groups, [&](long g) {
    for (long c = g * per_group; c < std::min(chunks, (g + 1) * per_group); ++c)
      backward_chunk(k, c * k.T.VC, std::min(k.T.VC, V - c * k.T.VC), acc + g * acc_size);
  });

  // dh = Σ over the groups' accumulators, in group order.
  parallel_range(M * H, 1 << 14, [&](long s, long e) {
    std::memcpy(dh + s, acc + s, sizeof(float) * (e - s));
    for (long g = 1; g < groups; ++g) {
      const float* src = acc + g * acc_size;
      for (long i = s; i < e; ++i) dh[i] += src[i];
    }
  });
}

}  // namespace mbn
