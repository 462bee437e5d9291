// Covers the registry-discipline parts of validators/validator_set and verification_cache: failures
// are reused for a shorter time than successes (a deny for error_ttl, a back-end failure for
// backend_error_ttl), no cache answers past VerifiedImage::valid_until, and staleIfError answers
// with an earlier success only when the back-end failed (never after a deny, never for other
// errors, never past the window or the signed data's expiry, never for a tag that moved).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "tests/testing/status_matchers.h"
#include "validators/last_verified_store.h"
#include "validators/validator_set.h"

namespace connaisseur::validators {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;

constexpr char kDigestA[] =
    "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr char kDigestB[] =
    "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

VerifiedImage Verified(std::string digest,
                       std::optional<std::chrono::system_clock::time_point> valid_until = {}) {
  VerifiedImage v;
  v.digest = std::move(digest);
  v.detail = "1/1 trust roots";
  v.valid_until = valid_until;
  return v;
}

// A validator whose answer the test changes between calls, like a back-end that goes away or
// starts to deny. With `pin` set it resolves tags like a registry (cosign-shaped); `pin` may
// also be set to fail.
class ScriptedValidator final : public Validator {
 public:
  config::ValidatorType type() const override { return config::ValidatorType::kCosign; }
  StatusOr<VerifiedImage> Verify(const image::ImageReference&, const config::RuleOptions&,
                                 Deadline deadline) const override {
    std::lock_guard lock(mu_);
    ++calls_;
    time_given_ = deadline.remaining();
    return outcome_;
  }
  StatusOr<std::optional<std::string>> PinDigest(const image::ImageReference&,
                                                 Deadline) const override {
    std::lock_guard lock(mu_);
    if (!pin_) return std::optional<std::string>();
    if (!pin_->ok()) return pin_->status();
    return std::optional<std::string>(**pin_);
  }
  void Answer(StatusOr<VerifiedImage> outcome) {
    std::lock_guard lock(mu_);
    outcome_ = std::move(outcome);
  }
  void Pin(StatusOr<std::string> digest) {
    std::lock_guard lock(mu_);
    pin_ = std::move(digest);
  }
  int calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  // What was left of the deadline the last Verify was given.
  std::chrono::milliseconds time_given() const {
    std::lock_guard lock(mu_);
    return time_given_;
  }

