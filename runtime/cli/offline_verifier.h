// OfflineVerifier: the ImageVerifier `check --plan` gives the policy. It answers, through the
// real verifier, every verification that needs no network: a `static` validator (allow or
// deny, with the webhook's message) and a validator that is not configured (denied as the
// webhook denies it). A validator with a back-end (notaryv1, cosign, ...) is never called: the
// verification fails with a message saying so, and needed_backend() turns true, so the caller
// reports the image as `plan` instead of a verdict it could not know.
//
// One per worker, like the policy that holds it: not thread-safe.
#pragma once

#include <string>

#include "runtime/config/config.h"
#include "runtime/verification/image_verifier.h"

namespace connaisseur::cli {

class OfflineVerifier final : public verification::ImageVerifier {
 public:
  // `config` and `verifier` are borrowed and must outlive this object.
  OfflineVerifier(const config::Config* config, verification::ImageVerifier* verifier)
      : config_(config), verifier_(verifier) {}

  // True when the webhook's verdict for `validator` needs no back-end: it is `static`, or it
  // is not configured at all.
  bool DecidesOffline(const std::string& validator) const;

  // Delegates when DecidesOffline(rule.validator); otherwise records the validator and fails
  // with kUnavailable "validator \"<name>\" needs its back-end, not contacted with --plan".
  StatusOr<verification::VerifiedImage> Verify(const config::Rule& rule,
                                               const image::ImageReference& image,
                                               const verification::PullContext& pull,
                                               Deadline deadline) override;

  // Whether a verification since the last Reset() needed a back-end, and the first validator
  // that did.
  bool needed_backend() const { return !backend_validator_.empty(); }
  const std::string& backend_validator() const { return backend_validator_; }
  void Reset() { backend_validator_.clear(); }

 private:
  const config::Config* config_;           // borrowed
  verification::ImageVerifier* verifier_;  // borrowed
  std::string backend_validator_;
};

}  // namespace connaisseur::cli
