#include "runtime/config/rule_doubts.h"

namespace connaisseur::config {
namespace {

// Options that only one validator type understands; elsewhere they would be silently ignored.
void AddTypeMismatches(const RuleOptions& o, const ValidatorConfig& v,
                       std::vector<RuleDoubt>& out) {
  auto mismatch = [&](std::string_view key) {
    out.push_back({"with." + std::string(key),
                   "rule option \"" + std::string(key) + "\" is not an option of " +
                       std::string(ValidatorTypeName(v.type)) + " validator \"" + v.name + "\""});
  };
  if (!o.delegations.empty() && v.type != ValidatorType::kNotaryV1) mismatch("delegations");
  if (v.type != ValidatorType::kCosign) {
    if (o.threshold) mismatch("threshold");
    if (!o.required.empty()) mismatch("required");
  }
  // A static stand-in accepts it (and has no attestations, so a policy needing them denies).
  if (o.attestations && v.type != ValidatorType::kCosign && v.type != ValidatorType::kStatic) {
    mismatch("attestations");
  }
  if (v.type != ValidatorType::kNotation) {
    if (!o.verification_level.empty()) mismatch("verificationLevel");
    if (!o.verify_timestamp.empty()) mismatch("verifyTimestamp");
  }
}

void AddTrustRootDoubts(const RuleOptions& o, const ValidatorConfig& v,
                        std::vector<RuleDoubt>& out) {
  const bool named_root = o.trust_root != "*";
  if (named_root && o.threshold.value_or(0) > 1) {
    out.push_back({"with.threshold", "threshold " + std::to_string(*o.threshold) +
                                         " needs trustRoot \"*\" (a single named trust root "
                                         "can give only 1)"});
  }
  if (named_root && !o.required.empty()) {
    out.push_back({"with.required", "required needs trustRoot \"*\""});
  }
  if (v.trust_roots.empty()) return;  // the validator itself is unusable, said once
  if (o.trust_root.empty()) {
    if (v.FindTrustRoot("") == nullptr) {
      out.push_back({"", "no with.trustRoot given and validator \"" + v.name +
                             "\" has no trust root named \"default\""});
    }
  } else if (named_root && v.FindTrustRoot(o.trust_root) == nullptr) {
    out.push_back({"with.trustRoot",
                   "no trust root named \"" + o.trust_root + "\" in validator \"" + v.name + "\""});
  }
  for (size_t i = 0; i < o.required.size(); ++i) {
    if (v.FindTrustRoot(o.required[i]) == nullptr) {
      out.push_back(
          {"with.required[" + std::to_string(i) + "]",
           "no trust root named \"" + o.required[i] + "\" in validator \"" + v.name + "\""});
    }
  }
}

}  // namespace

std::vector<RuleDoubt> UnknownKeyDoubts(const RuleOptions& with) {
  std::vector<RuleDoubt> out;
  for (const auto& [key, suggestion] : with.unknown_keys) {
    out.push_back(
        {key, "unknown key \"" + key + "\"" + (suggestion.empty() ? "" : " (" + suggestion + ")")});
  }
  return out;
}

std::vector<RuleDoubt> RuleDoubts(const RuleOptions& with, const ValidatorConfig& v) {
  std::vector<RuleDoubt> out = UnknownKeyDoubts(with);
  if (v.type == ValidatorType::kStatic) return out;
  AddTypeMismatches(with, v, out);
  AddTrustRootDoubts(with, v, out);
  return out;
}

}  // namespace connaisseur::config
