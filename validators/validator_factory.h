// CreateValidator: builds the Validator for one `validators[]` entry of the configuration. The
// one place that knows which C++ class implements which validator type.
#pragma once

#include <memory>
#include <string>

#include "runtime/config/config.h"
#include "validators/validator.h"

namespace connaisseur::validators {

// Never fails: an entry that cannot verify anything (config.unusable set at load, a type not
// implemented yet, or options the validator refuses to build from, such as an auth secret that
// is not mounted) gives a validator that denies every image with the reason. A reason found here
// (one the loader did not know) is also stored in *failure (unless null), for the caller to
// warn about; *failure stays empty otherwise.
std::unique_ptr<Validator> CreateValidator(const config::ValidatorConfig& config,
                                           std::string* failure = nullptr);

}  // namespace connaisseur::validators
