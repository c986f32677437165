// A small persistent thread pool: parallel_for(tasks, fn) runs fn(task) for task in [0, tasks) on the caller
// plus (threads - 1) workers and returns when all are done. Tasks are handed out by an atomic counter, so
// uneven tasks balance themselves. Between calls a worker first polls for the next one for a short while
// (kSpinMicros: a training step issues parallel calls back to back, and a worker that is still polling starts
// the next one without a trip through the kernel), then sleeps on a condition variable, so an idle process
// burns no CPU on a shared machine. The caller waits for the last task the same way.
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mbn {

class Pool {
 public:
  explicit Pool(int threads);
  ~Pool();
  int threads() const { return threads_; }
  void parallel_for(long tasks, const std::function<void(long)>& fn);

 private:
  void worker_loop();
  void run_tasks();
  int threads_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::atomic<long> generation_{0};
  std::atomic<bool> stop_{false};
  const std::function<void(long)>* fn_ = nullptr;
  long tasks_ = 0;
  std::atomic<long> next_{0};
  std::atomic<int> active_{0};
  std::atomic<int> sleepers_{0};
};

// The process-wide pool (threads from MBENCH_NATIVE_THREADS, else the hardware concurrency).
Pool& pool();

// Flushes float denormals to zero (MXCSR FTZ + DAZ) while alive and restores the caller's mode after. Gradients
// of padded positions decay into denormals, which x86 computes ~100× slower (a padded training step ran 30× slower).
// Worker threads keep the mode permanently; each addon call takes one of these on the calling (JS) thread.
class DenormalsOff {
 public:
  DenormalsOff();
  ~DenormalsOff();

 private:
  unsigned saved_;
};

// True inside a parallel_for task (nested parallel calls then run serially).
bool in_parallel_region();

// Runs fn(begin, end) over [0, n) split into at most `pool().threads() * 4` chunks of at least `grain` items.
void parallel_range(long n, long grain, const std::function<void(long, long)>& fn);

}  // namespace mbn
