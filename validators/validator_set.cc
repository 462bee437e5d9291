#include "validators/validator_set.h"

#include <algorithm>
#include <utility>

#include "runtime/config/features_parser.h"
#include "runtime/config/rule_doubts.h"
#include "runtime/image/content_digest.h"
#include "validators/backend_failure.h"
#include "validators/validator_factory.h"

namespace connaisseur::validators {
namespace {

constexpr int kMaxCacheTtlSeconds = 300;  // docs/operations.md: TTL <= 300 s enforced
// Back-end failures are reused at most this long (docs/configuration.md cache.errorExpirySeconds).
constexpr std::chrono::seconds kBackendErrorTtl{5};

// Everything that decides a verification's outcome. The validator's own configuration is fixed
// for the life of the set, so its name stands for it. \x1f cannot occur in a reference.
// `pull` is null unless the validator's outcome depends on the pull credentials.
std::string OptionsJson(const config::Rule& rule) {
  return rule.with_json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string CacheKey(const config::Rule& rule, const image::ImageReference& image,
                     const verification::PullContext* pull) {
  std::string key = rule.validator;
  key += '\x1f';
  key += OptionsJson(rule);
  key += '\x1f';
  key += image.normalized();
  if (pull != nullptr) {  // Kubernetes names never hold \x1f
    key += '\x1f' + pull->namespace_name + '\x1f' + pull->service_account;
    for (const std::string& secret : pull->image_pull_secrets) key += '\x1f' + secret;
  }
  return key;
}

Status Wrap(config::ValidatorType type, const image::ImageReference& image, const Status& cause) {
  return Status(cause.code(), "error during " + std::string(config::ValidatorTypeName(type)) +
                                  " validation of image " + image.raw() + ": " + cause.message());
}

}  // namespace

StatusOr<std::unique_ptr<ValidatorSet>> ValidatorSet::Create(const config::Config& config,
                                                             std::vector<std::string>* warnings) {
  ValidatorMap validators;
  std::map<std::string, config::ValidatorConfig, std::less<>> configs;
  for (const config::ValidatorConfig& vc : config.validators) {
    std::string failure;
    validators.insert_or_assign(vc.name, CreateValidator(vc, &failure));
    // The first of a duplicated name is kept; every entry of that name is unusable anyway.
    auto [kept, inserted] = configs.emplace(vc.name, vc);
    if (failure.empty()) continue;
    if (inserted) kept->second.unusable = failure;  // named before any rule-option doubt
    if (warnings != nullptr) {
      warnings->push_back((vc.location.empty() ? "" : vc.location + ": ") + failure +
                          ": images routed to it are denied");
    }
  }
  VerificationCache::Options cache_options;
  cache_options.ttl = std::chrono::seconds(
      std::clamp(config.features.cache_expiry_seconds, 0, kMaxCacheTtlSeconds));
  cache_options.cache_errors = config.features.cache_errors;
  cache_options.error_ttl =
      std::min(cache_options.ttl,
               std::chrono::seconds(std::max(config.features.cache_error_expiry_seconds, 0)));
  cache_options.backend_error_ttl = std::min(cache_options.error_ttl, kBackendErrorTtl);
  std::optional<LastVerifiedStore::Options> stale;
  if (config.features.stale_if_error && cache_options.ttl.count() > 0) {
    stale.emplace();
    stale->max_staleness = std::chrono::seconds(
        std::clamp(config.features.cache_stale_max_seconds, 0, config::kMaxCacheStaleSeconds));
  }
  auto set = std::make_unique<ValidatorSet>(std::move(validators), std::move(cache_options),
                                            std::move(stale));
  set->configs_ = std::move(configs);
  return set;
}

ValidatorSet::ValidatorSet(ValidatorMap validators, VerificationCache::Options cache_options,
                           std::optional<LastVerifiedStore::Options> stale)
    : validators_(std::move(validators)),
      now_(cache_options.now ? cache_options.now : [] { return VerificationCache::Clock::now(); }),
      cache_(std::move(cache_options)) {
  if (stale) {
    if (!stale->now) stale->now = now_;
    stale_.emplace(std::move(*stale));
  }
}

std::map<std::string, ValidatorSet::StaleCount, std::less<>> ValidatorSet::stale_served() const {
  std::lock_guard lock(stale_mu_);
  return stale_served_;
}

void ValidatorSet::ReportStale(const Validator& validator, const config::Rule& rule,
                               const image::ImageReference& image, const VerifiedImage& verified) {
  const std::string type(config::ValidatorTypeName(validator.type()));
  {
    std::lock_guard lock(stale_mu_);
    StaleCount& count = stale_served_[rule.validator];
    count.type = type;
    ++count.served;
  }
  if (logger_ == nullptr || !verified.stale) return;
  logger_->Warn("admitting a stale verification: the back-end failed (staleIfError)",
                {{"image", image.raw()},
                 {"digest", verified.digest},
                 {"validator", rule.validator},
                 {"type", type},
                 {"rule", rule.pattern},
                 {"age_seconds", verified.stale->age.count()},
                 {"backend_error", verified.stale->backend_error}});
}

StatusOr<VerifiedImage> ValidatorSet::Verify(const config::Rule& rule,
                                             const image::ImageReference& image,
                                             const verification::PullContext& pull,
                                             Deadline deadline) {
  auto it = validators_.find(rule.validator);
  if (it == validators_.end()) {
    return NotFoundError("validator \"" + rule.validator + "\" not found");
  }
  const Validator& validator = *it->second;
  const config::ValidatorType type = validator.type();
  if (Status configured = CheckConfigured(rule); !configured.ok()) {
    return Wrap(type, image, configured);
  }

  if (type == config::ValidatorType::kStatic) {
    auto result = validator.Verify(image, rule.with, deadline);
    if (!result.ok()) {
      return VerificationFailedError("static deny for image " + image.raw() + " using rule " +
                                     rule.pattern);
    }
    return result;
  }

  auto result = VerifyCached(validator, rule, image, pull, deadline);
  if (!result.ok()) return Wrap(type, image, result.status());
  VerifiedImage verified = std::move(result).value();
  if (!image::IsSha256Digest(verified.digest)) {
    return Wrap(type, image, InternalError("validator returned a malformed digest"));
  }
  if (image.digest().has_value() && *image.digest() != verified.digest) {
    return Wrap(
        type, image,
        VerificationFailedError("verified digest " + verified.digest + " differs from the digest " +
                                *image.digest() + " pinned in the reference"));
  }
  if (verified.cache == verification::CacheOutcome::kStale) {
    ReportStale(validator, rule, image, verified);
  }
  verified.used_pull_credentials = validator.UsesPullCredentials();
  return verified;
}

Status ValidatorSet::CheckConfigured(const config::Rule& rule) const {
  auto it = configs_.find(rule.validator);
  if (it == configs_.end()) return Status();
  const config::ValidatorConfig& vc = it->second;
  if (!vc.unusable.empty()) return InvalidArgumentError(vc.unusable);
  const std::vector<config::RuleDoubt> doubts = config::RuleDoubts(rule.with, vc);
  if (!doubts.empty()) {
    return InvalidArgumentError("rule " + rule.pattern + ": " + doubts.front().message);
  }
  return Status();
}

StatusOr<VerifiedImage> ValidatorSet::VerifyCached(const Validator& validator,
                                                   const config::Rule& rule,
                                                   const image::ImageReference& image,
                                                   const verification::PullContext& pull,
                                                   Deadline deadline) {
  const verification::PullContext* identity = validator.UsesPullCredentials() ? &pull : nullptr;
  // Concurrent requests for one reference share everything below, the tag resolution included
  // (cosign asks the registry there): 50 requests on a hanging registry make one connection.
  // "\x1e" keeps these keys apart from the cache's own.
  const std::string key = "\x1e" + CacheKey(rule, image, identity);
  return cache_.Share(
      key, [&] { return VerifyOrStale(validator, rule, image, pull, key, deadline); }, deadline);
}

StatusOr<VerifiedImage> ValidatorSet::VerifyOrStale(const Validator& validator,
                                                    const config::Rule& rule,
                                                    const image::ImageReference& image,
                                                    const verification::PullContext& pull,
                                                    const std::string& key, Deadline deadline) {
  std::optional<std::string> pinned;
  // With an earlier success to fall back on, a hanging back-end is given up on at three quarters
  // of the request's time, so that the stale answer still reaches the policy and the response.
  Deadline verify_deadline = deadline;
  if (stale_ && !deadline.infinite() && stale_->Find(key)) {
    verify_deadline = deadline.Min(Deadline::In(deadline.remaining() * 3 / 4));
  }
  auto result = ResolveAndVerify(validator, rule, image, pull, verify_deadline, &pinned);
  if (!stale_) return result;
  if (result.ok()) {
    // Only what this process just proved starts a window: a cache hit's window started when it
    // was proven, and a shared-cache entry's valid_until is only that entry's end.
    if (result->cache == verification::CacheOutcome::kVerified) stale_->Remember(key, *result);
    return result;
  }
  if (!IsBackendFailure(result.status())) {
    stale_->Forget(key);  // the back-end answered no: nothing earlier may admit it any more
    return result;
  }
  std::optional<LastVerifiedStore::Stale> last = stale_->Find(key);
  // A registry that named another digest for the tag: the kept digest is not what runs.
  if (!last || (pinned && *pinned != last->image.digest)) return result;
  VerifiedImage served = std::move(last->image);
  served.cache = verification::CacheOutcome::kStale;
  served.stale = verification::StaleUse{result.status().message(), last->age};
  return served;
}

StatusOr<VerifiedImage> ValidatorSet::ResolveAndVerify(const Validator& validator,
                                                       const config::Rule& rule,
                                                       const image::ImageReference& image,
                                                       const verification::PullContext& pull,
                                                       Deadline deadline,
                                                       std::optional<std::string>* pinned_out) {
  CN_ASSIGN_OR_RETURN(std::optional<std::string> pinned,
                      validator.PinDigest(image, pull, deadline));
  *pinned_out = pinned;
  std::optional<image::ImageReference> by_digest;
  if (pinned) {
    if (!image::IsSha256Digest(*pinned))
      return InternalError("validator pinned a malformed digest");
    CN_ASSIGN_OR_RETURN(by_digest, image::ImageReference::Parse(image.name() + "@" + *pinned));
  }
  const image::ImageReference& subject = by_digest ? *by_digest : image;
  bool from_cache = false;
  const std::string key =
      CacheKey(rule, subject, validator.UsesPullCredentials() ? &pull : nullptr);
  auto result = cache_.GetOrVerify(
      key, [&] { return VerifyOrShare(validator, rule, subject, pull, key, deadline); }, deadline,
      &from_cache);
  if (!result.ok()) return result.status();
  if (pinned && result->digest != *pinned) {
    return VerificationFailedError("verified digest " + result->digest +
                                   " differs from the resolved digest " + *pinned);
  }
  if (from_cache) result->cache = verification::CacheOutcome::kCacheHit;
  return result;
}

StatusOr<VerifiedImage> ValidatorSet::VerifyOrShare(const Validator& validator,
                                                    const config::Rule& rule,
                                                    const image::ImageReference& subject,
                                                    const verification::PullContext& pull,
                                                    const std::string& key, Deadline deadline) {
  if (shared_ == nullptr) return validator.Verify(subject, rule.with, pull, deadline);
  const SharedCacheSubject shared_subject{key, rule.validator, OptionsJson(rule),
                                          subject.normalized(), subject.digest()};
  bool locked = false;
  if (auto hit = shared_->LookupOrLock(shared_subject, deadline, &locked)) return *std::move(hit);
  auto result = validator.Verify(subject, rule.with, pull, deadline);
  if (result.ok()) shared_->Store(shared_subject, *result, deadline);  // failures stay here
  if (locked) shared_->Unlock(shared_subject, deadline);  // after Store: waiters find the entry
  return result;
}

Status ValidatorSet::CheckBackends(Deadline deadline) {
  std::lock_guard<std::mutex> lock(readiness_mu_);
  const auto now = now_();
  if (readiness_checked_ && now - *readiness_checked_ < kReadinessReuse) return readiness_;
  Status status;
  for (const auto& [name, validator] : validators_) {
    Status reachable = validator->CheckReachable(deadline);
    if (!reachable.ok()) {
      const std::string prefix = "validator \"" + name + "\"";
      status = reachable.message().starts_with(prefix) ? reachable : reachable.WithPrefix(prefix);
      break;
    }
  }
  readiness_checked_ = now;
  readiness_ = status;
  return status;
}

}  // namespace connaisseur::validators
