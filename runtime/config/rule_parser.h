// Parsing of policy rules (`application.policy[*]`) and their `with:` options
// (docs/configuration.md "Policy rules").
//
// Checks here need only the rule itself; checks against the validators (does the validator
// exist, does it have that trust root) are in cross_checks.h.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/config/diagnostics.h"
#include "runtime/config/field_reader.h"

namespace connaisseur::config {

// Longest accepted pattern, in bytes (docs/configuration.md "Policy rules").
inline constexpr size_t kMaxPatternBytes = 512;

// Parses a `with:` mapping at `path` into *out; returns the normalised (camelCase) mapping.
nlohmann::json ParseRuleOptionsAt(const nlohmann::json& with, const std::string& path,
                                  Dialect dialect, Diagnostics& diag, RuleOptions* out);

// Parses the policy list at `path` (required, >= 1 rule).
std::vector<Rule> ParsePolicy(const nlohmann::json* policy, const std::string& path,
                              Dialect dialect, Diagnostics& diag);

// Reports an unusable pattern (empty, whitespace, control characters, too long).
void CheckPattern(std::string_view pattern, const std::string& path, Diagnostics& diag);

}  // namespace connaisseur::config
