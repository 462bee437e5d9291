// Covers validators/validator_set (with validator_factory and verification_cache): static first
// and never cached, message texts, digest checks, TTL, cached errors, and single-flight, using an
// in-memory validator that counts its calls.
#include "validators/validator_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "tests/testing/status_matchers.h"
#include "validators/static/static_validator.h"
#include "validators/validator_factory.h"

namespace connaisseur::validators {
namespace {

using ::testing::HasSubstr;

constexpr char kDigestA[] =
    "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr char kDigestB[] =
    "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

// An honest in-memory validator: returns a fixed outcome and counts how often it ran. With a
// gate, every call blocks until the test opens it.
class CountingValidator final : public Validator {
 public:
  explicit CountingValidator(StatusOr<VerifiedImage> outcome) : outcome_(std::move(outcome)) {}
  config::ValidatorType type() const override { return config::ValidatorType::kCosign; }
  StatusOr<VerifiedImage> Verify(const image::ImageReference&, const config::RuleOptions&,
                                 Deadline) const override {
    ++calls_;
    std::unique_lock lock(mu_);
    gate_cv_.wait(lock, [&] { return gate_open_; });
    return outcome_;
  }
  bool UsesPullCredentials() const override { return uses_pull_credentials; }
  int calls() const { return calls_.load(); }
  bool uses_pull_credentials = false;
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

 private:
  StatusOr<VerifiedImage> outcome_;
  mutable std::atomic<int> calls_{0};
  mutable std::mutex mu_;
  mutable std::condition_variable gate_cv_;
  bool gate_open_ = true;
};

VerifiedImage Verified(std::string digest) {
  VerifiedImage v;
  v.digest = std::move(digest);
  v.detail = "1/1 trust roots";
  return v;
}

image::ImageReference Parse(const std::string& raw) {
  auto ref = image::ImageReference::Parse(raw);
  EXPECT_TRUE(ref.ok()) << raw << ": " << ref.status().ToString();
  return std::move(ref).value();
}

config::Rule MakeRule(std::string pattern, std::string validator,
                      nlohmann::json with = nlohmann::json::object()) {
  config::Rule rule;
  rule.pattern = std::move(pattern);
  rule.validator = std::move(validator);
  rule.with_json = std::move(with);
  return rule;
}

// A set holding "allow" (static approve), "deny" (static deny) and "signed" (counting).
struct Fixture {
  explicit Fixture(StatusOr<VerifiedImage> outcome, VerificationCache::Options options = {}) {
    if (!options.now) options.now = [this] { return now; };
    auto counting = std::make_unique<CountingValidator>(std::move(outcome));
    signed_validator = counting.get();
    ValidatorSet::ValidatorMap map;
    map.emplace("allow", std::make_unique<StaticValidator>(true));
    map.emplace("deny", std::make_unique<StaticValidator>(false));
    map.emplace("signed", std::move(counting));
    set = std::make_unique<ValidatorSet>(std::move(map), std::move(options));
  }
  StatusOr<VerifiedImage> Verify(const std::string& raw, const config::Rule& rule) {
    return set->Verify(rule, Parse(raw), Deadline::Infinite());
  }
  VerificationCache::Clock::time_point now{};
  CountingValidator* signed_validator;
  std::unique_ptr<ValidatorSet> set;
};

TEST(ValidatorSetTest, StaticAllowKeepsPinnedDigestAndStaticDenyNamesImageAndRule) {
  Fixture f(Verified(kDigestA));
  auto tag = f.Verify("nginx:1", MakeRule("*:*", "allow"));
  ASSERT_THAT(tag.status(), IsOk());
  EXPECT_EQ(tag->digest, "");
  auto pinned = f.Verify(std::string("nginx@") + kDigestB, MakeRule("*:*", "allow"));
  ASSERT_THAT(pinned.status(), IsOk());
  EXPECT_EQ(pinned->digest, kDigestB);
  EXPECT_THAT(f.Verify("nginx:1", MakeRule("docker.io/*", "deny")).status(),
              StatusIs(StatusCode::kVerificationFailed,
                       "static deny for image nginx:1 using rule docker.io/*"));
}

TEST(ValidatorSetTest, UnknownValidatorNameIsNotFound) {
  Fixture f(Verified(kDigestA));
  EXPECT_THAT(f.Verify("nginx", MakeRule("*", "nope")).status(),
              StatusIs(StatusCode::kNotFound, "validator \"nope\" not found"));
}

TEST(ValidatorSetTest, FailuresAreWrappedWithTypeAndRawImage) {
  Fixture f(UnavailableError("notary unreachable"));
  EXPECT_THAT(f.Verify("nginx:1", MakeRule("*", "signed")).status(),
              StatusIs(StatusCode::kUnavailable,
                       "error during cosign validation of image nginx:1: notary unreachable"));
}

TEST(ValidatorSetTest, DeniesWhenVerifiedDigestDiffersFromPinnedDigest) {
  Fixture f(Verified(kDigestA));
  EXPECT_THAT(f.Verify(std::string("nginx@") + kDigestB, MakeRule("*", "signed")).status(),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("differs from the digest")));
  auto same = f.Verify(std::string("nginx@") + kDigestA, MakeRule("*", "signed"));
  EXPECT_THAT(same.status(), IsOk());
}

TEST(ValidatorSetTest, DeniesMalformedDigestsFromAValidator) {
  for (const std::string& digest :
       std::vector<std::string>{"", "sha256:abc", "sha512:" + std::string(64, 'a'),
                                "sha256:" + std::string(64, 'A'), std::string(kDigestA) + "0"}) {
    Fixture f(Verified(digest));
    EXPECT_THAT(f.Verify("nginx", MakeRule("*", "signed")).status(),
                StatusIs(StatusCode::kInternal, HasSubstr("malformed digest")))
        << digest;
  }
}

TEST(ValidatorSetTest, StaticValidatorsAreNeverCached) {
  Fixture f(Verified(kDigestA));
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(f.Verify("nginx", MakeRule("*", "allow")).status(), IsOk());
  }
  const auto stats = f.set->cache_stats();
  EXPECT_EQ(stats.hits + stats.misses + stats.joined, 0u);
}

