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
  // Up to `threads` workers, started when a ForEach first finds none idle (fewer when the system
  // refuses one): a webhook whose validators never wait on a back-end starts none, and start-up
  // does not wait for them (BENCHMARKS.md "Webhook").
  explicit WorkerPool(size_t threads) : max_threads_(threads) {}
  ~WorkerPool();  // stops the workers after their current job and joins them
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs task(0..n-1), each index once, on the calling thread and at most `max_parallel - 1`
  // workers; returns when every index ran. Indices are handed out in increasing order. If a task
  // throws (std::bad_alloc), the other indices still run, and the first exception is rethrown
  // here, on the caller's thread, after all of them.
  void ForEach(size_t n, size_t max_parallel, const std::function<void(size_t)>& task);

  // The most workers it may start.
  size_t threads() const { return max_threads_; }
  // The workers started so far.
  size_t started() const;

 private:
  void Work();
  // Starts workers until every queued job has an idle one or the maximum is reached.
  void StartWorkersLocked();

  const size_t max_threads_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;  // guarded by mu_
  bool stopping_ = false;                   // guarded by mu_
  size_t idle_ = 0;                         // workers waiting for a job; guarded by mu_
  std::vector<std::thread> threads_;        // guarded by mu_
};

}  // namespace connaisseur::admission
