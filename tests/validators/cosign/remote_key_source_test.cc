// RemoteKeySource: a KMS-held key fetched on first use, kept while fresh, refreshed in the
// background, shared by concurrent callers, and denied with the source's name and failure when
// it cannot be had. The fetch here is a function the test scripts; the KMS path is in
// kms_trust_root_test.cc.
#include "validators/cosign/remote_key_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "runtime/crypto/private_key.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::cosign {
namespace {

using ::testing::HasSubstr;
using Clock = RemoteKeySource::Clock;

std::string NewSpki() {
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  EXPECT_THAT(key, IsOk());
  auto pub = key->Public();
  EXPECT_THAT(pub, IsOk());
  return pub->spki_der();
}

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

// A fetch answering `answer` (guarded by `mu`) and counting calls.
struct ScriptedKms {
  std::mutex mu;
  StatusOr<std::string> answer = NewSpki();
  std::atomic<int> calls{0};
  RemoteKeySource::Fetcher Fetcher() {
    return [this](Deadline) -> StatusOr<std::string> {
      ++calls;
      std::lock_guard<std::mutex> lock(mu);
      return answer;
    };
  }
  void Answer(StatusOr<std::string> a) {
    std::lock_guard<std::mutex> lock(mu);
    answer = std::move(a);
  }
};

class RemoteKeySourceTest : public ::testing::Test {
 protected:
  // A source on the test's clock whose refresher never fires during a test.
  std::unique_ptr<RemoteKeySource> Source() {
    RemoteKeySource::Options options;
    options.refresh_interval = std::chrono::hours(1);
    options.now = [this] { return now_; };
    return std::make_unique<RemoteKeySource>("AWS KMS key awskms:///alias/test", kms_.Fetcher(),
                                             options);
  }

  ScriptedKms kms_;
  Clock::time_point now_ = Clock::now();
};

TEST_F(RemoteKeySourceTest, FetchesNothingUntilTheKeyIsNeeded) {
  auto source = Source();
  EXPECT_EQ(kms_.calls.load(), 0);
  EXPECT_TRUE(source->remote());
}

TEST_F(RemoteKeySourceTest, FetchesOnFirstUseAndCachesWhileFresh) {
  auto source = Source();
  auto first = source->Key(Soon());
  ASSERT_THAT(first, IsOk());
  now_ += std::chrono::minutes(14);
  auto again = source->Key(Soon());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->get(), first->get());
  EXPECT_EQ(kms_.calls.load(), 1);
}

TEST_F(RemoteKeySourceTest, KeepsTheKeyThroughAShortOutageAndDeniesOnceItIsTooOld) {
  auto source = Source();
  ASSERT_THAT(source->Key(Soon()), IsOk());
  kms_.Answer(UnavailableError("KMS GetPublicKey at https://kms: connection refused"));
  now_ += std::chrono::minutes(5);
  EXPECT_THAT(source->Refresh(Soon()), StatusIs(StatusCode::kUnavailable, HasSubstr("refused")));
  EXPECT_THAT(source->Key(Soon()), IsOk()) << "10 minutes of freshness left";
  now_ += std::chrono::minutes(11);
  auto stale = source->Key(Soon());
  EXPECT_THAT(stale, StatusIs(StatusCode::kUnavailable,
                              HasSubstr("AWS KMS key awskms:///alias/test: KMS GetPublicKey at "
                                        "https://kms: connection refused")));
  EXPECT_THAT(source->CheckReachable(Soon()),
              StatusIs(StatusCode::kUnavailable, HasSubstr("refused")));
}

TEST_F(RemoteKeySourceTest, FailureIsRememberedBrieflyThenRetried) {
  kms_.Answer(PermissionDeniedError("HTTP 400 UnrecognizedClientException"));
  auto source = Source();
  EXPECT_THAT(source->Key(Soon()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("Unrecognized")));
  EXPECT_THAT(source->Key(Soon()), StatusIs(StatusCode::kPermissionDenied, ::testing::_));
  EXPECT_EQ(kms_.calls.load(), 1) << "within retry_after the failure is reused";
  kms_.Answer(NewSpki());
  now_ += std::chrono::seconds(6);
  EXPECT_THAT(source->Key(Soon()), IsOk());
  EXPECT_EQ(kms_.calls.load(), 2);
}

TEST_F(RemoteKeySourceTest, KeyThatIsNotAPublicKeyIsDenied) {
  kms_.Answer(std::string("not DER"));
  auto source = Source();
  EXPECT_THAT(source->Key(Soon()), StatusIs(StatusCode::kInvalidArgument,
                                            HasSubstr("AWS KMS key awskms:///alias/test")));
}

TEST_F(RemoteKeySourceTest, ConcurrentCallersShareOneFetch) {
  std::mutex gate;
  std::unique_lock<std::mutex> closed(gate);
  std::atomic<int> calls{0};
  const std::string spki = NewSpki();
  RemoteKeySource source("k",
                         [&](Deadline) -> StatusOr<std::string> {
                           ++calls;
                           std::lock_guard<std::mutex> wait(gate);  // until the test opens the gate
                           return spki;
                         },
                         {});
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    callers.emplace_back([&] { ok += source.Key(Soon()).ok() ? 1 : 0; });
  }
  while (calls.load() == 0) std::this_thread::yield();
  closed.unlock();
  for (auto& t : callers) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(RemoteKeySourceTest, BackgroundRefreshFollowsAKeyThatChanged) {
  RemoteKeySource::Options options;
  options.refresh_interval = std::chrono::milliseconds(10);
  RemoteKeySource source("k", kms_.Fetcher(), options);
  auto first = source.Key(Soon());
  ASSERT_THAT(first, IsOk());
  const std::string next = NewSpki();
  kms_.Answer(next);  // the alias now points at another key
  const Deadline give_up = Deadline::In(std::chrono::seconds(20));
  while (!give_up.expired()) {
    auto key = source.Key(Soon());
    ASSERT_THAT(key, IsOk());
    if ((*key)->spki_der() == next) break;
    std::this_thread::yield();
  }
  auto key = source.Key(Soon());
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ((*key)->spki_der(), next) << "the refresher never fetched the new key";
  EXPECT_GE(source.fetches(), 2u);
}

}  // namespace
}  // namespace connaisseur::cosign