TEST(ValidatorSetTest, RepeatedImageIsVerifiedOnceWithinTtlAndAgainAfterIt) {
  VerificationCache::Options options;
  options.ttl = std::chrono::seconds(30);
  Fixture f(Verified(kDigestA), options);
  const config::Rule rule = MakeRule("*", "signed");
  ASSERT_THAT(f.Verify("nginx", rule).status(), IsOk());
  auto again = f.Verify("docker.io/library/nginx:latest", rule);  // same normalised reference
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->cache, verification::CacheOutcome::kCacheHit);
  EXPECT_EQ(again->digest, kDigestA);
  EXPECT_EQ(f.signed_validator->calls(), 1);
  f.now += std::chrono::seconds(31);
  ASSERT_THAT(f.Verify("nginx", rule).status(), IsOk());
  EXPECT_EQ(f.signed_validator->calls(), 2);
}

// Child approval (runtime/admission/verified_digests.h) binds an outcome to the pull identity
// only when the validator read the registry with it: the set says so, on cache hits too.
TEST(ValidatorSetTest, OutcomesSayWhetherTheyUsedPullCredentials) {
  VerificationCache::Options options;
  options.ttl = std::chrono::seconds(30);
  Fixture f(Verified(kDigestA), options);
  const config::Rule rule = MakeRule("*", "signed");
  auto anonymous = f.Verify("nginx", rule);
  ASSERT_THAT(anonymous.status(), IsOk());
  EXPECT_FALSE(anonymous->used_pull_credentials);
  f.signed_validator->uses_pull_credentials = true;
  for (int i = 0; i < 2; ++i) {
    auto keychain = f.Verify("redis", rule);
    ASSERT_THAT(keychain.status(), IsOk());
    EXPECT_TRUE(keychain->used_pull_credentials) << "call " << i;
  }
  EXPECT_EQ(f.signed_validator->calls(), 2) << "the second redis call is a cache hit";
}

TEST(ValidatorSetTest, CacheKeySeparatesImagesAndRuleOptions) {
  Fixture f(Verified(kDigestA));
  ASSERT_THAT(f.Verify("nginx", MakeRule("*", "signed")).status(), IsOk());
  ASSERT_THAT(f.Verify("redis", MakeRule("*", "signed")).status(), IsOk());
  ASSERT_THAT(f.Verify("nginx", MakeRule("*", "signed", {{"trustRoot", "other"}})).status(),
              IsOk());
  EXPECT_EQ(f.signed_validator->calls(), 3);
}

