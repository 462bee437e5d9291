// Covers validators/shared_verification_cache behind ValidatorSet, against the real redis-server
// on loopback: two sets (two replicas) verify an image once between them, failures are not
// shared, entries not sealed with the replicas' entry key are ignored, poisoned entries (wrong
// digest, validator, options, expiry, shape) are ignored, verified again and overwritten, entries
// never outlive the TTL or the validator's own expiry, a replica waits for another's verification
// in flight (until its claim expires), and a Redis that is down or refuses the password degrades to
// verifying.
#include "validators/shared_verification_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/runtime/redis/redis_server_process.h"
#include "tests/testing/status_matchers.h"
#include "validators/validator_set.h"

namespace connaisseur::validators {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::RedisServerProcess;

const std::string kEntryKey = "entry-key-of-the-test-replicas-32+bytes";

std::string Seal(const std::string& entry_json) {
  return SealSharedCacheEntry(kEntryKey, entry_json);
}

constexpr char kDigestA[] =
    "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr char kDigestB[] =
    "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

// Returns a fixed outcome and counts its calls. With the gate closed, every call blocks until
// the test opens it.
class CountingValidator final : public Validator {
 public:
  explicit CountingValidator(StatusOr<VerifiedImage> outcome) : outcome_(std::move(outcome)) {}
  config::ValidatorType type() const override { return config::ValidatorType::kCosign; }
  StatusOr<VerifiedImage> Verify(const image::ImageReference&, const config::RuleOptions&,
                                 Deadline) const override {
    std::unique_lock lock(mu_);
    ++calls_;
    calls_cv_.notify_all();
    gate_cv_.wait(lock, [&] { return gate_open_; });
    return outcome_;
  }
  int calls() const { return calls_.load(); }
  void CloseGate() {
    std::lock_guard lock(mu_);
    gate_open_ = false;
  }
  void OpenGate() {
    {
      std::lock_guard lock(mu_);
      gate_open_ = true;
    }
    gate_cv_.notify_all();
  }
  // Blocks until a call has started.
  void AwaitCall() const {
    std::unique_lock lock(mu_);
    calls_cv_.wait(lock, [&] { return calls_.load() > 0; });
  }

