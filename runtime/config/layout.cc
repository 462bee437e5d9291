#include "runtime/config/layout.h"

#include <vector>

#include "runtime/config/alerting_parser.h"
#include "runtime/config/application_parser.h"
#include "runtime/config/field_reader.h"

namespace connaisseur::config {
namespace {

using nlohmann::json;

bool Present(const json& root, const char* key) {
  return root.contains(key) && !root[key].is_null();
}

bool AnySnakeCaseKey(const json& value) {
  if (value.is_array()) {
    for (const json& item : value) {
      if (AnySnakeCaseKey(item)) return true;
    }
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (key.find('_') != std::string::npos || AnySnakeCaseKey(item)) return true;
    }
  }
  return false;
}

// The rendered config (written by the v3 chart) holds nothing but the application's validators
// and policy, in camelCase; a short v2 file has the same top level but snake_case keys.
bool IsRenderedDocument(const json& root) {
  for (const auto& [key, value] : root.items()) {
    if (key != "validators" && key != "policy") return false;
  }
  return !AnySnakeCaseKey(root);
}

void ParseV3Document(const json& root, Diagnostics& diag, Config* config) {
  config->layout = Layout::kV3;
  FieldReader top(root, "", diag);
  FieldReader app(*top.Get("application"), "application", diag);
  if (app.is_mapping()) {
    ParseApplication(app, config);
    app.Finish();
  }
  if (const json* kubernetes = top.Get("kubernetes")) {
    CheckKubernetesSection(*kubernetes, "kubernetes", diag);
  }
  if (const json* alerting = top.Get("alerting")) {
    config->alerting = ParseAlerting(*alerting, "alerting", Dialect::kV3, diag);
  }
  // Parent charts add their own top-level keys (`global`, ...): tolerated, but named.
  top.Finish();
}

void ParseRenderedDocument(const json& root, Diagnostics& diag, Config* config) {
  config->layout = Layout::kRendered;
  FieldReader top(root, "", diag);
  ParseApplication(top, config);
  top.Finish();
}

}  // namespace

void ParseDocument(const json& root, Diagnostics& diag, Config* config) {
  if (!root.is_object()) {
    diag.Error("", "configuration must be a mapping, got " + std::string(JsonTypeName(root)));
    return;
  }
  std::vector<std::string> found;
  for (const char* key : {"application", "validators", "notary"}) {
    if (Present(root, key)) found.emplace_back(key);
  }
  if (found.size() > 1) {
    diag.Error(found[1], "ambiguous layout: both \"" + found[0] + "\" (v" +
                             (found[0] == "application" ? "3" : "2") + ") and \"" + found[1] +
                             "\" are given; keep one layout");
    return;
  }
  if (found.empty()) {
    std::string hint;
    if (Present(root, "notaries")) {
      hint = " (the `notaries:` layout of Connaisseur v1.x is not supported; use v3 validators)";
    }
    diag.Error("", "configuration has neither application.validators nor validators" + hint);
    return;
  }
  if (found[0] == "application") {
    ParseV3Document(root, diag, config);
  } else if (found[0] == "validators") {
    if (IsRenderedDocument(root)) {
      ParseRenderedDocument(root, diag, config);
    } else {
      ParseV2Document(root, diag, config);
    }
  } else {
    ParseV1Document(root, diag, config);
  }
}

}  // namespace connaisseur::config
