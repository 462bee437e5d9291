// Checks across sections (docs/configuration.md "How problems are reported"): unique validator
// names, every rule's validator exists, every trust root a rule names exists, options fit the
// validator type.
//
// None of them refuses the file: Connaisseur loads all of these shapes. Each becomes a warning
// with its path, and the image is denied at request time with the same reason (a duplicated
// validator name marks every entry of that name unusable; rules are checked again per image
// by RuleDoubts; a missing validator is denied by name).
#pragma once

#include <string>

#include "runtime/config/config.h"
#include "runtime/config/diagnostics.h"

namespace connaisseur::config {

// `validators_path`/`policy_path`: where the lists live in the user's document
// ("application.validators" for v3, "validators" for v2, ...).
void CrossCheck(Config* config, const std::string& validators_path, const std::string& policy_path,
                Diagnostics& diag);

}  // namespace connaisseur::config