 private:
  StatusOr<VerifiedImage> outcome_;
  mutable std::atomic<int> calls_{0};
  mutable std::mutex mu_;
  mutable std::condition_variable gate_cv_, calls_cv_;
  bool gate_open_ = true;
};

VerifiedImage Verified(std::string digest) {
  VerifiedImage v;
  v.digest = std::move(digest);
  v.detail = "1/1 trust roots";
  return v;
}

// A verification that found one attestation and left one out (a rule with `attestations`).
VerifiedImage Attested(std::string digest) {
  VerifiedImage v = Verified(std::move(digest));
  v.attestations.push_back({"https://slsa.dev/provenance/v1",
                            R"({"runDetails":{"builder":{"id":"b"}}})", "default",
                            "sha256-aa.att layer 0"});
  v.attestation_errors.push_back("sha256-aa.att layer 1: DSSE signature does not verify");
  return v;
}

config::Rule SignedRule(json with = json::object()) {
  config::Rule rule;
  rule.pattern = "*:*";
  rule.validator = "signed";
  rule.with_json = std::move(with);
  return rule;
}

// One replica: its own in-process cache and validator, the shared Redis cache behind them.
struct Replica {
  Replica(int port, StatusOr<VerifiedImage> outcome, std::string password = "",
          std::chrono::milliseconds lock_ttl = std::chrono::seconds(5)) {
    redis::RedisClient::Options client_options;
    client_options.host = "127.0.0.1";
    client_options.port = port;
    client_options.password = std::move(password);
    client_options.retry_after = std::chrono::milliseconds(0);
    client = std::move(redis::RedisClient::Create(std::move(client_options))).value();
    SharedVerificationCache::Options shared_options;
    shared_options.entry_key = kEntryKey;
    shared_options.key_prefix = "test:";
    shared_options.ttl = std::chrono::seconds(30);
    shared_options.lock_ttl = lock_ttl;
    shared = std::make_unique<SharedVerificationCache>(client.get(), shared_options);
    auto counting = std::make_unique<CountingValidator>(std::move(outcome));
    validator = counting.get();
    ValidatorSet::ValidatorMap map;
    map.emplace("signed", std::move(counting));
    VerificationCache::Options cache_options;
    cache_options.ttl = std::chrono::seconds(30);
    set = std::make_unique<ValidatorSet>(std::move(map), cache_options);
    set->SetSharedCache(shared.get());
  }
  StatusOr<VerifiedImage> Verify(const std::string& raw, const config::Rule& rule = SignedRule()) {
    return set->Verify(rule, *image::ImageReference::Parse(raw),
                       Deadline::In(std::chrono::seconds(5)));
  }
  std::unique_ptr<redis::RedisClient> client;
  std::unique_ptr<SharedVerificationCache> shared;
  CountingValidator* validator;
  std::unique_ptr<ValidatorSet> set;
};

// The one entry under "test:" (its key and value).
std::pair<std::string, std::string> OnlyEntry(RedisServerProcess& server) {
  auto keys = server.Command({"KEYS", "test:*"});
  EXPECT_THAT(keys, IsOk());
  if (!keys.ok() || keys->elements.size() != 1) {
    ADD_FAILURE() << "expected one entry";
    return {};
  }
  const std::string key = keys->elements[0].str;
  return {key, server.Command({"GET", key})->str};
}

class SharedVerificationCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!RedisServerProcess::Available()) GTEST_SKIP() << "redis-server is not installed";
    auto server = RedisServerProcess::Start({});
    ASSERT_THAT(server, IsOk());
    server_ = std::move(server).value();
  }
  // What ExpectPoisonIgnored stores: from the entry's original sealed value and the edited JSON.
  using Store = std::function<std::string(const std::string& sealed, const std::string& edited)>;
  static std::string Reseal(const std::string&, const std::string& edited) { return Seal(edited); }

  // Replica one verifies `raw` and shares it; `edit` then rewrites the entry's JSON and `store`
  // what goes back to Redis (by default sealed again with the replicas' key, so that the checks
  // of the fields are what must catch it); replica two must ignore it, verify itself and
  // overwrite it with a good one.
  void ExpectPoisonIgnored(const std::string& raw, const std::function<void(json&)>& edit,
                           const Store& store = Reseal) {
    Replica one(server_->port(), Verified(kDigestA));
    ASSERT_THAT(one.Verify(raw), IsOk());
    auto [key, value] = OnlyEntry(*server_);
    auto opened = OpenSharedCacheEntry(kEntryKey, value);
    ASSERT_THAT(opened, IsOk());
    json entry = json::parse(*opened);
    edit(entry);
    const std::string poisoned = store(value, entry.dump());
    ASSERT_THAT(server_->Command({"SET", key, poisoned}), IsOk());

    Replica two(server_->port(), Verified(kDigestA));
    auto result = two.Verify(raw);
    ASSERT_THAT(result, IsOk());
    EXPECT_EQ(result->digest, kDigestA);
    EXPECT_EQ(result->cache, verification::CacheOutcome::kVerified);
    EXPECT_EQ(two.validator->calls(), 1) << poisoned;
    EXPECT_EQ(two.shared->ignored(), 1u);
    EXPECT_EQ(two.shared->hits(), 0u);
    auto stored = OpenSharedCacheEntry(kEntryKey, server_->Command({"GET", key})->str);
    ASSERT_THAT(stored, IsOk());
    json good = json::parse(*opened), now_stored = json::parse(*stored);
    good.erase("expiresAtMs");
    now_stored.erase("expiresAtMs");
    EXPECT_EQ(now_stored, good) << "overwritten with the verified entry";
  }
  std::unique_ptr<RedisServerProcess> server_;
};

