// Branch-free float math the compiler can vectorise (std::exp etc. stay scalar without -ffast-math).
#pragma once
#include <cstdint>
#include <cstring>

namespace mbn {

// exp(x): range reduction x = n·ln2 + r (ln2 split in two for accuracy), a degree-6 polynomial for e^r
// (Cephes expf coefficients), 2^n assembled in the exponent bits. Relative error ≈ 2e-7 on [-87, 88].
static inline float vexp(float x) {
  x = x > 88.3762626647949f ? 88.3762626647949f : x;
  x = x < -87.3365447505531f ? -87.3365447505531f : x;
  // n = round(x·log2 e). With -fno-trapping-math GCC inlines floorf as vroundps (SSE4.1 and up), so the loop
  // vectorises. (The 1.5·2²³ rounding trick would not survive -fassociative-math.)
  float n = __builtin_floorf(x * 1.44269504088896341f + 0.5f);
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500E-4f;
  p = p * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  p = p * r * r + r + 1.f;
  int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// erf(x), Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7) — the same formula tfjs's cpu and wasm Erf use.
static inline float verf(float x) {
  float s = x < 0.f ? -1.f : 1.f;
  float a = x * s;
  float t = 1.f / (1.f + 0.3275911f * a);
  float y = 1.f - (((((1.061405429f * t - 1.453152027f) * t) + 1.421413741f) * t - 0.284496736f) * t +
                   0.254829592f) *
                      t * vexp(-a * a);
  return s * y;
}

static inline float vtanh(float x) {
  // tanh(x) = 1 - 2 / (e^{2x} + 1); accurate to ~1e-7 absolute.
  return 1.f - 2.f / (vexp(2.f * x) + 1.f);
}

// max over x[0, n) with 16 independent lanes, so the loop vectorises (n ≥ 1). Like tfjs's cpu Max, a NaN
// is not propagated (comparisons with NaN are false).
static inline float vmax(const float* x, long n) {
  float lane[16];
  for (int j = 0; j < 16; ++j) lane[j] = x[0];
  long i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; ++j) lane[j] = x[i + j] > lane[j] ? x[i + j] : lane[j];
  float m = lane[0];
  for (int j = 1; j < 16; ++j) m = lane[j] > m ? lane[j] : m;
  for (; i < n; ++i) m = x[i] > m ? x[i] : m;
  return m;
}

static inline float vsigmoid(float x) { return 1.f / (1.f + vexp(-x)); }

}  // namespace mbn
