// ValidatorSet: the configured validators by name behind one admission::ImageVerifier, with the
// verification cache in front of every non-static validator (webhook.md §3 steps 3-5, §7).
//
// Static validators run first and are never cached. Every other outcome is cached per
// (validator name, rule `with` options, normalised reference) for features.cache.expirySeconds,
// and concurrent requests for one key share one verification. Thread-safe: one instance serves
// every worker.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "runtime/admission/image_verifier.h"
#include "runtime/config/config.h"
#include "runtime/deadline.h"
#include "runtime/image/image_reference.h"
#include "runtime/status.h"
#include "validators/validator.h"
#include "validators/verification_cache.h"

namespace connaisseur::validators {

class ValidatorSet final : public admission::ImageVerifier {
 public:
  using ValidatorMap = std::map<std::string, std::unique_ptr<Validator>, std::less<>>;

  // Builds every validator of `config` (CreateValidator) and the cache from its features.
  // The TTL is capped at 300 s.
  static StatusOr<std::unique_ptr<ValidatorSet>> Create(const config::Config& config);

  // For tests and embedders: validators already built, keyed by name.
  ValidatorSet(ValidatorMap validators, VerificationCache::Options cache_options);

  // Denial messages (the text the webhook sends):
  //   unknown validator        `validator "<name>" not found`
  //   static approve=false     `static deny for image <raw> using rule <pattern>`
  //   any other failure        `error during <type> validation of image <raw>: <reason>`
  // A success carries "sha256:<hex>" (empty only for a static allow of a tag reference); a
  // digest differing from the one pinned in the reference is a failure.
  StatusOr<VerifiedImage> Verify(const config::Rule& rule, const image::ImageReference& image,
                                 Deadline deadline) override;

  VerificationCache::Stats cache_stats() const { return cache_.stats(); }

 private:
  ValidatorMap validators_;
  VerificationCache cache_;
};

}  // namespace connaisseur::validators