TEST_F(SharedVerificationCacheTest, TwoReplicasVerifyAnImageOnceBetweenThem) {
  Replica one(server_->port(), Verified(kDigestA));
  Replica two(server_->port(), Verified(kDigestA));
  ASSERT_THAT(one.Verify("nginx:1"), IsOk());
  auto shared = two.Verify("nginx:1");
  ASSERT_THAT(shared, IsOk());
  EXPECT_EQ(shared->digest, kDigestA);
  EXPECT_EQ(shared->cache, verification::CacheOutcome::kCacheHit);
  EXPECT_EQ(one.validator->calls(), 1);
  EXPECT_EQ(two.validator->calls(), 0);
  EXPECT_EQ(two.shared->hits(), 1u);
  ASSERT_THAT(two.Verify("nginx:1"), IsOk());  // now from its in-process cache
  EXPECT_EQ(two.shared->hits(), 1u);
}

TEST_F(SharedVerificationCacheTest, AReplicaWaitsForAVerificationInFlightOnAnother) {
  Replica one(server_->port(), Verified(kDigestA));
  Replica two(server_->port(), Verified(kDigestA));
  one.validator->CloseGate();
  std::thread first([&] { EXPECT_THAT(one.Verify("nginx:1"), IsOk()); });
  one.validator->AwaitCall();  // replica one holds the claim and is verifying
  std::thread second([&] {
    auto shared = two.Verify("nginx:1");
    ASSERT_THAT(shared, IsOk());
    EXPECT_EQ(shared->cache, verification::CacheOutcome::kCacheHit);
  });
  // Replica two waits (counted) rather than verifying; then one finishes and shares.
  while (two.shared->waits() == 0) std::this_thread::yield();
  one.validator->OpenGate();
  first.join();
  second.join();
  EXPECT_EQ(one.validator->calls(), 1);
  EXPECT_EQ(two.validator->calls(), 0);
  EXPECT_EQ(two.shared->hits(), 1u);
  EXPECT_EQ(server_->Command({"KEYS", "test:verifying:*"})->elements.size(), 0u)
      << "the claim is released";
}

TEST_F(SharedVerificationCacheTest, AClaimThatExpiresFallsBackToVerifying) {
  const auto short_claim = std::chrono::milliseconds(200);
  Replica one(server_->port(), Verified(kDigestA), "", short_claim);
  Replica two(server_->port(), Verified(kDigestA), "", short_claim);
  one.validator->CloseGate();  // replica one hangs while holding the claim
  std::thread hung([&] { EXPECT_THAT(one.Verify("nginx:1"), IsOk()); });
  one.validator->AwaitCall();
  auto verified = two.Verify("nginx:1");
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->cache, verification::CacheOutcome::kVerified);
  EXPECT_EQ(two.validator->calls(), 1);
  EXPECT_EQ(two.shared->waits(), 1u);
  one.validator->OpenGate();
  hung.join();
}

TEST_F(SharedVerificationCacheTest, FailuresAreNeverShared) {
  Replica one(server_->port(), VerificationFailedError("no signature"));
  Replica two(server_->port(), VerificationFailedError("no signature"));
  EXPECT_THAT(one.Verify("nginx:1"),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("no signature")));
  EXPECT_THAT(two.Verify("nginx:1"),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("no signature")));
  EXPECT_EQ(two.validator->calls(), 1);
  EXPECT_EQ(server_->Command({"DBSIZE"})->integer, 0);
}

TEST_F(SharedVerificationCacheTest, OtherRuleOptionsOrImagesDoNotShareAnEntry) {
  Replica one(server_->port(), Verified(kDigestA));
  Replica two(server_->port(), Verified(kDigestA));
  ASSERT_THAT(one.Verify("nginx:1", SignedRule({{"trustRoot", "a"}})), IsOk());
  ASSERT_THAT(two.Verify("nginx:1", SignedRule({{"trustRoot", "b"}})), IsOk());
  ASSERT_THAT(two.Verify("nginx:2", SignedRule({{"trustRoot", "a"}})), IsOk());
  EXPECT_EQ(two.validator->calls(), 2);
  EXPECT_EQ(two.shared->hits(), 0u);
}

