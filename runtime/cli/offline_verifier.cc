#include "runtime/cli/offline_verifier.h"

namespace connaisseur::cli {

bool OfflineVerifier::DecidesOffline(const std::string& validator) const {
  const config::ValidatorConfig* vc = config_->FindValidator(validator);
  return vc == nullptr || vc->type == config::ValidatorType::kStatic;
}

StatusOr<verification::VerifiedImage> OfflineVerifier::Verify(const config::Rule& rule,
                                                              const image::ImageReference& image,
                                                              const verification::PullContext& pull,
                                                              Deadline deadline) {
  if (DecidesOffline(rule.validator)) return verifier_->Verify(rule, image, pull, deadline);
  if (backend_validator_.empty()) backend_validator_ = rule.validator;
  return UnavailableError("validator \"" + rule.validator +
                          "\" needs its back-end, not contacted with --plan");
}

}  // namespace connaisseur::cli
