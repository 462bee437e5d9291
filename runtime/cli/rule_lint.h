// LintRules: policy rules that are valid but cannot do what their author meant, for `lint`:
//   - rules that can never match any image under anchored matching (docs/configuration.md "Policy
//   rules"), e.g. a
//     registry-less `test-image` or `securesystemsengineering/*:co*`, `index.docker.io/...`
//     (normalised to docker.io) or `docker.io/nginx` (normalised to docker.io/library/nginx);
//   - rules shadowed by an identical earlier rule (same pattern);
//   - rules that may send a validator's inline registry credentials to any registry (a wildcard
//     in the registry part, and no `auth.registry` to scope them).
#pragma once

#include <string>
#include <vector>

#include "runtime/config/config.h"

namespace connaisseur::cli {

struct RuleWarning {
  size_t rule_index;    // position in the policy list
  size_t other_index;   // the shadowed (earlier) rule for a shadow warning, else rule_index
  std::string message;  // one line, names the pattern
};

// `legacy_unanchored`: features.legacyUnanchoredMatching, under which every pattern is wrapped
// in `*…*` and the never-match check does not apply.
std::vector<RuleWarning> LintRules(const std::vector<config::Rule>& rules, bool legacy_unanchored);

// The credential-scope warnings of `config` (cosign validators whose `auth.username` is set
// without `auth.registry`, used by a rule whose registry is a wildcard).
std::vector<RuleWarning> LintCredentialScope(const config::Config& config);

}  // namespace connaisseur::cli
