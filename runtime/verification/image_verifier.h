// ImageVerifier: what the admission pipeline, `check` and `connaisseur.verify` call to run a
// rule's validator on one image. Implemented in validators/ (with caching and single-flight);
// runtime/admission/, runtime/policy/ and stdlib/ only know this interface, so dependencies point
// one way: validators/ → runtime/verification/ ← runtime/admission/.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/deadline.h"
#include "runtime/image/image_reference.h"
#include "runtime/status.h"
#include "runtime/verification/attestation.h"
#include "runtime/verification/pull_context.h"

namespace connaisseur::verification {

// Whether an outcome was proven by this call or answered from the verification cache (a cache hit
// is counted apart from a validation in the metrics). kStale: verifying again failed because the
// back-end could not be asked, and features.cache.staleIfError answered with a success proven
// earlier (VerifiedImage::stale says when and why).
enum class CacheOutcome { kVerified, kCacheHit, kStale };

// Why a stale success was used: the back-end's failure, and how long ago the success was proven.
struct StaleUse {
  std::string backend_error;
  std::chrono::seconds age{0};
};

// What a successful verification proved.
struct VerifiedImage {
  // "sha256:<64 hex>" the signature covers; empty only for a static allow of a tag reference.
  std::string digest;
  // Short human text of what was checked ("static allow", "2/2 trust roots").
  std::string detail;
  CacheOutcome cache = CacheOutcome::kVerified;
  // When what proved it stops being valid (the signed metadata's own expiry, or the end of a
  // shared-cache entry's life): no cache keeps the outcome past it. nullopt = no such bound.
  std::optional<std::chrono::system_clock::time_point> valid_until;
  // Set when cache == kStale.
  std::optional<StaleUse> stale;
  // Only when the rule asked for them (cosign `with.attestations: true`): the statements about
  // this digest that verified under the rule's trust roots, and why each other one found was
  // dropped ("sha256-<hex>.att layer 1: DSSE signature does not verify ..."). Both empty
  // otherwise.
  std::vector<Attestation> attestations;
  std::vector<std::string> attestation_errors;
  // The validator read the registry with the pull credentials of the object under review (cosign
  // `auth.useKeychain`): the outcome holds for that pull identity only.
  bool used_pull_credentials = false;
};

class ImageVerifier {
 public:
  virtual ~ImageVerifier() = default;

  // Runs the validator `rule.validator` with `rule.with` on `image`, pulling with the
  // credentials `pull` grants where the validator reads them from the cluster (an empty `pull`:
  // anonymously). Any failure is a non-OK Status whose message says what failed; the caller
  // denies. When `image` pins a digest, a success proves exactly that digest: a validator that
  // proves another one is a failure here, and callers do not check it again. Thread-safe.
  virtual StatusOr<VerifiedImage> Verify(const config::Rule& rule,
                                         const image::ImageReference& image,
                                         const PullContext& pull, Deadline deadline) = 0;

  // The same without a cluster context (`check`, `test`, tests).
  StatusOr<VerifiedImage> Verify(const config::Rule& rule, const image::ImageReference& image,
                                 Deadline deadline) {
    return Verify(rule, image, PullContext{}, deadline);
  }

  // Whether the back-ends behind the validators answer (the webhook's /ready). OK when every
  // fixed back-end (a notary host, ...) responded before `deadline`; otherwise the first
  // failure, naming the validator. Thread-safe; implementations may reuse a recent answer.
  virtual Status CheckBackends(Deadline deadline) {
    (void)deadline;
    return Status();
  }
};

}  // namespace connaisseur::verification
