#include "runtime/config/cross_checks.h"

#include <map>

#include "runtime/config/rule_doubts.h"

namespace connaisseur::config {
namespace {

// Which entry Connaisseur would take for a duplicated name differs by version; none of them is
// trusted: every entry of that name denies, saying why.
void CheckValidatorNames(Config* config, const std::string& path, Diagnostics& diag) {
  std::map<std::string, std::vector<size_t>, std::less<>> by_name;
  for (size_t i = 0; i < config->validators.size(); ++i) {
    by_name[config->validators[i].name].push_back(i);
  }
  for (const auto& [name, indices] : by_name) {
    if (indices.size() < 2) continue;
    std::string reason =
        "validator name \"" + name + "\" is defined " + std::to_string(indices.size()) + " times";
    if (name == "default") reason += " (Too many default validator configurations.)";
    for (size_t i : indices) {
      diag.Warning(JoinPath(IndexPath(path, i), "name"),
                   reason + ": images routed to it are denied");
      ValidatorConfig& v = config->validators[i];
      if (v.unusable.empty()) v.unusable = reason;
    }
  }
}

// Static validators take no options; Connaisseur ignores a trustRoot given to one, and so do we.
void CheckStaticOptions(const Rule& rule, const ValidatorConfig& v, const std::string& rule_path,
                        Diagnostics& diag) {
  if (v.type == ValidatorType::kStatic && !rule.with.trust_root.empty()) {
    diag.Warning(JoinPath(rule_path, "with.trustRoot"),
                 "static validator \"" + v.name + "\" has no trust roots; ignored");
  }
}

}  // namespace

void CrossCheck(Config* config, const std::string& validators_path, const std::string& policy_path,
                Diagnostics& diag) {
  CheckValidatorNames(config, validators_path, diag);
  for (const Rule& rule : config->policy) {
    const std::string rule_path = IndexPath(policy_path, rule.index);
    const ValidatorConfig* v = config->FindValidator(rule.validator);
    if (v == nullptr) {
      diag.Warning(
          JoinPath(rule_path, "validator"),
          "validator \"" + rule.validator + "\" not found: images this rule selects are denied");
      for (const RuleDoubt& doubt : UnknownKeyDoubts(rule.with)) {
        diag.Warning(JoinPath(rule_path, doubt.key),
                     doubt.message + ": images this rule selects are denied");
      }
      continue;
    }
    CheckStaticOptions(rule, *v, rule_path, diag);
    for (const RuleDoubt& doubt : RuleDoubts(rule.with, *v)) {
      diag.Warning(doubt.key.empty() ? rule_path : JoinPath(rule_path, doubt.key),
                   doubt.message + ": images this rule selects are denied");
    }
  }
}

}  // namespace connaisseur::config
