// OriginSlots: per-origin and total caps on requests in flight, waits bounded by the deadline,
// and (through HttpClient) at most per_origin requests at once reaching one slow server.
#include "runtime/net/origin_slots.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "runtime/net/http_client.h"
#include "tests/runtime/net/test_https_server.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::net {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

TEST(OriginSlotsTest, CapsEachOriginAndTheTotalAndWaitsUntilTheDeadline) {
  OriginSlots slots({.per_origin = 2, .total = 3});
  auto a1 = slots.Acquire("https://a", Deadline::In(milliseconds(50)));
  auto a2 = slots.Acquire("https://a", Deadline::In(milliseconds(50)));
  ASSERT_THAT(a1, IsOk());
  ASSERT_THAT(a2, IsOk());
  EXPECT_THAT(slots.Acquire("https://a", Deadline::In(milliseconds(50))),
              StatusIs(StatusCode::kDeadlineExceeded,
                       HasSubstr("no free connection slot to https://a before the deadline (2 "
                                 "requests in flight there, 2 in all")));
  auto b1 = slots.Acquire("https://b", Deadline::In(milliseconds(50)));  // another origin: free
  ASSERT_THAT(b1, IsOk());
  EXPECT_THAT(slots.Acquire("https://c", Deadline::In(milliseconds(50))),  // the total is full
              StatusIs(StatusCode::kDeadlineExceeded, HasSubstr("3 in all")));
  EXPECT_EQ(slots.in_flight("https://a"), 2u);
  EXPECT_EQ(slots.in_flight(), 3u);
}

TEST(OriginSlotsTest, AWaiterGetsTheSlotThatIsGivenBack) {
  OriginSlots slots({.per_origin = 1, .total = 8});
  std::optional<OriginSlots::Slot> held;
  {
    auto first = slots.Acquire("https://a", Deadline::In(milliseconds(1000)));
    ASSERT_THAT(first, IsOk());
    held.emplace(std::move(first).value());
  }
  auto waiter = std::async(std::launch::async, [&] {
    return slots.Acquire("https://a", Deadline::In(milliseconds(5000))).ok();
  });
  EXPECT_EQ(waiter.wait_for(milliseconds(100)), std::future_status::timeout);
  held.reset();  // gives the slot back
  EXPECT_TRUE(waiter.get());
  EXPECT_EQ(slots.in_flight(), 0u);
}

TEST(OriginSlotsTest, HttpClientSendsAtMostPerOriginRequestsAtOnceToOneServer) {
  std::atomic<int> now{0}, most{0};
  auto server = testing::TestHttpsServer::Start("", "", [&](const testing::TestRequest&) {
    const int n = ++now;
    for (int m = most.load(); n > m && !most.compare_exchange_weak(m, n);) {
    }
    std::this_thread::sleep_for(milliseconds(100));
    --now;
    return testing::TestResponse{200, {}, "ok"};
  });
  ASSERT_THAT(server, IsOk());
  TlsOptions tls;
  tls.allow_plain_http = true;
  auto client = HttpClient::Create(tls);
  ASSERT_THAT(client, IsOk());
  const size_t cap = OriginSlots::Process().limits().per_origin;
  std::vector<std::jthread> callers;
  std::atomic<int> ok{0};
  for (size_t i = 0; i < cap + 8; ++i) {
    callers.emplace_back([&] {
      HttpRequest r;
      r.url = (*server)->url() + "/x";
      r.deadline = Deadline::In(milliseconds(10000));
      if ((*client)->Send(r).ok()) ++ok;
    });
  }
  callers.clear();  // joins
  EXPECT_EQ(ok.load(), static_cast<int>(cap + 8));
  EXPECT_EQ(most.load(), static_cast<int>(cap));
}

}  // namespace
}  // namespace connaisseur::net
