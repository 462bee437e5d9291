#include "runtime/admission/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <new>
#include <system_error>

namespace connaisseur::admission {
namespace {

// One ForEach call. Shared with helper jobs, which may run after the call returned: a late
// helper only reads `next` and leaves; `task` (on the caller's stack) is touched only for a
// claimed index, and the caller waits until every claimed index is done. An exception from a
// task (std::bad_alloc) is kept, never left to end a pool thread (std::terminate), and rethrown
// on the caller's thread once every index is done, so the request's own handler answers it.
struct Batch {
  Batch(size_t n, const std::function<void(size_t)>* task) : n(n), task(task) {}

  void Drain() noexcept {
    size_t ran = 0;
    for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
      try {
        (*task)(i);
      } catch (...) {
        std::lock_guard lock(mu);
        if (!error) error = std::current_exception();
      }
      ++ran;
    }
    if (ran == 0) return;
    std::lock_guard lock(mu);
    done += ran;
    if (done == n) finished.notify_all();
  }

  // Returns once every index ran; rethrows the first task's exception, if any.
  void Wait() {
    std::unique_lock lock(mu);
    finished.wait(lock, [this] { return done == n; });
    if (error) std::rethrow_exception(error);
  }

  const size_t n;
  const std::function<void(size_t)>* const task;
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::condition_variable finished;
  size_t done = 0;           // guarded by mu
  std::exception_ptr error;  // guarded by mu
};

}  // namespace

void WorkerPool::StartWorkersLocked() {
  while (threads_.size() < max_threads_ && idle_ < jobs_.size()) {
    // std::thread's constructor throws on thread exhaustion, and it or the vector's growth on
    // memory exhaustion; fewer workers only means less parallelism (the caller drains its own
    // batch, and a job left queued finds it done), so neither is an error nor may leave here.
    try {
      threads_.emplace_back([this] { Work(); });
    } catch (const std::system_error&) {
      return;
    } catch (const std::bad_alloc&) {
      return;
    }
    ++idle_;  // counted now, so the next queued job starts another one
  }
}

size_t WorkerPool::started() const {
  std::lock_guard lock(mu_);
  return threads_.size();
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();  // no ForEach runs any more: threads_ is stable
}

void WorkerPool::Work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      --idle_;
    }
    job();  // Batch::Drain, which contains its tasks' exceptions
    std::lock_guard lock(mu_);
    ++idle_;
  }
}

void WorkerPool::ForEach(size_t n, size_t max_parallel, const std::function<void(size_t)>& task) {
  if (n == 0) return;
  auto batch = std::make_shared<Batch>(n, &task);
  const size_t helpers = std::min({n - 1, max_parallel > 0 ? max_parallel - 1 : 0, threads()});
  size_t queued = 0;
  {
    std::lock_guard lock(mu_);
    try {
      for (; queued < helpers; ++queued) jobs_.emplace_back([batch] { batch->Drain(); });
    } catch (const std::bad_alloc&) {
      // Fewer helpers: this thread works through the rest, and Wait covers the queued ones.
    }
    StartWorkersLocked();
  }
  for (size_t i = 0; i < queued; ++i) wake_.notify_one();
  batch->Drain();
  batch->Wait();
}

}  // namespace connaisseur::admission
