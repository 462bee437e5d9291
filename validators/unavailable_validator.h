// UnavailableValidator: stands in for a validator that cannot verify anything as configured (no
// trust root, an empty key, a stub type, a secret that is not mounted, a type this build does
// not implement yet). It denies every image (fail closed) with the reason, instead of making the
// configuration unloadable: Connaisseur loads these configurations too.
#pragma once

#include <string>
#include <string_view>

#include "validators/validator.h"

namespace connaisseur::validators {

class UnavailableValidator final : public Validator {
 public:
  // `type` is the configured type; `reason` says why nothing can verify, e.g.
  // `validator "default" has no trust root configured`.
  UnavailableValidator(config::ValidatorType type, std::string reason)
      : type_(type), reason_(std::move(reason)) {}

  config::ValidatorType type() const override { return type_; }
  const std::string& reason() const { return reason_; }

  // Always kInvalidArgument (a configuration problem: retrying cannot help) with the reason.
  StatusOr<VerifiedImage> Verify(const image::ImageReference& image,
                                 const config::RuleOptions& options,
                                 Deadline deadline) const override;

 private:
  const config::ValidatorType type_;
  const std::string reason_;
};

}  // namespace connaisseur::validators