TEST(ValidatorSetTest, ErrorsAreCachedOnlyWhenCacheErrorsIsOn) {
  for (bool cache_errors : {true, false}) {
    VerificationCache::Options options;
    options.cache_errors = cache_errors;
    Fixture f(VerificationFailedError("no trust data"), options);
    for (int i = 0; i < 2; ++i) {
      EXPECT_THAT(f.Verify("nginx", MakeRule("*", "signed")).status(),
                  StatusIs(StatusCode::kVerificationFailed, HasSubstr("no trust data")))
          << cache_errors;
    }
    EXPECT_EQ(f.signed_validator->calls(), cache_errors ? 1 : 2) << cache_errors;
  }
}

TEST(ValidatorSetTest, ZeroTtlDisablesTheCache) {
  VerificationCache::Options options;
  options.ttl = std::chrono::seconds(0);
  Fixture f(Verified(kDigestA), options);
  for (int i = 0; i < 3; ++i)
    ASSERT_THAT(f.Verify("nginx", MakeRule("*", "signed")).status(), IsOk());
  EXPECT_EQ(f.signed_validator->calls(), 3);
}

TEST(ValidatorSetTest, ConcurrentRequestsForOneImageShareOneVerification) {
  Fixture f(Verified(kDigestA));
  f.signed_validator->CloseGate();
  constexpr int kThreads = 8;
  std::vector<std::string> digests(kThreads);
  std::vector<std::thread> threads;
  const config::Rule rule = MakeRule("*", "signed");
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto result = f.set->Verify(rule, Parse("nginx:1"), Deadline::Infinite());
      digests[i] = result.ok() ? result->digest : result.status().ToString();
    });
  }
  // Open the gate only once every other thread has joined the running verification.
  while (f.set->cache_stats().joined < kThreads - 1) std::this_thread::yield();
  f.signed_validator->OpenGate();
  for (auto& t : threads) t.join();
  EXPECT_EQ(f.signed_validator->calls(), 1);
  for (int i = 0; i < kThreads; ++i) EXPECT_EQ(digests[i], kDigestA) << "thread " << i;
}

TEST(ValidatorSetTest, JoinerGivesUpAtItsDeadline) {
  Fixture f(Verified(kDigestA));
  f.signed_validator->CloseGate();
  const config::Rule rule = MakeRule("*", "signed");
  std::thread first([&] { (void)f.set->Verify(rule, Parse("nginx:1"), Deadline::Infinite()); });
  while (f.set->cache_stats().misses < 1) std::this_thread::yield();
  auto late = f.set->Verify(rule, Parse("nginx:1"), Deadline::In(std::chrono::milliseconds(0)));
  EXPECT_THAT(late.status(), StatusIs(StatusCode::kDeadlineExceeded, HasSubstr("cosign")));
  f.signed_validator->OpenGate();
  first.join();
}

// A registry-like validator (cosign-shaped): tags resolve through a table the test can change,
// and Verify records which references it was asked about.
class PinningValidator final : public Validator {
 public:
  config::ValidatorType type() const override { return config::ValidatorType::kCosign; }
  StatusOr<std::optional<std::string>> PinDigest(const image::ImageReference& image,
                                                 Deadline) const override {
    std::lock_guard lock(mu_);
    if (image.digest() && !image.tag()) return std::optional<std::string>(*image.digest());
    auto it = tags.find(*image.tag());
    if (it == tags.end()) return NotFoundError("image " + image.raw() + " does not exist");
    return std::optional<std::string>(it->second);
  }
  StatusOr<VerifiedImage> Verify(const image::ImageReference& image, const config::RuleOptions&,
                                 Deadline) const override {
    std::lock_guard lock(mu_);
    asked.push_back(image.normalized());
    if (answer_with) return Verified(*answer_with);
    if (!image.digest()) return InternalError("asked about a tag");
    return Verified(*image.digest());
  }
  Status CheckReachable(Deadline) const override {
    std::lock_guard lock(mu_);
    ++probes;
    return reachable;
  }

  mutable std::mutex mu_;
  std::map<std::string, std::string> tags;  // guarded by mu_
  std::optional<std::string> answer_with;   // a lying validator when set
  mutable std::vector<std::string> asked;   // guarded by mu_
  mutable int probes = 0;                   // guarded by mu_
  Status reachable;                         // guarded by mu_
};

