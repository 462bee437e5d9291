// UnavailableValidator: stands in for a validator type this build does not implement yet. It
// denies every image (fail closed), saying so, instead of making the configuration unloadable.
#pragma once

#include <string>
#include <string_view>

#include "validators/validator.h"

namespace connaisseur::validators {

class UnavailableValidator final : public Validator {
 public:
  explicit UnavailableValidator(std::string type) : type_(std::move(type)) {}

  std::string_view type() const override { return type_; }

  // Always kUnavailable "<type> validation is not available in this build yet".
  StatusOr<VerifiedImage> Verify(const image::ImageReference& image,
                                 const config::RuleOptions& options,
                                 Deadline deadline) const override;

 private:
  const std::string type_;
};

}  // namespace connaisseur::validators
