// Fused multi-head attention with an optional ALiBi bias and key padding mask, one (batch, head) tile per
// task and query blocks of 64 rows inside it (the CPU analogue of FlashAttention: a block's scores stay in
// cache; the backward pass recomputes probabilities from the saved log-sum-exp instead of storing them).
//   q, k, v, out: [B, S, H, D] (= [B·S, hidden], the layout of the projections, so no transposes);
//   lse [B, H, S]; scores = q·kᵀ/√D − slopes[h]·|i − j| (ALiBi, symmetric as in MosaicBERT);
//   keyMask [B, S]: 1 = real token, 0 = padding (its column gets −1e30 before the softmax).
#pragma once

namespace mbn {

void attention_forward(const float* q, const float* k, const float* v, long B, long H, long S, long D,
                       const float* slopes, const float* key_mask, float* out, float* lse);
void attention_backward(const float* q, const float* k, const float* v, const float* out, const float* lse,
                        const float* dout, long B, long H, long S, long D, const float* slopes,
                        const float* key_mask, float* dq, float* dk, float* dv);

}  // namespace mbn
