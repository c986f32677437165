// Element-wise, reduction, layout and optimizer kernels over contiguous float32 buffers.
#pragma once
#include <cstdint>

namespace mbn {

enum UnaryOp { kExp, kLog, kSqrt, kRsqrt, kSquare, kNeg, kTanh, kErf, kRelu, kSigmoid, kAbs, kReciprocal, kUnaryCount };
enum BinaryOp { kAdd, kSub, kMul, kDiv, kMax, kMin, kSquaredDiff, kBinaryCount };
enum ReduceOp { kSum, kMaxR, kMinR, kMean, kReduceCount };

void unary(int op, const float* x, float* out, long n);
// out[ndim-shape] = a ⊕ b with element strides sa/sb per dimension (0 where broadcast); out contiguous.
void binary(int op, const float* a, const float* b, float* out, int ndim, const long* shape, const long* sa,
            const long* sb);
// x viewed as [A, R, B]; out[A, B] = reduce over R.
void reduce(int op, const float* x, long A, long R, long B, float* out);
// out = x permuted: out dim d has size shape[perm[d]].
void transpose(const float* x, int ndim, const long* shape, const int* perm, float* out);
// One row's softmax in place-safe form (out may equal x); returns the row's log-sum-exp.
float softmax_row(const float* x, float* out, long n);
// Row-wise softmax over the last dimension: x [rows, cols].
void softmax(const float* x, long rows, long cols, float* out);
// params viewed as [outer, axis, inner]; out [outer, n, inner] = params[:, idx[j], :].
void gather(const float* params, long outer, long axis, long inner, const int32_t* idx, long n, float* out);
// out[numSeg, inner] = Σ over rows r with ids[r] = s of x[r, :] (ids out of range are dropped, as in tfjs).
void segment_sum(const float* x, long rows, long inner, const int32_t* ids, long num_seg, float* out);
// GELU, tanh form (Hendrycks & Gimpel 2016), written as x·σ(u), u = 2√(2/π)·(x + 0.044715·x³) — the form
// kernels/gelu.ts uses — and its gradient dx = dy·(s + x·s·(1 − s)·u′(x)).
void gelu_tanh(const float* x, float* out, long n);
void gelu_tanh_grad(const float* x, const float* dy, float* dx, long n);
// GeGLU's gate (Shazeer 2020): out = gelu(gate) ⊙ value; dgate = dy·value·gelu′(gate), dvalue = dy·gelu(gate).
void geglu(const float* gate, const float* value, float* out, long n);
void geglu_grad(const float* gate, const float* value, const float* dy, float* dgate, float* dvalue, long n);
// Decoupled AdamW (Loshchilov & Hutter 2019, alg. 2) in place, in torch.optim.AdamW's form (as kernels/adamw.ts):
//   m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  p ← p·shrink − step·m / (√v / √bc2 + eps)
// with shrink = 1 − lr·wd (1 for undecayed parameters), step = lr / (1 − β1ᵗ), sqrt_bc2 = √(1 − β2ᵗ).
void adamw(float* p, const float* g, float* m, float* v, long n, float beta1, float beta2, float eps, float shrink,
           float step, float sqrt_bc2);

// Inverted-dropout keep masks from mbench's SplitMix32 streams (src/random.ts Rng), bit for bit as the JS
// generator draws them: block b owns out[starts[b] .. starts[b+1]) and its element i is
// (mix32(states[b] + (i + 1)·0x9e3779b9) / 2³² ≥ rate) ? keep : 0. Counter-based, so any element can be made on
// any thread.
void dropout_mask(float* out, const uint32_t* states, const long* starts, long blocks, double rate, float keep);

}  // namespace mbn