struct PinningFixture {
  PinningFixture() {
    VerificationCache::Options options;
    options.now = [this] { return now; };
    auto validator = std::make_unique<PinningValidator>();
    pinning = validator.get();
    ValidatorSet::ValidatorMap map;
    map.emplace("allow", std::make_unique<StaticValidator>(true));
    map.emplace("registry", std::move(validator));
    set = std::make_unique<ValidatorSet>(std::move(map), std::move(options));
  }
  StatusOr<VerifiedImage> Verify(const std::string& raw) {
    return set->Verify(MakeRule("*", "registry"), Parse(raw), Deadline::Infinite());
  }
  VerificationCache::Clock::time_point now{};
  PinningValidator* pinning;
  std::unique_ptr<ValidatorSet> set;
};

TEST(ValidatorSetTest, PinningValidatorIsCachedPerDigestSoAMovedTagIsVerifiedAgain) {
  PinningFixture f;
  f.pinning->tags["v1"] = kDigestA;
  auto first = f.Verify("reg.io/app:v1");
  ASSERT_THAT(first.status(), IsOk());
  EXPECT_EQ(first->digest, kDigestA);

  f.pinning->tags["v1"] = kDigestB;  // the tag moves within the TTL
  auto moved = f.Verify("reg.io/app:v1");
  ASSERT_THAT(moved.status(), IsOk());
  EXPECT_EQ(moved->digest, kDigestB) << "a moved tag must not be answered from the cache";

  f.pinning->tags["v2"] = kDigestA;  // another tag naming an already verified digest
  auto other_tag = f.Verify("reg.io/app:v2");
  ASSERT_THAT(other_tag.status(), IsOk());
  EXPECT_EQ(other_tag->digest, kDigestA);
  EXPECT_EQ(other_tag->cache, verification::CacheOutcome::kCacheHit);
  auto by_digest = f.Verify(std::string("reg.io/app@") + kDigestA);
  ASSERT_THAT(by_digest.status(), IsOk());
  EXPECT_EQ(by_digest->cache, verification::CacheOutcome::kCacheHit);

  // Verify only ever saw digest references, one per distinct digest.
  EXPECT_THAT(f.pinning->asked, ::testing::ElementsAre(std::string("reg.io/app@") + kDigestA,
                                                       std::string("reg.io/app@") + kDigestB));
}

TEST(ValidatorSetTest, PinnedDigestCacheIsPerRepository) {
  PinningFixture f;
  f.pinning->tags["v1"] = kDigestA;
  ASSERT_THAT(f.Verify("reg.io/app:v1").status(), IsOk());
  ASSERT_THAT(f.Verify("reg.io/copy:v1").status(), IsOk());
  EXPECT_EQ(f.pinning->asked.size(), 2u) << "signatures live per repository";
}

TEST(ValidatorSetTest, ResolutionFailureDeniesWithoutVerifying) {
  PinningFixture f;
  EXPECT_THAT(f.Verify("reg.io/app:missing").status(),
              StatusIs(StatusCode::kNotFound,
                       "error during cosign validation of image reg.io/app:missing: image "
                       "reg.io/app:missing does not exist"));
  EXPECT_TRUE(f.pinning->asked.empty());
}

TEST(ValidatorSetTest, DeniesWhenTheValidatorProvesAnotherDigestThanItPinned) {
  PinningFixture f;
  f.pinning->tags["v1"] = kDigestA;
  f.pinning->answer_with = kDigestB;
  EXPECT_THAT(f.Verify("reg.io/app:v1").status(),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("differs from the resolved")));
}

// A registry that hangs on tag resolution until the test lets it answer, counting resolutions.
class HangingRegistryValidator final : public Validator {
 public:
  config::ValidatorType type() const override { return config::ValidatorType::kCosign; }
  StatusOr<std::optional<std::string>> PinDigest(const image::ImageReference&,
                                                 Deadline) const override {
    ++resolutions;
    std::unique_lock lock(mu_);
    answer_cv_.wait(lock, [&] { return answering_; });
    return std::optional<std::string>(kDigestA);
  }
  StatusOr<VerifiedImage> Verify(const image::ImageReference& image, const config::RuleOptions&,
                                 Deadline) const override {
    return Verified(*image.digest());
  }
  void Answer() {
    {
      std::lock_guard lock(mu_);
      answering_ = true;
    }
    answer_cv_.notify_all();
  }
  mutable std::atomic<int> resolutions{0};

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable answer_cv_;
  bool answering_ = false;  // guarded by mu_
};

