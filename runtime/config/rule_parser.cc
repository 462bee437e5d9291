#include "runtime/config/rule_parser.h"

#include <algorithm>
#include <map>

namespace connaisseur::config {
namespace {

using nlohmann::json;

// Reads an enum-valued string; reports "must be one of [...]" naming the value (not secret).
template <typename T>
std::optional<T> ReadEnum(FieldReader& r, std::string_view key, std::string_view what,
                          const std::vector<std::pair<std::string_view, T>>& values) {
  std::optional<std::string> s = r.String(key);
  if (!s) return std::nullopt;
  for (const auto& [name, value] : values) {
    if (*s == name) return value;
  }
  std::string names;
  for (const auto& [name, value] : values) names += (names.empty() ? "" : " ") + std::string(name);
  r.diag().Error(r.PathOf(key),
                 std::string(what) + " must be one of [" + names + "], got \"" + *s + "\"");
  return std::nullopt;
}

// The options whose values are one of a few names: `mode`, `verificationLevel`,
// `verifyTimestamp` (notation).
void ReadEnumOptions(FieldReader& r, RuleOptions* out, json& normalised) {
  if (auto mode = ReadEnum<RuleMode>(r, "mode", "Mode",
                                     {{"mutate", RuleMode::kMutate},
                                      {"insecureValidateOnly", RuleMode::kInsecureValidateOnly}})) {
    out->mode = *mode;
    normalised["mode"] = *mode == RuleMode::kMutate ? "mutate" : "insecureValidateOnly";
  }
  if (auto level = ReadEnum<std::string_view>(
          r, "verificationLevel", "VerificationLevel",
          {{"strict", "strict"}, {"permissive", "permissive"}, {"audit", "audit"}})) {
    out->verification_level = *level;
    normalised["verificationLevel"] = *level;
  }
  if (auto ts = ReadEnum<std::string_view>(
          r, "verifyTimestamp", "VerifyTimestamp",
          {{"always", "always"}, {"afterCertExpiry", "afterCertExpiry"}})) {
    out->verify_timestamp = *ts;
    normalised["verifyTimestamp"] = *ts;
  }
}

}  // namespace

void CheckPattern(std::string_view pattern, const std::string& path, Diagnostics& diag) {
  if (pattern.empty()) {
    diag.Error(path, "Pattern must not be empty");
  } else if (pattern.size() > kMaxPatternBytes) {
    diag.Error(path, "pattern is longer than " + std::to_string(kMaxPatternBytes) + " bytes");
  } else if (HasControlChars(pattern)) {
    diag.Error(path, "pattern contains control characters");
  } else if (pattern.find(' ') != std::string_view::npos) {
    diag.Error(path, "pattern contains whitespace");
  }
}

json ParseRuleOptionsAt(const json& with, const std::string& path, Dialect dialect,
                        Diagnostics& diag, RuleOptions* out) {
  FieldReader r(with, path, diag, dialect);
  r.Alias("key", "trustRoot");  // Connaisseur v2.0 spelled it `with.key`
  r.Alias("verifySct", "verifySCT");
  json normalised = json::object();
  if (auto s = r.String("trustRoot")) {
    out->trust_root = *s;
    normalised["trustRoot"] = *s;
    if (HasControlChars(*s)) diag.Error(r.PathOf("trustRoot"), "contains control characters");
  }
  // `delegations: []` means no delegations (Connaisseur treats both alike).
  if (auto list = r.StringList("delegations", /*non_empty=*/false); list && !list->empty()) {
    out->delegations = *list;
    normalised["delegations"] = *list;
  }
  if (auto n = r.Int("threshold", 0, 1000)) {
    out->threshold = static_cast<int>(*n);
    normalised["threshold"] = *n;
  }
  if (auto list = r.StringList("required", /*non_empty=*/true)) {
    out->required = *list;
    normalised["required"] = *list;
  }
  if (auto b = r.Bool("verifyInTransparencyLog")) {
    out->verify_in_transparency_log = *b;
    normalised["verifyInTransparencyLog"] = *b;
  }
  if (auto b = r.Bool("verifySCT")) {
    out->verify_sct = *b;
    normalised["verifySCT"] = *b;
  }
  if (auto b = r.Bool("attestations")) {
    out->attestations = *b;
    if (*b) normalised["attestations"] = true;  // false is the default: one cache key for both
  }
  ReadEnumOptions(r, out, normalised);
  // Options that cannot work together or with the rule's validator (threshold > 1 on a named
  // root, delegations beside required, ...) and unknown keys load, as in Connaisseur:
  // RuleDoubts denies them.
  for (const UnknownKey& unknown : r.UnknownKeys()) {
    out->unknown_keys.emplace_back("with." + unknown.key, unknown.suggestion);
  }
  return normalised;
}

std::vector<Rule> ParsePolicy(const json* policy, const std::string& path, Dialect dialect,
                              Diagnostics& diag) {
  std::vector<Rule> rules;
  if (policy == nullptr || (policy->is_array() && policy->empty())) {
    diag.Error(path, "Rules must contain at least 1 item");
    return rules;
  }
  if (!policy->is_array()) {
    diag.Error(path, "expected a list, got " + std::string(JsonTypeName(*policy)));
    return rules;
  }
  for (size_t i = 0; i < policy->size(); ++i) {
    std::string rule_path = IndexPath(path, i);
    FieldReader r((*policy)[i], rule_path, diag, dialect);
    if (!r.is_mapping()) continue;
    Rule rule;
    rule.index = i;
    if (auto p = r.String("pattern", /*required=*/true)) {
      rule.pattern = *p;
      // A repeated pattern loads: the later rule wins the tie (v3.10), and `lint` says which
      // rule shadows which.
      CheckPattern(rule.pattern, r.PathOf("pattern"), diag);
    }
    if (auto v = r.String("validator")) rule.validator = *v;
    if (rule.validator.empty()) rule.validator = "default";
    if (const json* with = r.Get("with")) {
      rule.with_json = ParseRuleOptionsAt(*with, r.PathOf("with"), dialect, diag, &rule.with);
    }
    // A misspelled `validator` would route the rule to "default": the rule denies instead.
    for (const UnknownKey& unknown : r.UnknownKeys()) {
      rule.with.unknown_keys.emplace_back(unknown.key, unknown.suggestion);
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace connaisseur::config