TEST_F(SharedVerificationCacheTest, AttestationsTravelWithTheSharedEntry) {
  const config::Rule rule = SignedRule({{"attestations", true}});
  Replica one(server_->port(), Attested(kDigestA));
  Replica two(server_->port(), Verified(kDigestA));
  ASSERT_THAT(one.Verify("nginx:1", rule), IsOk());
  auto shared = two.Verify("nginx:1", rule);
  ASSERT_THAT(shared, IsOk());
  EXPECT_EQ(shared->cache, verification::CacheOutcome::kCacheHit);
  EXPECT_EQ(two.validator->calls(), 0);
  EXPECT_EQ(shared->attestations, Attested(kDigestA).attestations);
  EXPECT_EQ(shared->attestation_errors, Attested(kDigestA).attestation_errors);
}

TEST_F(SharedVerificationCacheTest, PoisonedMalformedAttestationsAreIgnored) {
  ExpectPoisonIgnored("nginx:1", [](json& e) {
    e["attestations"] = {{"list", {{{"predicateType", "p"}, {"predicate", "{not json"}}}},
                         {"errors", json::array()}};
  });
}

TEST_F(SharedVerificationCacheTest, PoisonedWrongDigestForAPinnedReferenceIsIgnored) {
  ExpectPoisonIgnored(std::string("nginx@") + kDigestA, [](json& e) { e["digest"] = kDigestB; });
}

TEST_F(SharedVerificationCacheTest, PoisonedWrongValidatorIsIgnored) {
  ExpectPoisonIgnored("nginx:1", [](json& e) { e["validator"] = "other"; });
}

TEST_F(SharedVerificationCacheTest, PoisonedWrongRuleOptionsAreIgnored) {
  ExpectPoisonIgnored("nginx:1", [](json& e) { e["with"] = R"({"trustRoot":"*"})"; });
}

TEST_F(SharedVerificationCacheTest, PoisonedEntryForAnotherImageIsIgnored) {
  ExpectPoisonIgnored("nginx:1", [](json& e) { e["image"] = "docker.io/library/evil:1"; });
}

TEST_F(SharedVerificationCacheTest, PoisonedMalformedDigestIsIgnored) {
  ExpectPoisonIgnored("nginx:1", [](json& e) { e["digest"] = "sha256:xyz"; });
}

TEST_F(SharedVerificationCacheTest, PoisonedExpiryBeyondTheTtlIsIgnored) {
  ExpectPoisonIgnored(
      "nginx:1", [](json& e) { e["expiresAtMs"] = e["expiresAtMs"].get<int64_t>() + 3'600'000; });
}

TEST_F(SharedVerificationCacheTest, ExpiredEntryIsIgnored) {
  ExpectPoisonIgnored("nginx:1", [](json& e) { e["expiresAtMs"] = 1000; });
}

TEST_F(SharedVerificationCacheTest, UnparsableEntryIsIgnored) {
  ExpectPoisonIgnored(
      "nginx:1", [](json&) {}, [](const std::string&, const std::string&) { return Seal("{not"); });
}

// Whoever can write to Redis but does not hold the entry key cannot make a replica admit: an
// entry that names another digest for the tag (an unsigned image's) is ignored when it is not
// sealed, sealed with another key, or sealed once and edited afterwards.
TEST_F(SharedVerificationCacheTest, ForgedEntriesWithoutTheEntryKeyAreIgnored) {
  auto forge = [](json& e) { e["digest"] = kDigestB; };
  ExpectPoisonIgnored("nginx:1", forge,
                      [](const std::string&, const std::string& edited) { return edited; });
  ExpectPoisonIgnored("nginx:1", forge, [](const std::string&, const std::string& edited) {
    return SealSharedCacheEntry("another-key-of-at-least-32-bytes!", edited);
  });
  ExpectPoisonIgnored("nginx:1", forge, [](const std::string& sealed, const std::string& edited) {
    return sealed.substr(0, sealed.find('.') + 1) + edited;  // the old tag on new contents
  });
}

