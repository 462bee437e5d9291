// StaticValidator: the `static` validator type (docs/configuration.md "Validators"): approves or
// denies every image without looking at it, per its `approve` flag.
#pragma once

#include <string_view>

#include "validators/validator.h"

namespace connaisseur::validators {

class StaticValidator final : public Validator {
 public:
  explicit StaticValidator(bool approve) : approve_(approve) {}

  config::ValidatorType type() const override { return config::ValidatorType::kStatic; }

  // approve=true: OK with the image's own digest when the reference pins one (else empty, so no
  // patch is made). approve=false: kVerificationFailed "static deny". Never touches the network.
  StatusOr<VerifiedImage> Verify(const image::ImageReference& image,
                                 const config::RuleOptions& options,
                                 Deadline deadline) const override;

 private:
  const bool approve_;
};

}  // namespace connaisseur::validators
