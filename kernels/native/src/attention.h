// Fused multi-head attention with an optional ALiBi bias and key padding mask, one (batch, head) tile per
// task and query blocks of 64 rows inside it (the CPU analogue of FlashAttention: a block's scores stay in
// cache; the backward pass recomputes probabilities from the saved log-sum-exp instead of storing them).
//   q, k, v, out: [B, S, H, D] (= [B·S, hidden], the layout of the projections, so no transposes);
//   lse [B, H, S]; scores = q·kᵀ/√D − slopes[h]·|i − j| (ALiBi, symmetric as in MosaicBERT);
//   keyMask [B, S]: 1 = real token, 0 = padding (its column gets −1e30 before the softmax).
#pragma once

#include <cstdint>

namespace mbn {

// Optional general additive bias [Bb, H, S, S] (bias_batch_stride = H·S·S, or 0 when Bb = 1): what a model
// that builds its own bias tensor (ALiBi + mask, kernels/attention.ts) passes instead of slopes/key_mask.
struct AttentionBias {
  const float* slopes = nullptr;    // [H]
  const float* key_mask = nullptr;  // [B, S]
  const float* bias = nullptr;      // [Bb, H, S, S]
  long bias_batch_stride = 0;
  // The caller discards the outputs of padded query rows (an unpadded model gathers only real rows after
  // attention): those rows are then not computed (forward: zeros; backward: no contribution, zero dq).
  bool skip_pad_queries = false;
  // Attention dropout: the scaled keep mask [B, H, S, S] (0 or 1/(1 − rate)) applied to the probabilities
  // before they weight the values (kernels/dropout.ts makes it, so every backend drops the same entries).
  const float* drop = nullptr;
  // Packed (unpadded) rows: sample b's L_b real tokens are rows [row_start[b], row_start[b + 1]) of q, k, v, out
  // and their gradients ([row_start[B], H, D], no pad rows at all; positions 0..L_b − 1, pads after them). Keys
  // and queries are exactly those rows: key_mask and skip_pad_queries are not consulted; lse keeps [B, H, S].
  const int32_t* row_start = nullptr;  // [B + 1]
};

// Keys per batch row that can matter (with packed rows: that sample's L_b): when the key mask is a prefix of L ≥ 1 real tokens (pads after them, as
// BERT batches are laid out) and there is no general bias, keys past L get probability exactly 0 (exp(−1e30)
// underflows) and are skipped; otherwise all S.

long attention_key_length(const AttentionBias& ab, long b, long S);

void attention_forward(const float* q, const float* k, const float* v, long B, long H, long S, long D,
                       const AttentionBias& bias, float* out, float* lse);
void attention_backward(const float* q, const float* k, const float* v, const float* out, const float* lse,
                        const float* dout, long B, long H, long S, long D, const AttentionBias& bias, float* dq,
                        float* dk, float* dv);

}  // namespace mbn