TEST(SharedCacheEntryTest, OpensOnlyWhatTheSameKeySealed) {
  const std::string sealed = Seal(R"({"v":2})");
  auto opened = OpenSharedCacheEntry(kEntryKey, sealed);
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(*opened, R"({"v":2})");
  EXPECT_THAT(OpenSharedCacheEntry("another-key-of-at-least-32-bytes!", sealed),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("entry key")));
  EXPECT_THAT(OpenSharedCacheEntry(kEntryKey, R"({"v":2})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not sealed")));
  EXPECT_THAT(OpenSharedCacheEntry("", sealed),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no entry key")));
  EXPECT_EQ(SealSharedCacheEntry("", R"({"v":2})"), "");
}

TEST_F(SharedVerificationCacheTest, EntriesLiveNoLongerThanTheTtlNorTheValidatorsExpiry) {
  VerifiedImage short_lived = Verified(kDigestA);
  short_lived.valid_until = std::chrono::system_clock::now() + std::chrono::seconds(5);
  Replica one(server_->port(), short_lived);
  ASSERT_THAT(one.Verify("nginx:1"), IsOk());
  ASSERT_THAT(one.Verify("nginx:2"), IsOk());
  auto keys = server_->Command({"KEYS", "test:*"});
  ASSERT_THAT(keys, IsOk());
  ASSERT_EQ(keys->elements.size(), 2u);
  for (const redis::Reply& key : keys->elements) {
    const int64_t ttl_ms = server_->Command({"PTTL", key.str})->integer;
    EXPECT_GT(ttl_ms, 0);
    EXPECT_LE(ttl_ms, 5000);
  }
  Replica long_lived(server_->port(), Verified(kDigestA));
  ASSERT_THAT(long_lived.Verify("nginx:3"), IsOk());
  auto all = server_->Command({"KEYS", "test:*"});
  for (const redis::Reply& key : all->elements) {
    EXPECT_LE(server_->Command({"PTTL", key.str})->integer, 30'000);
  }
}

TEST_F(SharedVerificationCacheTest, RedisDownDegradesToVerifyingAndNeverAdmitsAFailure) {
  Replica one(server_->port(), Verified(kDigestA));
  Replica failing(server_->port(), VerificationFailedError("no signature"));
  ASSERT_THAT(one.Verify("nginx:1"), IsOk());
  server_->Kill();
  Replica two(server_->port(), Verified(kDigestA));
  auto verified = two.Verify("nginx:1");
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(two.validator->calls(), 1);
  EXPECT_GE(two.shared->redis_errors(), 1u);
  EXPECT_THAT(failing.Verify("nginx:1"),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("no signature")));
  ASSERT_THAT(one.Verify("nginx:1"), IsOk());  // its in-process cache still answers
  EXPECT_EQ(one.validator->calls(), 1);
}

TEST_F(SharedVerificationCacheTest, WrongPasswordDegradesToVerifying) {
  auto locked = RedisServerProcess::Start({.password = "pw-right"});
  ASSERT_THAT(locked, IsOk());
  Replica one((*locked)->port(), Verified(kDigestA), "pw-wrong");
  ASSERT_THAT(one.Verify("nginx:1"), IsOk());
  EXPECT_EQ(one.validator->calls(), 1);
  EXPECT_GE(one.shared->redis_errors(), 1u);
  EXPECT_EQ((*locked)->Command({"DBSIZE"})->integer, 0);
}

}  // namespace
}  // namespace connaisseur::validators
