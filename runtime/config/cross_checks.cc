#include "runtime/config/cross_checks.h"

#include <map>

namespace connaisseur::config {
namespace {

void CheckValidatorNames(const Config& config, const std::string& path, Diagnostics& diag) {
  std::map<std::string, size_t, std::less<>> first;
  for (size_t i = 0; i < config.validators.size(); ++i) {
    const std::string& name = config.validators[i].name;
    auto [it, inserted] = first.emplace(name, i);
    if (inserted) continue;
    std::string message = "duplicate validator name \"" + name + "\"";
    if (name == "default") message = "Too many default validator configurations.";
    diag.Error(JoinPath(IndexPath(path, i), "name"),
               message + " (also " + IndexPath(path, it->second) + ")");
  }
}

// Which `with` options each validator type understands; others would be silently ignored.
void CheckOptionsFitType(const Rule& rule, const ValidatorConfig& v, const std::string& with,
                         Diagnostics& diag) {
  const RuleOptions& o = rule.with;
  std::string type(ValidatorTypeName(v.type));
  auto reject = [&](std::string_view key) {
    diag.Error(JoinPath(with, key), "not an option of " + type + " validator \"" + v.name + "\"");
  };
  if (!o.delegations.empty() && v.type != ValidatorType::kNotaryV1) reject("delegations");
  if (v.type != ValidatorType::kCosign) {
    if (o.threshold) reject("threshold");
    if (!o.required.empty()) reject("required");
  }
  if (v.type != ValidatorType::kNotation) {
    if (!o.verification_level.empty()) reject("verificationLevel");
    if (!o.verify_timestamp.empty()) reject("verifyTimestamp");
  }
}

void CheckTrustRoots(const Rule& rule, const ValidatorConfig& v, const std::string& with,
                     Diagnostics& diag) {
  const RuleOptions& o = rule.with;
  if (v.type == ValidatorType::kStatic) {
    if (!o.trust_root.empty()) {
      diag.Error(JoinPath(with, "trustRoot"),
                 "static validator \"" + v.name + "\" has no trust roots");
    }
    return;
  }
  if (v.trust_roots.empty()) return;  // already reported at the validator
  if (o.trust_root.empty()) {
    if (v.FindTrustRoot("") == nullptr) {
      diag.Error(with.substr(0, with.rfind('.')), "no with.trustRoot given and validator \"" +
                                                      v.name +
                                                      "\" has no trust root named \"default\"");
    }
  } else if (o.trust_root != "*" && v.FindTrustRoot(o.trust_root) == nullptr) {
    diag.Error(JoinPath(with, "trustRoot"),
               "no trust root named \"" + o.trust_root + "\" in validator \"" + v.name + "\"");
  }
  for (size_t i = 0; i < o.required.size(); ++i) {
    if (v.FindTrustRoot(o.required[i]) == nullptr) {
      diag.Error(IndexPath(JoinPath(with, "required"), i),
                 "no trust root named \"" + o.required[i] + "\" in validator \"" + v.name + "\"");
    }
  }
}

}  // namespace

void CrossCheck(const Config& config, const std::string& validators_path,
                const std::string& policy_path, Diagnostics& diag) {
  CheckValidatorNames(config, validators_path, diag);
  for (const Rule& rule : config.policy) {
    std::string rule_path = IndexPath(policy_path, rule.index);
    const ValidatorConfig* v = config.FindValidator(rule.validator);
    if (v == nullptr) {
      diag.Error(JoinPath(rule_path, "validator"), "no validator named \"" + rule.validator +
                                                       "\" (validator \"" + rule.validator +
                                                       "\" not found)");
      continue;
    }
    std::string with = JoinPath(rule_path, "with");
    CheckOptionsFitType(rule, *v, with, diag);
    CheckTrustRoots(rule, *v, with, diag);
  }
}

}  // namespace connaisseur::config
