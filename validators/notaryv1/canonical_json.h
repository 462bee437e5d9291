// Canonical JSON as notary's Go encoder (docker/go canonical/json) writes it: the bytes TUF
// signatures cover. Object keys sorted bytewise, no whitespace, strings with only `"` and `\`
// escaped (control characters and non-ASCII written raw, no HTML escaping), integers only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "runtime/status.h"

namespace connaisseur::notaryv1 {

// kInvalidArgument for floating-point numbers (TUF metadata has none; their text form is not
// canonical) and for nesting deeper than 64 levels.
StatusOr<std::string> CanonicalJson(const nlohmann::json& value);

}  // namespace connaisseur::notaryv1
