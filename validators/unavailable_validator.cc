#include "validators/unavailable_validator.h"

namespace connaisseur::validators {

StatusOr<VerifiedImage> UnavailableValidator::Verify(const image::ImageReference& /*image*/,
                                                     const config::RuleOptions& /*options*/,
                                                     Deadline /*deadline*/) const {
  return InvalidArgumentError(reason_);
}

}  // namespace connaisseur::validators
