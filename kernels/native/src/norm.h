// Fused LayerNorm (optionally of x + residual, the post-LN block's "add & norm") with its gradient.
#pragma once

namespace mbn {

// z = x (+ residual); y = (z − mean)·rstd·gamma + beta over the last dim; rows × cols; saves mean, rstd.
void layernorm_forward(const float* x, const float* residual, const float* gamma, const float* beta, long rows,
                       long cols, float eps, float* y, float* mean, float* rstd);
// Gradient: dz (= dx = dresidual), dgamma = Σ dy·ẑ, dbeta = Σ dy.
void layernorm_backward(const float* dy, const float* x, const float* residual, const float* gamma,
                        const float* mean, const float* rstd, long rows, long cols, float* dx, float* dgamma,
                        float* dbeta);

}  // namespace mbn
