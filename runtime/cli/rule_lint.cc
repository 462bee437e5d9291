#include "runtime/cli/rule_lint.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <unordered_map>

#include "runtime/matching/registry_host.h"

namespace connaisseur::cli {
namespace {

bool HasWildcard(std::string_view text) {
  return text.find_first_of("*?[") != std::string_view::npos;
}

// True when an image may spell `host` (lower-case, without '.' or ':') with an upper-case
// letter, which makes it a registry: a host label of letters, digits and '-' with a letter.
bool CanBeWrittenAsHost(std::string_view host) {
  const auto is_lower = [](char c) { return c >= 'a' && c <= 'z'; };
  const auto is_label = [&](char c) { return is_lower(c) || (c >= '0' && c <= '9') || c == '-'; };
  return !host.empty() && std::all_of(host.begin(), host.end(), is_label) &&
         std::any_of(host.begin(), host.end(), is_lower) && host.front() != '-' &&
         host.back() != '-';
}

// A normalised image is `<registry>/<path>...`, and a registry component contains '.' or ':',
// is `localhost`, or has an upper-case letter (docs/policy-lua.md "image"); its host is
// lower-cased and compares case-insensitively (runtime/matching/registry_host.h). Returns why
// `pattern` can never match such a string, or "" when it might.
std::string NeverMatchReason(std::string_view pattern) {
  const size_t slash = pattern.find('/');
  const std::string first = matching::FoldRegistryHost(matching::RegistryHost(pattern));
  if (HasWildcard(first)) return "";  // `*` crosses '/', so anything may follow
  if (slash == std::string_view::npos) {
    return "it has no '/' and no wildcard in it, but every normalised image is "
           "<registry>/<repository>; write e.g. \"docker.io/library/" +
           std::string(pattern) + "\"";
  }
  const bool registry_like = first.find_first_of(".:") != std::string::npos || first == "localhost";
  if (!registry_like && !CanBeWrittenAsHost(first)) {
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

// `registry/*`: its first component is a registry only in an image that writes it with an
// upper-case letter ("Registry/x", host "registry"); Docker Hub's "registry/x" is
// docker.io/registry/x. The rule can match, but hardly what its author meant.
std::string UpperCaseHostOnlyReason(std::string_view pattern) {
  const std::string first = matching::FoldRegistryHost(matching::RegistryHost(pattern));
  if (first.size() == pattern.size() || HasWildcard(first)) return "";
  if (first.find_first_of(".:") != std::string::npos || first == "localhost") return "";
  if (!CanBeWrittenAsHost(first)) return "";
  std::string written = first;  // how an image must spell it, e.g. "Registry"
  written[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(written[0])));
  return "it matches only images that write their registry \"" + first +
         "\" with an upper-case letter (such as \"" + written + "/...\"); Docker Hub's \"" + first +
         "/...\" is normalised to \"docker.io/" + first + "/...\"; write e.g. \"docker.io/" +
         std::string(pattern) + "\" or \"*/" + std::string(pattern) + "\"";
}

std::string ShadowMessage(const config::Rule& earlier_rule, const config::Rule& later_rule,
                          size_t later_index, size_t earlier_index) {
  const std::string later = std::to_string(later_index + 1);
  const std::string earlier = std::to_string(earlier_index + 1);
  const std::string same =
      earlier_rule.pattern == later_rule.pattern
          ? "both have pattern \"" + later_rule.pattern + "\""
          : "patterns \"" + earlier_rule.pattern + "\" and \"" + later_rule.pattern +
                "\" differ only in the case of the registry host, which matching ignores";
  return "rule " + later + " shadows rule " + earlier + ": " + same +
         ", and on a tie the later rule wins, so rule " + earlier + " is never used";
}

}  // namespace

std::vector<RuleWarning> LintRules(const std::vector<config::Rule>& rules, bool legacy_unanchored) {
  std::vector<RuleWarning> warnings;
  // Keyed by the pattern with its host folded: `Reg.IO/*` and `reg.io/*` are one rule.
  std::unordered_map<std::string, size_t> last_with_pattern;
  for (size_t i = 0; i < rules.size(); ++i) {
    const config::Rule& rule = rules[i];
    auto [it, inserted] = last_with_pattern.emplace(matching::FoldRegistryHost(rule.pattern), i);
    if (!inserted) {
      // Same pattern, same specificity: the later rule wins the tie (v3.10), so the earlier
      // one is never used. Rules are numbered from 1, as an admin counts them.
      warnings.push_back({i, it->second, ShadowMessage(rules[it->second], rule, i, it->second)});
      it->second = i;
    }
    if (legacy_unanchored) continue;
    if (std::string reason = NeverMatchReason(rule.pattern); !reason.empty()) {
      warnings.push_back({i, i, "rule \"" + rule.pattern + "\" can never match: " + reason});
    } else if (reason = UpperCaseHostOnlyReason(rule.pattern); !reason.empty()) {
      warnings.push_back({i, i, "rule \"" + rule.pattern + "\" is probably wrong: " + reason});
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
