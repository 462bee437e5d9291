// ValidatorSet: the configured validators by name behind one verification::ImageVerifier, with the
// verification cache in front of every non-static validator (docs/operations.md "Cache").
//
// Static validators run first and are never cached. Every other outcome is cached per
// (validator name, rule `with` options, image) for features.cache.expirySeconds, and concurrent
// requests for one key share one verification. The image part is the digest the validator pins
// (Validator::PinDigest: cosign resolves the tag first, so a moved tag is never answered from the
// cache) or else the normalised reference (notaryv1, whose tag-to-digest map is itself signed).
// Concurrent calls for one (validator, options, reference) share one run, tag resolution
// included; cache_stats().joined counts the callers that waited for another's.
// With features.cache.staleIfError, the last success proven per (validator, options, reference)
// is kept (LastVerifiedStore); when verifying it again fails with a back-end failure
// (IsBackendFailure: unreachable, timed out, 5xx), that success is answered (CacheOutcome::kStale),
// logged as a warning and counted per validator (stale_served()). Never after a deny (a deny
// drops the kept success), never past the signed data's expiry or cache.staleMaxSeconds, and not
// when the registry answered with another digest for the tag than the one kept.
// Thread-safe: one instance serves every worker.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/deadline.h"
#include "runtime/image/image_reference.h"
#include "runtime/log/logger.h"
#include "runtime/status.h"
#include "runtime/verification/image_verifier.h"
#include "validators/last_verified_store.h"
#include "validators/shared_verification_cache.h"
#include "validators/validator.h"
#include "validators/verification_cache.h"

namespace connaisseur::validators {

class ValidatorSet final : public verification::ImageVerifier {
 public:
  using ValidatorMap = std::map<std::string, std::unique_ptr<Validator>, std::less<>>;

  // Builds every validator of `config` (CreateValidator) and the cache from its features.
  // The TTL is capped at 300 s. Never refuses a configuration the loader accepted: a validator
  // that cannot be built denies every image with the reason, and the reason is appended to
  // *warnings (unless null). Each validator's configuration is kept, so that a rule whose
  // options it cannot honour (config::RuleDoubts) is denied with the doubt, not verified.
  static StatusOr<std::unique_ptr<ValidatorSet>> Create(
      const config::Config& config, std::vector<std::string>* warnings = nullptr);

  // For tests and embedders: validators already built, keyed by name. `stale`: the
  // staleIfError window (nullopt = off); its clock defaults to the cache's.
  ValidatorSet(ValidatorMap validators, VerificationCache::Options cache_options,
               std::optional<LastVerifiedStore::Options> stale = std::nullopt);

  // Denial messages (the text the webhook sends):
  //   unknown validator        `validator "<name>" not found`
  //   unusable validator, or a rule it cannot honour (sets built by Create only)
  //                            `error during <type> validation of image <raw>: <reason>`
  //   static approve=false     `static deny for image <raw> using rule <pattern>`
  //   any other failure        `error during <type> validation of image <raw>: <reason>`
  // A success carries "sha256:<hex>" (empty only for a static allow of a tag reference); a
  // digest differing from the one pinned in the reference is a failure.
  // For validators that use pull credentials (Validator::UsesPullCredentials), outcomes are
  // cached per pull identity (namespace, service account, pull secret names) as well.
  using verification::ImageVerifier::Verify;
  StatusOr<VerifiedImage> Verify(const config::Rule& rule, const image::ImageReference& image,
                                 const verification::PullContext& pull, Deadline deadline) override;

  // Asks every validator's CheckReachable; the first failure names its validator. An answer is
  // reused for kReadinessReuse so frequent /ready probes do not load the back-ends.
  Status CheckBackends(Deadline deadline) override;

  VerificationCache::Stats cache_stats() const { return cache_.stats(); }

  // Stale successes answered (staleIfError), by validator name, with the validator's type name.
  struct StaleCount {
    std::string type;
    uint64_t served = 0;
  };
  std::map<std::string, StaleCount, std::less<>> stale_served() const;

  // Where stale answers are logged (borrowed, may be null). Call before the first Verify.
  void SetLogger(log::Logger* logger) { logger_ = logger; }

  // Puts `shared` behind the in-process cache (features.cache.redis): looked up on an in-process
  // miss before verifying, given every success. Borrowed, must outlive the set; null = none.
  // Call before the first Verify.
  void SetSharedCache(SharedVerificationCache* shared) { shared_ = shared; }

  static constexpr std::chrono::seconds kReadinessReuse{5};

 private:
  StatusOr<VerifiedImage> VerifyCached(const Validator& validator, const config::Rule& rule,
                                       const image::ImageReference& image,
                                       const verification::PullContext& pull, Deadline deadline);
  // ResolveAndVerify, then the staleIfError bookkeeping for `key`: a success is kept, a deny
  // forgets the kept one, a back-end failure answers with it (kStale) while its window lasts.
  // While one is kept, verifying gets only 3/4 of the time left before `deadline`.
  StatusOr<VerifiedImage> VerifyOrStale(const Validator& validator, const config::Rule& rule,
                                        const image::ImageReference& image,
                                        const verification::PullContext& pull,
                                        const std::string& key, Deadline deadline);
  // PinDigest, then the cache (or the validator) for the pinned reference. `*pinned` receives
  // the digest PinDigest named, if it named one.
  StatusOr<VerifiedImage> ResolveAndVerify(const Validator& validator, const config::Rule& rule,
                                           const image::ImageReference& image,
                                           const verification::PullContext& pull, Deadline deadline,
                                           std::optional<std::string>* pinned);
  // Logs and counts a stale answer for `image`.
  void ReportStale(const Validator& validator, const config::Rule& rule,
                   const image::ImageReference& image, const VerifiedImage& verified);

  // The shared cache's entry for `key` (verified `subject`), or the validator, storing a success
  // there. Without a shared cache: the validator.
  StatusOr<VerifiedImage> VerifyOrShare(const Validator& validator, const config::Rule& rule,
                                        const image::ImageReference& subject,
                                        const verification::PullContext& pull,
                                        const std::string& key, Deadline deadline);

  // Why a validator or this rule's options cannot verify anything; OK when they can.
  Status CheckConfigured(const config::Rule& rule) const;

  ValidatorMap validators_;
  // name → configuration (Create only; empty for sets built from ready validators)
  std::map<std::string, config::ValidatorConfig, std::less<>> configs_;
  std::function<VerificationCache::Clock::time_point()> now_;
  VerificationCache cache_;
  std::optional<LastVerifiedStore> stale_;     // staleIfError; nullopt = off
  SharedVerificationCache* shared_ = nullptr;  // borrowed; null = in-process only
  log::Logger* logger_ = nullptr;              // borrowed; may be null

  mutable std::mutex stale_mu_;
  std::map<std::string, StaleCount, std::less<>> stale_served_;  // guarded by stale_mu_

  std::mutex readiness_mu_;
  std::optional<VerificationCache::Clock::time_point> readiness_checked_;  // guarded
  Status readiness_;                                                       // guarded
};

}  // namespace connaisseur::validators