TEST(ValidatorSetTest, ConcurrentRequestsForOneTagShareOneResolution) {
  // Issue 12: 50 concurrent requests for one image on a hanging registry opened 50 connections,
  // because the tag was resolved before the cache's single-flight.
  auto registry = std::make_unique<HangingRegistryValidator>();
  HangingRegistryValidator* hanging = registry.get();
  ValidatorSet::ValidatorMap map;
  map.emplace("registry", std::move(registry));
  ValidatorSet set(std::move(map), {});
  constexpr int kRequests = 50;
  std::vector<std::string> digests(kRequests);
  std::vector<std::thread> threads;
  const config::Rule rule = MakeRule("*", "registry");
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      auto result = set.Verify(rule, Parse("reg.io/app:v1"), Deadline::Infinite());
      digests[i] = result.ok() ? result->digest : result.status().ToString();
    });
  }
  // Until every other request has joined the first one, or a second resolution started.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (set.cache_stats().joined < kRequests - 1 && hanging->resolutions < 2 &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::yield();
  }
  hanging->Answer();
  for (auto& t : threads) t.join();
  EXPECT_EQ(hanging->resolutions, 1);
  EXPECT_GE(set.cache_stats().joined, static_cast<uint64_t>(kRequests - 1));
  for (int i = 0; i < kRequests; ++i) EXPECT_EQ(digests[i], kDigestA) << "request " << i;
}

TEST(ValidatorSetTest, CheckBackendsNamesTheFailingValidatorAndReusesAnswersBriefly) {
  PinningFixture f;
  EXPECT_THAT(f.set->CheckBackends(Deadline::Infinite()), IsOk());
  EXPECT_EQ(f.pinning->probes, 1);

  f.pinning->reachable = UnavailableError("connection refused");
  f.now += ValidatorSet::kReadinessReuse - std::chrono::seconds(1);
  EXPECT_THAT(f.set->CheckBackends(Deadline::Infinite()), IsOk()) << "reused";
  EXPECT_EQ(f.pinning->probes, 1);

  f.now += std::chrono::seconds(1);
  EXPECT_THAT(f.set->CheckBackends(Deadline::Infinite()),
              StatusIs(StatusCode::kUnavailable, "validator \"registry\": connection refused"));
  EXPECT_EQ(f.pinning->probes, 2);

  // A validator that already names itself is not named twice.
  f.pinning->reachable = UnavailableError("validator \"registry\": host down");
  f.now += ValidatorSet::kReadinessReuse;
  EXPECT_THAT(f.set->CheckBackends(Deadline::Infinite()),
              StatusIs(StatusCode::kUnavailable, "validator \"registry\": host down"));
}

TEST(ValidatorSetTest, CreateBuildsEveryConfiguredValidator) {
  config::Config cfg;
  config::ValidatorConfig allow;
  allow.name = "allow";
  allow.type = config::ValidatorType::kStatic;
  allow.approve = true;
  config::ValidatorConfig signer;
  signer.name = "signer";
  signer.type = config::ValidatorType::kNotation;
  cfg.validators = {allow, signer};
  auto set = ValidatorSet::Create(cfg);
  ASSERT_THAT(set.status(), IsOk());
  EXPECT_THAT((*set)->Verify(MakeRule("*", "allow"), Parse("nginx"), Deadline::Infinite()).status(),
              IsOk());
  EXPECT_THAT(
      (*set)->Verify(MakeRule("*", "signer"), Parse("nginx"), Deadline::Infinite()).status(),
      StatusIs(StatusCode::kInvalidArgument,
               "error during notation validation of image nginx: validator \"signer\": notation "
               "validation is not available in this build yet"));
}

TEST(ValidatorFactoryTest, BuildsStaticValidatorsAndADenyingStandInForNotation) {
  const struct {
    config::ValidatorType type;
    bool approve;
    bool allowed;
    std::string message;
  } cases[] = {
      {config::ValidatorType::kStatic, true, true, ""},
      {config::ValidatorType::kStatic, false, false, "static deny"},
      {config::ValidatorType::kNotation, true, false,
       "notation validation is not available in this build yet"},
  };
  for (const auto& c : cases) {
    config::ValidatorConfig vc;
    vc.name = "v";
    vc.type = c.type;
    vc.approve = c.approve;
    std::string failure;
    std::unique_ptr<Validator> validator = CreateValidator(vc, &failure);
    EXPECT_EQ(failure.empty(), c.type == config::ValidatorType::kStatic) << failure;
    EXPECT_EQ(validator->type(), c.type);
    auto result = validator->Verify(Parse("nginx"), config::RuleOptions{}, Deadline::Infinite());
    EXPECT_EQ(result.ok(), c.allowed) << config::ValidatorTypeName(c.type);
    if (!c.allowed) {
      EXPECT_THAT(result.status().message(), HasSubstr(c.message))
          << config::ValidatorTypeName(c.type);
    }
  }
}

