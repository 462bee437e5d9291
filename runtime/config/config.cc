#include "runtime/config/config.h"

#include <fstream>
#include <sstream>

#include "runtime/config/alerting_parser.h"
#include "runtime/config/cross_checks.h"
#include "runtime/config/diagnostics.h"
#include "runtime/config/layout.h"
#include "runtime/config/rule_parser.h"
#include "runtime/config/yaml_document.h"

namespace connaisseur::config {
namespace {

// Where the validator and policy lists live in each layout, for cross-check messages.
std::pair<std::string, std::string> ListPaths(Layout layout) {
  if (layout == Layout::kV3) return {"application.validators", "application.policy"};
  if (layout == Layout::kV1) return {"notary", "policy"};
  return {"validators", "policy"};
}

StatusOr<std::string> ReadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(path + ": cannot open configuration file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return InvalidArgumentError(path + ": cannot read configuration file");
  return text.str();
}

}  // namespace

std::string_view ValidatorTypeName(ValidatorType t) {
  switch (t) {
    case ValidatorType::kStatic:
      return "static";
    case ValidatorType::kNotaryV1:
      return "notaryv1";
    case ValidatorType::kCosign:
      return "cosign";
    case ValidatorType::kNotation:
      return "notation";
    case ValidatorType::kNotaryV2:
      return "notaryv2";
  }
  return "unknown";
}

const TrustRoot* ValidatorConfig::FindTrustRoot(std::string_view name) const {
  if (name.empty()) name = "default";
  for (const TrustRoot& root : trust_roots) {
    if (root.name == name) return &root;
  }
  return nullptr;
}

const ValidatorConfig* Config::FindValidator(std::string_view name) const {
  if (name.empty()) name = "default";
  for (const ValidatorConfig& v : validators) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

StatusOr<RuleOptions> ParseRuleOptions(const nlohmann::json& with) {
  Diagnostics diag("", nullptr);
  RuleOptions options;
  if (!with.is_null()) ParseRuleOptionsAt(with, "with", Dialect::kV3, diag, &options);
  CN_RETURN_IF_ERROR(diag.ToStatus());
  return options;
}

StatusOr<Config> LoadConfigText(std::string_view yaml_text, std::string_view source_name) {
  CN_ASSIGN_OR_RETURN(YamlDocument doc, ParseYaml(yaml_text, source_name));
  Diagnostics diag(std::string(source_name), &doc.lines);
  Config config;
  config.source = std::string(source_name);
  if (doc.root.is_null()) {
    diag.Error("", "configuration is empty");
  } else {
    ParseDocument(doc.root, diag, &config);
  }
  // Cross checks run even after section errors, so one run lists every problem; a validator
  // too broken to keep (no name or type) may add a "not found" warning for its rules.
  auto [validators_path, policy_path] = ListPaths(config.layout);
  CrossCheck(&config, validators_path, policy_path, diag);
  CN_RETURN_IF_ERROR(diag.ToStatus());
  config.warnings = diag.warnings();
  return config;
}

StatusOr<Config> LoadConfigFile(const std::string& path) {
  CN_ASSIGN_OR_RETURN(std::string text, ReadConfigFile(path));
  return LoadConfigText(text, path);
}

Status LoadAlertConfigText(std::string_view yaml_text, std::string_view source_name,
                           Config* config) {
  CN_ASSIGN_OR_RETURN(YamlDocument doc, ParseYaml(yaml_text, source_name));
  Diagnostics diag(std::string(source_name), &doc.lines);
  if (!doc.root.is_object()) {
    diag.Error("", "alert configuration must be a mapping");
  } else {
    const bool wrapped = doc.root.size() == 1 && doc.root.contains("alerting");
    const std::string path = wrapped ? "alerting" : "";
    if (config->alerting.enabled) {
      diag.Error(path, "alerting is also set in " + config->source + "; set it in one place");
    } else {
      config->alerting =
          ParseAlerting(wrapped ? doc.root["alerting"] : doc.root, path, Dialect::kV2, diag);
    }
  }
  CN_RETURN_IF_ERROR(diag.ToStatus());
  for (const std::string& w : diag.warnings()) config->warnings.push_back(w);
  return Status::Ok();
}

Status LoadAlertConfigFile(const std::string& path, Config* config) {
  CN_ASSIGN_OR_RETURN(std::string text, ReadConfigFile(path));
  return LoadAlertConfigText(text, path, config);
}

}  // namespace connaisseur::config
