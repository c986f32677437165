// The masked-token MLM head fused with its loss: the decoder tied to the word embeddings and softmax
// cross-entropy over the M masked rows, forward and backward, in tiles that stay in cache (the idea of fused
// linear cross-entropy: the [M, V] logits and probabilities are never stored).
//
// For hidden states h [M, H], the embedding E [V, H], the decoder bias b [V] and labels y [M]:
//   L = h·Eᵀ + b                                     [M, V], produced tile by tile (row block × vocab chunk)
//   rowmax_i = max_v L_iv,  logsum_i = log Σ_v exp(L_iv − rowmax_i)   (exact log-sum-exp, any magnitude)
//   loss = Σ_i (rowmax_i + logsum_i − L_i,y_i),  correct = #{i : L_i,y_i ≥ rowmax_i}   (ties count as correct)
// and, for a scale s (d loss_mean / M), with G = s·(softmax(L) − onehot(y)):
//   dh = G·E [M, H],  dE = Gᵀ·h [V, H],  db = Σ_i G_i [V].
// The backward pass recomputes each logits tile from h, E and the saved row statistics (as FlashAttention's
// backward recomputes its probabilities, Dao et al. 2022 §3.1) instead of keeping [M, V] between the passes.
#pragma once
#include <cstdint>

namespace mbn {

struct MlmHeadLoss {
  double loss_sum;  // Σ_i per-row cross-entropy, nats
  long correct;     // rows whose label logit is the row maximum
};

// Fills rowmax [M] and logsum [M] (the statistics the backward pass needs). Labels must lie in [0, V).
MlmHeadLoss mlm_head_forward(const float* h, const float* E, const float* b, const int32_t* labels, long M, long H,
                             long V, float* rowmax, float* logsum);

// Writes dh [M, H], dE [V, H] and db [V] (every element; nothing is accumulated into the caller's arrays).
void mlm_head_backward(const float* h, const float* E, const float* b, const int32_t* labels, const float* rowmax,
                       const float* logsum, long M, long H, long V, float scale, float* dh, float* dE, float* db);

}  // namespace mbn
