#include "norm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "pool.h"

#include "isa.h"

namespace mbn {

MBN_CLONES static void ln_row(const float* __restrict x, const float* __restrict r, const float* __restrict g,
                              const float* __restrict b, long n, float eps, float* __restrict y, float* mean,
                              float* rstd) {
  float s = 0.f;
  if (r)
    for (long i = 0; i < n; ++i) s += x[i] + r[i];
  else
    for (long i = 0; i < n; ++i) s += x[i];
  float mu = s / static_cast<float>(n);
  float v = 0.f;
  if (r)
    for (long i = 0; i < n; ++i) v += (x[i] + r[i] - mu) * (x[i] + r[i] - mu);
  else
    for (long i = 0; i < n; ++i) v += (x[i] - mu) * (x[i] - mu);
  float rs = 1.f / std::sqrt(v / static_cast<float>(n) + eps);
  if (r)
    for (long i = 0; i < n; ++i) y[i] = (x[i] + r[i] - mu) * rs * g[i] + b[i];
  else
    for (long i = 0; i < n; ++i) y[i] = (x[i] - mu) * rs * g[i] + b[i];
  *mean = mu;
  *rstd = rs;
}

void layernorm_forward(const float* x, const float* residual, const float* gamma, const float* beta, long rows,
                       long cols, float eps, float* y, float* mean, float* rstd) {
  parallel_range(rows, std::max<long>(1, 8192 / std::max<long>(cols, 1)), [&](long s, long e) {
    for (long i = s; i < e; ++i)
      ln_row(x + i * cols, residual ? residual + i * cols : nullptr, gamma, beta, cols, eps, y + i * cols,
             mean + i, rstd + i);
  });
}

// One row of the gradient; accumulates dgamma/dbeta into the caller's partial sums.
MBN_CLONES static void ln_grad_row(const float* __restrict dy, const float* __restrict x,
                                   const float* __restrict r, const float* __restrict g, float mu, float rs, long n,
                                   float* __restrict dx, float* __restrict dg, float* __restrict db) {
  // ẑ = (z − μ)·rstd; ĝ = dy·γ; dz = rstd·(ĝ − mean(ĝ) − ẑ·mean(ĝ·ẑ)).
  float sg = 0.f, sgz = 0.f;
  for (long i = 0; i < n; ++i) {
    float z = ((r ? x[i] + r[i] : x[i]) - mu) * rs;
    float gi = dy[i] * g[i];
    sg += gi;
    sgz += gi * z;
    dg[i] += dy[i] * z;
    db[i] += dy[i];
  }
  float inv = 1.f / static_cast<float>(n);
  float mg = sg * inv, mgz = sgz * inv;
  for (long i = 0; i < n; ++i) {
    float z = ((r ? x[i] + r[i] : x[i]) - mu) * rs;
    dx[i] = rs * (dy[i] * g[i] - mg - z * mgz);
  }
}

void layernorm_backward(const float* dy, const float* x, const float* residual, const float* gamma,
                        const float* mean, const float* rstd, long rows, long cols, float* dx, float* dgamma,
                        float* dbeta) {
  long chunks = std::min<long>(rows, std::max<long>(1, std::min<long>(pool().threads() * 2, rows * cols / 8192)));
  std::vector<float> part(static_cast<size_t>(chunks) * 2 * cols, 0.f);
  long per = (rows + chunks - 1) / chunks;
  pool().parallel_for(chunks, [&](long c) {
    float* dg = part.data() + c * 2 * cols;
    float* db = dg + cols;
    long e = std::min(rows, (c + 1) * per);
    for (long i = c * per; i < e; ++i)
      ln_grad_row(dy + i * cols, x + i * cols, residual ? residual + i * cols : nullptr, gamma, mean[i], rstd[i],
                  cols, dx + i * cols, dg, db);
  });
  std::memset(dgamma, 0, sizeof(float) * cols);
  std::memset(dbeta, 0, sizeof(float) * cols);
  for (long c = 0; c < chunks; ++c)
    for (long j = 0; j < cols; ++j) {
      dgamma[j] += part[c * 2 * cols + j];
      dbeta[j] += part[c * 2 * cols + cols + j];
    }
}

}  // namespace mbn
