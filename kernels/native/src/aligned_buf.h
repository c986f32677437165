// A grow-only, 64-byte-aligned float buffer: kernels keep one per thread (thread_local) and reuse it across
// calls, so a training step does not allocate its scratch space again on every call.
#pragma once
#include <cstdlib>

namespace mbn {

struct AlignedBuf {
  float* p = nullptr;
  size_t n = 0;
  // At least `want` floats (contents unspecified; earlier contents are lost when it grows).
  float* get(size_t want) {
    if (want > n) {
      std::free(p);
      p = static_cast<float*>(std::aligned_alloc(64, ((want * sizeof(float) + 63) / 64) * 64));
      n = want;
    }
    return p;
  }
  AlignedBuf() = default;
  AlignedBuf(const AlignedBuf&) = delete;
  AlignedBuf& operator=(const AlignedBuf&) = delete;
  ~AlignedBuf() { std::free(p); }
};

}  // namespace mbn
