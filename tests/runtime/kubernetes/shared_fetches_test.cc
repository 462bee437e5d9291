// SharedFetches: a value is reused within its TTL (fake clock) and fetched again after it;
// failures are not kept; a caller arriving while a fetch runs waits for it instead of fetching
// (shown without timing: its deadline has passed, so it gives up waiting rather than fetching).
#include "runtime/kubernetes/shared_fetches.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "tests/testing/status_matchers.h"

namespace connaisseur::kubernetes {
namespace {

using ::testing::HasSubstr;

// The value, or -1 for an error.
int Got(StatusOr<int> v) { return v.ok() ? *v : -1; }

class SharedFetchesTest : public ::testing::Test {
 protected:
  SharedFetches<int> fetches_{std::chrono::seconds(30), [this] { return now_; }};
  Deadline::Clock::time_point now_ = Deadline::Clock::now();
  int calls_ = 0;
  SharedFetches<int>::Fetch Counting(int value) {
    return [this, value]() -> StatusOr<int> {
      ++calls_;
      return value;
    };
  }
};

TEST_F(SharedFetchesTest, AValueIsReusedWithinTheTtlAndFetchedAgainAfterIt) {
  EXPECT_EQ(Got(fetches_.Get("k", Deadline::Infinite(), Counting(1))), 1);
  now_ += std::chrono::seconds(29);
  EXPECT_EQ(Got(fetches_.Get("k", Deadline::Infinite(), Counting(2))), 1);
  EXPECT_EQ(Got(fetches_.Get("other", Deadline::Infinite(), Counting(3))), 3);
  now_ += std::chrono::seconds(1);
  EXPECT_EQ(Got(fetches_.Get("k", Deadline::Infinite(), Counting(4))), 4);
  EXPECT_EQ(calls_, 3);
}

TEST_F(SharedFetchesTest, FailuresReachTheCallerButAreNotKept) {
  auto failing = [this]() -> StatusOr<int> {
    ++calls_;
    return UnavailableError("down");
  };
  EXPECT_THAT(fetches_.Get("k", Deadline::Infinite(), failing),
              StatusIs(StatusCode::kUnavailable, HasSubstr("down")));
  EXPECT_EQ(Got(fetches_.Get("k", Deadline::Infinite(), Counting(7))), 7);
  EXPECT_EQ(calls_, 2);
}

TEST_F(SharedFetchesTest, ACallerArrivingDuringAFetchWaitsForItInsteadOfFetching) {
  std::promise<void> entered, release;
  std::future<void> released = release.get_future();
  std::thread first([&] {
    auto v = fetches_.Get("k", Deadline::Infinite(), [&]() -> StatusOr<int> {
      ++calls_;
      entered.set_value();
      released.wait();
      return 1;
    });
    EXPECT_EQ(Got(std::move(v)), 1);
  });
  entered.get_future().wait();
  // The fetch of "k" runs: a second caller joins it; with its deadline gone it stops waiting.
  EXPECT_THAT(fetches_.Get("k", Deadline::In(std::chrono::seconds(0)), Counting(2)),
              StatusIs(StatusCode::kDeadlineExceeded, HasSubstr("waiting")));
  release.set_value();
  first.join();
  EXPECT_EQ(Got(fetches_.Get("k", Deadline::Infinite(), Counting(3))), 1);
  EXPECT_EQ(calls_, 1);
}

}  // namespace
}  // namespace connaisseur::kubernetes