// Configurations Connaisseur loads load here; what they cannot verify is denied per image with
// the reason, and validators that cannot be built say why (for lint) instead of failing Create.
TEST(ValidatorSetCreateTest, DoubtfulValidatorsAndRulesDenyWithTheReason) {
  config::Config cfg;
  config::ValidatorConfig twin;
  twin.name = "twin";
  twin.type = config::ValidatorType::kStatic;
  twin.approve = true;
  twin.unusable = "validator name \"twin\" is defined 2 times";
  config::ValidatorConfig empty;
  empty.name = "default";
  empty.type = config::ValidatorType::kNotaryV1;
  empty.unusable = "validator \"default\" has no trust root configured";
  config::ValidatorConfig keyed;
  keyed.name = "keyed";
  keyed.type = config::ValidatorType::kNotaryV1;
  keyed.location = "values.yaml:9: application.validators[2]";
  keyed.trust_roots = {config::TrustRoot{.name = "sse", .key = "not a key"}};
  cfg.validators = {twin, empty, keyed};
  std::vector<std::string> warnings;
  auto set = ValidatorSet::Create(cfg, &warnings);
  ASSERT_THAT(set.status(), IsOk());
  ASSERT_EQ(warnings.size(), 1u) << "reasons known at load were warned by the loader";
  EXPECT_THAT(warnings[0], HasSubstr("values.yaml:9: application.validators[2]: validator "
                                     "\"keyed\""));
  auto deny = [&](const config::Rule& rule) {
    return (*set)->Verify(rule, Parse("nginx:1"), Deadline::Infinite()).status();
  };
  EXPECT_THAT(deny(MakeRule("*", "twin")),
              StatusIs(StatusCode::kInvalidArgument,
                       "error during static validation of image nginx:1: validator name "
                       "\"twin\" is defined 2 times"));
  EXPECT_THAT(deny(MakeRule("*", "default")),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("validator \"default\" has no trust root configured")));
  EXPECT_THAT(deny(MakeRule("*", "keyed")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("error during notaryv1 validation "
                                                               "of image nginx:1: validator "
                                                               "\"keyed\"")));
}

TEST(ValidatorSetCreateTest, RulesAValidatorCannotHonourAreDeniedBeforeAnyVerification) {
  config::Config cfg;
  config::ValidatorConfig signer;
  signer.name = "signer";
  signer.type = config::ValidatorType::kNotaryV1;
  signer.host = "notary.invalid";  // never contacted: the rule is refused first
  signer.trust_roots = {
      config::TrustRoot{.name = "ca",
                        .key = "-----BEGIN PUBLIC KEY-----\n"
                               "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOXYta5TgdCwXTCnLU09W5T4M4r9f\n"
                               "QQrqJuADP6U7g5r9ICgPSmZuRHP/1AYUfOQW3baveKsT969EfELKj1lfCA==\n"
                               "-----END PUBLIC KEY-----\n"}};
  cfg.validators = {signer};
  auto set = ValidatorSet::Create(cfg);
  ASSERT_THAT(set.status(), IsOk());
  config::Rule rule = MakeRule("registry.example.com/*", "signer");
  rule.with.trust_root = "nope";
  EXPECT_THAT((*set)->Verify(rule, Parse("nginx:1"), Deadline::Infinite()).status(),
              StatusIs(StatusCode::kInvalidArgument,
                       "error during notaryv1 validation of image nginx:1: rule "
                       "registry.example.com/*: no trust root named \"nope\" in validator "
                       "\"signer\""));
  // A rule a policy script returns goes through ParseRuleOptions: a misspelled option in its
  // `with` denies, naming the key, instead of being ignored.
  auto with = config::ParseRuleOptions(nlohmann::json::parse(R"({"trustRot": "ca"})"));
  ASSERT_THAT(with.status(), IsOk());
  rule.with = *with;
  EXPECT_THAT((*set)->Verify(rule, Parse("nginx:1"), Deadline::Infinite()).status(),
              StatusIs(StatusCode::kInvalidArgument,
                       "error during notaryv1 validation of image nginx:1: rule "
                       "registry.example.com/*: unknown key \"with.trustRot\" (did you mean "
                       "\"trustRoot\"?)"));
}

}  // namespace
}  // namespace connaisseur::validators
