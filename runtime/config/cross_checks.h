// Checks across sections (docs/configuration.md "How problems are reported"): unique validator
// names, every rule's validator exists, every trust root a rule names exists, options fit the
// validator type.
#pragma once

#include <string>

#include "runtime/config/config.h"
#include "runtime/config/diagnostics.h"

namespace connaisseur::config {

// `validators_path`/`policy_path`: where the lists live in the user's document
// ("application.validators" for v3, "validators" for v2, ...).
void CrossCheck(const Config& config, const std::string& validators_path,
                const std::string& policy_path, Diagnostics& diag);

}  // namespace connaisseur::config
