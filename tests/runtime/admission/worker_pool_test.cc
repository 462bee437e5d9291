// WorkerPool: every index runs exactly once; an exception in a task, on a pool thread or on the
// caller's, neither ends the process nor lets ForEach return while a helper still runs the task.
// No timing assertions: the tasks wait for one another through flags (a generous bound only
// keeps a broken pool from hanging the test).
#include "runtime/admission/worker_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <new>
#include <stdexcept>
#include <thread>
#include <vector>

namespace connaisseur::admission {
namespace {

constexpr auto kLongEnough = std::chrono::seconds(30);

// A flag one thread raises and others wait for, up to kLongEnough.
class Signal {
 public:
  void Raise() {
    {
      std::lock_guard lock(mu_);
      raised_ = true;
    }
    cv_.notify_all();
  }
  bool Wait() { return WaitFor(kLongEnough); }
  bool WaitFor(std::chrono::milliseconds most) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, most, [this] { return raised_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool raised_ = false;
};

TEST(WorkerPoolTest, RunsEveryIndexExactlyOnce) {
  struct Case {
    size_t workers, n, max_parallel;
  } cases[] = {{4, 0, 4}, {4, 1, 4}, {4, 7, 0}, {4, 7, 1}, {3, 100, 8}, {0, 5, 8}, {8, 3, 100}};
  for (const Case& c : cases) {
    WorkerPool pool(c.workers);
    for (int round = 0; round < 50; ++round) {  // leftover helper jobs meet later batches
      std::mutex mu;
      std::vector<int> runs(c.n, 0);
      pool.ForEach(c.n, c.max_parallel, [&](size_t i) {
        std::lock_guard lock(mu);
        ++runs.at(i);
      });
      ASSERT_EQ(std::count(runs.begin(), runs.end(), 1), static_cast<long>(c.n))
          << c.n << " on " << c.workers << " workers, bound " << c.max_parallel << ", round "
          << round;
    }
  }
}

TEST(WorkerPoolTest, ATaskThatThrowsReachesTheCallerAfterEveryIndexRan) {
  // bad_alloc in a verification running on a pool thread used to end the process
  // (std::terminate); it must reach the request's own thread, whose handler answers it.
  WorkerPool pool(4);
  for (int round = 0; round < 20; ++round) {
    std::mutex mu;
    std::vector<int> runs(16, 0);
    bool thrown = false;
    try {
      pool.ForEach(16, 8, [&](size_t i) {
        {
          std::lock_guard lock(mu);
          ++runs.at(i);
        }
        if (i % 5 == 3) throw std::bad_alloc();
      });
    } catch (const std::bad_alloc&) {
      thrown = true;
    }
    EXPECT_TRUE(thrown) << "round " << round;
    EXPECT_EQ(std::count(runs.begin(), runs.end(), 1), 16) << "round " << round;
  }
}

// Only pool threads throw here, so the exception surely crosses from a worker to the caller.
TEST(WorkerPoolTest, AJobThatThrowsOnAPoolThreadDoesNotEndTheProcess) {
  WorkerPool pool(2);
  const std::thread::id caller = std::this_thread::get_id();
  Signal helper_ran;
  std::atomic<int> helper_runs{0};
  EXPECT_THROW(pool.ForEach(6, 3,
                            [&](size_t) {
                              if (std::this_thread::get_id() == caller) {
                                helper_ran.Wait();  // leave the other indices to the pool
                                return;
                              }
                              ++helper_runs;
                              helper_ran.Raise();
                              throw std::runtime_error("thrown on a pool thread");
                            }),
               std::runtime_error);
  EXPECT_GT(helper_runs.load(), 0);

  // The workers survived it: the next batch runs on them.
  std::atomic<int> runs{0};
  pool.ForEach(20, 3, [&](size_t) { ++runs; });
  EXPECT_EQ(runs.load(), 20);
}

// The caller's own index throws while a helper is still inside the task: the exception may leave
// ForEach only after the helper is done, because the task (and what it captured) lives on the
// caller's stack and is gone once the exception unwinds it. The helper stays in the task until
// the caller's handler runs or kWindow passes: a correct pool holds the exception for the whole
// window, a broken one lets the handler run inside it. The outcome of a correct pool does not
// depend on timing.
TEST(WorkerPoolTest, ACallerWhoseTaskThrowsWaitsForTheHelpersBeforeTheExceptionLeaves) {
  constexpr auto kWindow = std::chrono::milliseconds(200);
  WorkerPool pool(3);
  const std::thread::id caller = std::this_thread::get_id();
  Signal helper_started, caller_left;
  std::atomic<int> helpers_in_task{0};
  std::atomic<int> helper_runs{0};
  std::atomic<int> ran_after_caller_left{0};
  bool caught = false;
  try {
    pool.ForEach(4, 4, [&](size_t) {
      if (std::this_thread::get_id() == caller) {
        helper_started.Wait();
        throw std::runtime_error("thrown on the caller's thread");
      }
      ++helpers_in_task;
      ++helper_runs;
      helper_started.Raise();
      if (caller_left.WaitFor(kWindow)) ++ran_after_caller_left;
      --helpers_in_task;
    });
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(helpers_in_task.load(), 0) << "a helper still runs the task: " << e.what();
    caught = true;
    caller_left.Raise();
  }
  EXPECT_TRUE(caught);
  EXPECT_GT(helper_runs.load(), 0);
  EXPECT_EQ(ran_after_caller_left.load(), 0);
}

// Workers start when a batch first finds none idle, never more than the maximum: a webhook
// whose validators never wait on a back-end starts none.
TEST(WorkerPoolTest, StartsWorkersOnlyWhenABatchNeedsThem) {
  WorkerPool pool(4);
  EXPECT_EQ(pool.started(), 0u);
  std::atomic<int> ran{0};
  pool.ForEach(1, 8, [&](size_t) { ++ran; });  // one index: the caller alone
  EXPECT_EQ(pool.started(), 0u);
  pool.ForEach(3, 8, [&](size_t) { ++ran; });  // two helpers queued, none idle
  EXPECT_EQ(pool.started(), 2u);
  for (int i = 0; i < 20; ++i) pool.ForEach(10, 10, [&](size_t) { ++ran; });
  EXPECT_LE(pool.started(), 4u);
  EXPECT_EQ(ran.load(), 1 + 3 + 20 * 10);
}

}  // namespace
}  // namespace connaisseur::admission
