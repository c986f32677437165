#include "pool.h"

#include <chrono>
#include <cstdlib>

#include "isa.h"
#if MBN_X86
#include <immintrin.h>
#endif

namespace mbn {

// True on a pool worker (and on the caller while it runs tasks): a nested parallel_for runs serially there,
// so a kernel may call another parallel kernel without deadlocking the pool.
static thread_local bool in_pool = false;

bool in_parallel_region() { return in_pool; }

#if MBN_X86
static const unsigned kFtzDaz = 0x8040;  // MXCSR flush-to-zero (bit 15) | denormals-are-zero (bit 6)
DenormalsOff::DenormalsOff() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | kFtzDaz); }
DenormalsOff::~DenormalsOff() { _mm_setcsr(saved_); }
#else
DenormalsOff::DenormalsOff() : saved_(0) {}
DenormalsOff::~DenormalsOff() {}
#endif

// How long a worker (or the waiting caller) polls before it sleeps on the condition variable
// (MBENCH_NATIVE_SPIN_US overrides, for tuning).
static const double kSpinMicros = [] {
  const char* v = std::getenv("MBENCH_NATIVE_SPIN_US");
  double x = v ? std::atof(v) : 0.0;
  return x > 0 ? x : 50.0;
}();

static inline void cpu_relax() {
#if MBN_X86
  _mm_pause();
#endif
}

// Polls `ready` for up to kSpinMicros; true when it became true meanwhile.
template <class F>
static bool spin_until(F ready) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0;; ++i) {
    if (ready()) return true;
    cpu_relax();
    if ((i & 63) == 63 &&
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() > kSpinMicros)
      return false;
  }
}

Pool::Pool(int threads) : threads_(threads < 1 ? 1 : threads) {
  for (int i = 1; i < threads_; ++i) workers_.emplace_back([this] { worker_loop(); });
}

Pool::~Pool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true);
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void Pool::run_tasks() {
  for (;;) {
    long t = next_.fetch_add(1, std::memory_order_relaxed);
    if (t >= tasks_) break;
    (*fn_)(t);
  }
}

void Pool::worker_loop() {
  in_pool = true;
  DenormalsOff ftz;  // for the worker's whole life
  long seen = 0;
  for (;;) {
    auto fresh = [&] { return stop_.load(std::memory_order_acquire) || generation_.load(std::memory_order_acquire) != seen; };
    if (!spin_until(fresh)) {
      std::unique_lock<std::mutex> lock(mu_);
      sleepers_.fetch_add(1);
      wake_.wait(lock, fresh);
      sleepers_.fetch_sub(1);
    }
    if (stop_.load()) return;
    seen = generation_.load(std::memory_order_acquire);
    run_tasks();
    if (active_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // The caller may be asleep on done_: take the lock so the notify cannot fall between its check and wait.
      std::lock_guard<std::mutex> lock(mu_);
      done_.notify_one();
    }
  }
}

void Pool::parallel_for(long tasks, const std::function<void(long)>& fn) {
  if (tasks <= 0) return;
  if (tasks == 1 || threads_ == 1 || in_pool) {
    for (long t = 0; t < tasks; ++t) fn(t);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    fn_ = &fn;
    tasks_ = tasks;
    next_.store(0);
    active_.store(threads_ - 1);
    generation_.fetch_add(1, std::memory_order_release);
  }
  if (sleepers_.load() > 0) wake_.notify_all();
  in_pool = true;
  run_tasks();
  in_pool = false;
  auto finished = [&] { return active_.load(std::memory_order_acquire) == 0; };
  if (!spin_until(finished)) {
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, finished);
  }
  fn_ = nullptr;
}

Pool& pool() {
  static Pool* p = [] {
    int n = static_cast<int>(std::thread::hardware_concurrency());
    if (const char* env = std::getenv("MBENCH_NATIVE_THREADS")) {
      int v = std::atoi(env);
      if (v > 0) n = v;
    }
    return new Pool(n < 1 ? 1 : n);
  }();
  return *p;
}

void parallel_range(long n, long grain, const std::function<void(long, long)>& fn) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  long max_chunks = static_cast<long>(pool().threads()) * 4;
  long chunks = n / grain;
  if (chunks > max_chunks) chunks = max_chunks;
  if (chunks <= 1) {
    fn(0, n);
    return;
  }
  long per = (n + chunks - 1) / chunks;
  pool().parallel_for(chunks, [&](long c) {
    long b = c * per, e = b + per < n ? b + per : n;
    if (b < e) fn(b, e);
  });
}

}  // namespace mbn
