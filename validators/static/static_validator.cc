#include "validators/static/static_validator.h"

namespace connaisseur::validators {

StatusOr<VerifiedImage> StaticValidator::Verify(const image::ImageReference& image,
                                                const config::RuleOptions& /*options*/,
                                                Deadline /*deadline*/) const {
  if (!approve_) return VerificationFailedError("static deny");
  VerifiedImage verified;
  verified.digest = image.digest().value_or("");
  verified.detail = "static allow";
  return verified;
}

}  // namespace connaisseur::validators