 private:
  mutable std::mutex mu_;
  StatusOr<VerifiedImage> outcome_ = Verified(kDigestA);  // guarded by mu_
  std::optional<StatusOr<std::string>> pin_;              // guarded by mu_
  mutable int calls_ = 0;                                 // guarded by mu_
  mutable std::chrono::milliseconds time_given_{0};       // guarded by mu_
};

// A set with one scripted validator "signed" and clocks the test moves: the wall clock moves
// with the steady one.
struct Fixture {
  explicit Fixture(std::optional<LastVerifiedStore::Options> stale,
                   VerificationCache::Options options = {}) {
    options.now = [this] { return now; };
    if (stale) stale->wall_now = [this] { return Wall(); };
    auto validator = std::make_unique<ScriptedValidator>();
    scripted = validator.get();
    ValidatorSet::ValidatorMap map;
    map.emplace("signed", std::move(validator));
    set = std::make_unique<ValidatorSet>(std::move(map), std::move(options), std::move(stale));
  }
  StatusOr<VerifiedImage> Verify(const std::string& raw = "reg.io/app:v1",
                                 Deadline deadline = Deadline::Infinite()) {
    auto image = image::ImageReference::Parse(raw);
    EXPECT_THAT(image, IsOk());
    config::Rule rule;
    rule.pattern = "reg.io/*";
    rule.validator = "signed";
    return set->Verify(rule, *image, deadline);
  }
  std::chrono::system_clock::time_point Wall() const {
    return wall_start + (now - VerificationCache::Clock::time_point{});
  }
  uint64_t StaleServed() const {
    auto counts = set->stale_served();
    auto it = counts.find("signed");
    return it == counts.end() ? 0 : it->second.served;
  }
  VerificationCache::Clock::time_point now{};
  const std::chrono::system_clock::time_point wall_start = std::chrono::system_clock::now();
  ScriptedValidator* scripted;
  std::unique_ptr<ValidatorSet> set;
};

LastVerifiedStore::Options Window(seconds max_staleness = seconds(3600)) {
  LastVerifiedStore::Options o;
  o.max_staleness = max_staleness;
  return o;
}

TEST(ErrorExpiryTest, ADenyIsReusedForErrorTtlAndABackendFailureBrieferThanASuccess) {
  struct Case {
    StatusOr<VerifiedImage> outcome;
    seconds reused;  // still answered from the cache just before, verified again just after
  };
  VerificationCache::Options options;  // ttl 30 s, error_ttl 10 s, backend_error_ttl 5 s
  for (const Case& c :
       {Case{Verified(kDigestA), seconds(30)},
        Case{VerificationFailedError("signature does not verify"), seconds(10)},
        Case{NotFoundError("no signatures found"), seconds(10)},
        Case{UnavailableError("GET https://reg.io/v2/: connection refused"), seconds(5)}}) {
    Fixture f(std::nullopt, options);
    f.scripted->Answer(c.outcome);
    (void)f.Verify();
    f.now += c.reused - seconds(1);
    (void)f.Verify();
    EXPECT_EQ(f.scripted->calls(), 1) << c.outcome.status().ToString();
    f.now += seconds(2);
    (void)f.Verify();
    EXPECT_EQ(f.scripted->calls(), 2) << c.outcome.status().ToString();
  }
}

TEST(ErrorExpiryTest, ErrorTtlNeverExceedsTheSuccessTtl) {
  VerificationCache::Options options;
  options.ttl = seconds(4);
  options.error_ttl = seconds(60);
  options.backend_error_ttl = seconds(60);
  Fixture f(std::nullopt, options);
  f.scripted->Answer(VerificationFailedError("signature does not verify"));
  (void)f.Verify();
  f.now += seconds(5);
  (void)f.Verify();
  EXPECT_EQ(f.scripted->calls(), 2);
}

TEST(ErrorExpiryTest, ASuccessIsNotReusedPastTheExpiryOfItsSignedData) {
  Fixture f(std::nullopt);
  f.scripted->Answer(Verified(kDigestA, std::chrono::system_clock::now() + seconds(8)));
  ASSERT_THAT(f.Verify(), IsOk());
  f.now += seconds(7);
  ASSERT_THAT(f.Verify(), IsOk());
  EXPECT_EQ(f.scripted->calls(), 1);
  f.now += seconds(2);  // past valid_until, within the 30 s TTL
  ASSERT_THAT(f.Verify(), IsOk());
  EXPECT_EQ(f.scripted->calls(), 2);
}

TEST(StaleIfErrorTest, ABackendFailureIsAnsweredWithTheEarlierSuccessAndCounted) {
  Fixture f(Window());
  ASSERT_THAT(f.Verify(), IsOk());
  f.scripted->Answer(UnavailableError("GET https://reg.io/v2/: connection refused"));
  f.now += seconds(31);  // the cached success expired
  auto stale = f.Verify();
  ASSERT_THAT(stale, IsOk());
  EXPECT_EQ(stale->digest, kDigestA);
  EXPECT_EQ(stale->cache, verification::CacheOutcome::kStale);
  ASSERT_TRUE(stale->stale.has_value());
  EXPECT_EQ(stale->stale->age, seconds(31));
  EXPECT_THAT(stale->stale->backend_error, HasSubstr("connection refused"));
  EXPECT_EQ(f.StaleServed(), 1u);
  EXPECT_EQ(f.set->stale_served().at("signed").type, "cosign");

  f.scripted->Answer(DeadlineExceededError("GET https://reg.io/v2/: Operation timed out"));
  f.now += seconds(6);  // past the back-end failure's 5 s in the cache
  auto timed_out = f.Verify();
  ASSERT_THAT(timed_out, IsOk());
  EXPECT_EQ(timed_out->cache, verification::CacheOutcome::kStale);
  EXPECT_EQ(f.StaleServed(), 2u);
}

// A back-end that hangs would take the whole request's time, and a stale answer arriving after
// the deadline is no answer: with a success kept, verifying gets 3/4 of the time left.
TEST(StaleIfErrorTest, AHangingBackendIsGivenUpOnInTimeToAnswerStale) {
  Fixture f(Window());
  ASSERT_THAT(f.Verify(), IsOk());
  f.scripted->Answer(DeadlineExceededError("GET https://reg.io/v2/: Operation timed out"));
  f.now += seconds(31);
  auto stale = f.Verify("reg.io/app:v1", Deadline::In(seconds(8)));
  ASSERT_THAT(stale, IsOk());
  EXPECT_EQ(stale->cache, verification::CacheOutcome::kStale);
  EXPECT_LE(f.scripted->time_given(), std::chrono::milliseconds(6000));
  EXPECT_GT(f.scripted->time_given(), std::chrono::milliseconds(5000));
  // Nothing kept for another image: its verification gets the whole time.
  EXPECT_THAT(f.Verify("reg.io/other:v1", Deadline::In(seconds(8))),
              StatusIs(StatusCode::kDeadlineExceeded, ::testing::_));
  EXPECT_GT(f.scripted->time_given(), std::chrono::milliseconds(7000));
}

TEST(StaleIfErrorTest, WithoutStaleIfErrorABackendFailureDenies) {
  Fixture f(std::nullopt);
  ASSERT_THAT(f.Verify(), IsOk());
  f.scripted->Answer(UnavailableError("GET https://reg.io/v2/: connection refused"));
  f.now += seconds(31);
  EXPECT_THAT(f.Verify(), StatusIs(StatusCode::kUnavailable, HasSubstr("connection refused")));
  EXPECT_EQ(f.StaleServed(), 0u);
}

TEST(StaleIfErrorTest, OnlyBackendFailuresAreBridged) {
  for (const Status& answer :
       {VerificationFailedError("signature does not verify"),
        InvalidArgumentError("targets: malformed trust data"), NotFoundError("no signatures found"),
        PermissionDeniedError("registry answered 401"), ResourceExhaustedError("body too large"),
        InternalError("bug")}) {
    Fixture f(Window());
    ASSERT_THAT(f.Verify(), IsOk());
    f.scripted->Answer(answer);
    f.now += seconds(31);
    EXPECT_THAT(f.Verify(), StatusIs(answer.code(), ::testing::_)) << answer.ToString();
    EXPECT_EQ(f.StaleServed(), 0u);
  }
}

TEST(StaleIfErrorTest, ADenyForgetsTheEarlierSuccessForGood) {
  Fixture f(Window());
  ASSERT_THAT(f.Verify(), IsOk());
  f.scripted->Answer(VerificationFailedError("signature does not verify"));
  f.now += seconds(31);
  EXPECT_THAT(f.Verify(), StatusIs(StatusCode::kVerificationFailed, ::testing::_));
  // The back-end then goes away: the success from before the deny must not come back.
  f.scripted->Answer(UnavailableError("connection refused"));
  f.now += seconds(11);
  EXPECT_THAT(f.Verify(), StatusIs(StatusCode::kUnavailable, ::testing::_));
  EXPECT_EQ(f.StaleServed(), 0u);
}

TEST(StaleIfErrorTest, NeverPastTheWindowNorTheExpiryOfTheSignedData) {
  {
    Fixture f(Window(seconds(60)));
    ASSERT_THAT(f.Verify(), IsOk());
    f.scripted->Answer(UnavailableError("connection refused"));
    f.now += seconds(59);
    EXPECT_THAT(f.Verify(), IsOk());
    f.now += seconds(6);  // 65 s after the verification; the cached failure expired too
    EXPECT_THAT(f.Verify(), StatusIs(StatusCode::kUnavailable, ::testing::_))
        << "past staleMaxSeconds";
  }
  {
    Fixture f(Window(seconds(3600)));
    f.scripted->Answer(Verified(kDigestA, f.Wall() + seconds(45)));
    ASSERT_THAT(f.Verify(), IsOk());
    f.scripted->Answer(UnavailableError("connection refused"));
    f.now += seconds(44);
    EXPECT_THAT(f.Verify(), IsOk());
    f.now += seconds(6);  // the timestamp (say) expired 5 s ago
    EXPECT_THAT(f.Verify(), StatusIs(StatusCode::kUnavailable, ::testing::_)) << "past valid_until";
    EXPECT_EQ(f.StaleServed(), 1u);
  }
}

TEST(StaleIfErrorTest, ATagTheRegistryMovedIsNotAnsweredWithTheOldDigest) {
  Fixture f(Window());
  f.scripted->Pin(std::string(kDigestA));
  ASSERT_THAT(f.Verify(), IsOk());
  f.now += seconds(31);
  // The registry answers the tag with another digest, then fails to serve its signatures.
  f.scripted->Pin(std::string(kDigestB));
  f.scripted->Answer(UnavailableError("GET signatures: 503"));
  EXPECT_THAT(f.Verify(), StatusIs(StatusCode::kUnavailable, ::testing::_));
  // The registry cannot even resolve the tag: the digest verified before is answered.
  f.now += seconds(6);
  f.scripted->Pin(UnavailableError("GET manifest: connection refused"));
  auto stale = f.Verify();
  ASSERT_THAT(stale, IsOk());
  EXPECT_EQ(stale->digest, kDigestA);
  EXPECT_EQ(stale->cache, verification::CacheOutcome::kStale);
}

TEST(LastVerifiedStoreTest, BoundsItsEntriesDroppingThoseOutOfTheirWindowFirst) {
  VerificationCache::Clock::time_point now{};
  LastVerifiedStore::Options o;
  o.max_entries = 2;
  o.max_staleness = seconds(10);
  o.now = [&] { return now; };
  LastVerifiedStore store(o);
  store.Remember("old", Verified(kDigestA));
  now += seconds(11);
  store.Remember("a", Verified(kDigestA));
  store.Remember("b", Verified(kDigestB));
  EXPECT_EQ(store.size(), 2u);
  EXPECT_FALSE(store.Find("old").has_value());
  ASSERT_TRUE(store.Find("b").has_value());
  EXPECT_EQ(store.Find("b")->image.digest, kDigestB);
  store.Remember("c", Verified(kDigestA));
  EXPECT_EQ(store.size(), 2u);
  store.Forget("c");
  EXPECT_FALSE(store.Find("c").has_value());
}

TEST(LastVerifiedStoreTest, KeepsNothingWhoseSignedDataAlreadyExpired) {
  LastVerifiedStore store(LastVerifiedStore::Options{});
  store.Remember("k", Verified(kDigestA, std::chrono::system_clock::now() - seconds(1)));
  EXPECT_FALSE(store.Find("k").has_value());
  EXPECT_EQ(store.size(), 0u);
}

}  // namespace
}  // namespace connaisseur::validators
