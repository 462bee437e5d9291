// RuleDoubts: why a rule's `with:` options cannot be honoured by the validator it names.
//
// Connaisseur loads such rules (an unknown trust root, `threshold` on a notaryv1 validator, a
// rule without trustRoot for a validator without a "default" root, ...) and fails or ignores the
// option per image. We load them too, but never ignore an option: `lint` lists each doubt as a
// warning, and the validator set denies every image the rule selects with the same message. The
// check runs per request as well, so rules returned by a custom policy script get it too.
#pragma once

#include <string>
#include <vector>

#include "runtime/config/config.h"

namespace connaisseur::config {

struct RuleDoubt {
  std::string key;      // path below the rule: "with.trustRoot", "with.required[1]", "" = rule
  std::string message;  // names the option and the validator, never a secret
  bool operator==(const RuleDoubt&) const = default;
};

// One doubt per unknown key of the rule or its `with` ("unknown key \"with.trustRot\" (did you
// mean ...)"), whatever the validator: a misspelled option must not silently weaken
// verification.
std::vector<RuleDoubt> UnknownKeyDoubts(const RuleOptions& with);

// Empty when `v` can apply every option of `with` and the rule has no unknown key. Static
// validators take no options and doubt only unknown keys; a validator without trust roots is
// reported at the validator, not per rule.
std::vector<RuleDoubt> RuleDoubts(const RuleOptions& with, const ValidatorConfig& v);

}  // namespace connaisseur::config
