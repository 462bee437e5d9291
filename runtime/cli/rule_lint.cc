#include "runtime/cli/rule_lint.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace connaisseur::cli {
namespace {

bool HasWildcard(std::string_view text) {
  return text.find_first_of("*?[") != std::string_view::npos;
}

// A normalised image is `<registry>/<path>...`, and a registry component contains '.' or ':',
// is `localhost`, or has an upper-case letter (docs/policy-lua.md "image"). Returns why `pattern`
// can never match such a string, or "" when it might.
std::string NeverMatchReason(std::string_view pattern) {
  const size_t slash = pattern.find('/');
  const std::string_view first = pattern.substr(0, slash);
  if (HasWildcard(first)) return "";  // `*` crosses '/', so anything may follow
  if (slash == std::string_view::npos) {
    return "it has no '/' and no wildcard in it, but every normalised image is "
           "<registry>/<repository>; write e.g. \"docker.io/library/" +
           std::string(pattern) + "\"";
  }
  const bool registry_like =
      first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
      std::any_of(first.begin(), first.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!registry_like) {
    return "its first component \"" + std::string(first) +
           "\" is not a registry (no '.', ':' or localhost), and matching is anchored at the "
           "registry; write e.g. \"docker.io/" +
           std::string(pattern) + "\" or \"*/" + std::string(pattern) + "\"";
  }
  if (first == "index.docker.io") {
    return "images on Docker Hub are normalised to docker.io, never index.docker.io";
  }
  if (first == "docker.io") {
    const std::string_view rest = pattern.substr(slash + 1);
    const std::string_view name = rest.substr(0, rest.find_first_of(":@"));
    if (!name.empty() && rest.find('/') == std::string_view::npos && !HasWildcard(name)) {
      return "single-name Docker Hub images are normalised to docker.io/library/<name>";
    }
  }
  return "";
}

}  // namespace

std::vector<RuleWarning> LintRules(const std::vector<config::Rule>& rules, bool legacy_unanchored) {
  std::vector<RuleWarning> warnings;
  std::unordered_map<std::string, size_t> last_with_pattern;
  for (size_t i = 0; i < rules.size(); ++i) {
    const config::Rule& rule = rules[i];
    auto [it, inserted] = last_with_pattern.emplace(rule.pattern, i);
    if (!inserted) {
      // Same pattern, same specificity: the later rule wins the tie (v3.10), so the earlier
      // one is never used. Rules are numbered from 1, as an admin counts them.
      const std::string later = std::to_string(i + 1), earlier = std::to_string(it->second + 1);
      warnings.push_back({i, it->second,
                          "rule " + later + " shadows rule " + earlier + ": both have pattern \"" +
                              rule.pattern + "\", and on a tie the later rule wins, so rule " +
                              earlier + " is never used"});
      it->second = i;
    }
    if (legacy_unanchored) continue;
    const std::string reason = NeverMatchReason(rule.pattern);
    if (!reason.empty()) {
      warnings.push_back({i, i, "rule \"" + rule.pattern + "\" can never match: " + reason});
    }
  }
  return warnings;
}

std::vector<RuleWarning> LintCredentialScope(const config::Config& config) {
  std::vector<RuleWarning> warnings;
  for (size_t i = 0; i < config.policy.size(); ++i) {
    const config::Rule& rule = config.policy[i];
    const config::ValidatorConfig* v = config.FindValidator(rule.validator);
    if (v == nullptr || v->type != config::ValidatorType::kCosign) continue;
    if (v->auth.username.empty() || !v->auth.registry.empty()) continue;
    const std::string_view pattern = rule.pattern;
    if (!HasWildcard(pattern.substr(0, pattern.find('/')))) continue;
    warnings.push_back({i, i,
                        "rule \"" + rule.pattern + "\" lets validator \"" + v->name +
                            "\" send its registry credentials to any registry the rule matches; "
                            "set auth.registry to the registry they belong to"});
  }
  return warnings;
}

}  // namespace connaisseur::cli
