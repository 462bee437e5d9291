// CreateValidator: builds the Validator for one `validators[]` entry of the configuration. The
// one place that knows which C++ class implements which validator type.
#pragma once

#include <memory>

#include "runtime/config/config.h"
#include "runtime/status.h"
#include "validators/validator.h"

namespace connaisseur::validators {

// Fails when the entry's options cannot be turned into a working validator (e.g. a key that does
// not parse). Types not implemented yet give a validator that denies every image.
StatusOr<std::unique_ptr<Validator>> CreateValidator(const config::ValidatorConfig& config);

}  // namespace connaisseur::validators
