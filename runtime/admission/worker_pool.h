// WorkerPool: long-lived threads that help requests run their validator calls concurrently
// (docs/operations.md). The validators wait on the network, so a Pod with N images on slow
// back-ends should take about the slowest call, not the sum; starting threads per request instead
// would cost more than a whole cached verification (measured: 4 cache hits 7 µs sequential, 267 µs
// with 3 fresh threads).
//
// The caller always works through its own indices too, so a request never waits for a pool
// thread: when every worker is busy with other requests, it simply runs sequentially. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace connaisseur::admission {

class WorkerPool {
 public:
  // Starts up to `threads` workers (fewer when the system refuses one).
  explicit WorkerPool(size_t threads);
  ~WorkerPool();  // stops the workers after their current job and joins them
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs task(0..n-1), each index once, on the calling thread and at most `max_parallel - 1`
  // workers; returns when every index ran. Indices are handed out in increasing order. If a task
  // throws (std::bad_alloc), the other indices still run, and the first exception is rethrown
  // here, on the caller's thread, after all of them.
  void ForEach(size_t n, size_t max_parallel, const std::function<void(size_t)>& task);

  size_t threads() const { return threads_.size(); }

 private:
  void Work();

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;  // guarded by mu_
  bool stopping_ = false;                   // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace connaisseur::admission
