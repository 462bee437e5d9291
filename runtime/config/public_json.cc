// Config::PublicJson: the read-only view a policy script gets as `connaisseur.config`.
//
// Built from an allow-list of fields: anything not copied here (auth credentials, custom alert
// headers, receiver URLs) cannot leak into a script or a log line.
#include "runtime/config/config.h"

namespace connaisseur::config {
namespace {

using nlohmann::json;

json TrustRootJson(const TrustRoot& root) {
  json out = {{"name", root.name}};
  if (!root.key.empty()) out["key"] = root.key;  // a public key or a KMS reference
  if (!root.cert.empty()) out["cert"] = root.cert;
  if (root.keyless) {
    out["keyless"] = {{"issuer", root.keyless->issuer},
                      {"issuerRegex", root.keyless->issuer_regex},
                      {"subject", root.keyless->subject},
                      {"subjectRegex", root.keyless->subject_regex}};
  }
  return out;
}

json ValidatorJson(const ValidatorConfig& v) {
  json out = {{"name", v.name}, {"type", ValidatorTypeName(v.type)}};
  switch (v.type) {
    case ValidatorType::kStatic:
      out["approve"] = v.approve;
      return out;
    case ValidatorType::kNotaryV1:
      out["host"] = v.host;
      out["isAcr"] = v.is_acr;
      break;
    case ValidatorType::kCosign:
      out["host"] = {{"rekor", v.cosign_host.rekor}};
      break;
    case ValidatorType::kNotation:
    case ValidatorType::kNotaryV2:
      break;
  }
  // A script may want to know why a validator will deny everything; the reason holds no secret.
  if (!v.unusable.empty()) out["unusable"] = v.unusable;
  json roots = json::array();
  for (const TrustRoot& root : v.trust_roots) roots.push_back(TrustRootJson(root));
  out["trustRoots"] = std::move(roots);
  // Only whether credentials exist: names of secrets and users stay out of scripts.
  out["authConfigured"] = v.auth.configured();
  return out;
}

json FeaturesJson(const Features& f) {
  using NV = Features::NamespacedValidation;
  json namespaced = false;
  if (f.namespaced_validation != NV::kOff) {
    namespaced = {{"mode", f.namespaced_validation == NV::kIgnore ? "ignore" : "validate"}};
  }
  return {
      {"detectionMode", f.detection_mode},
      {"namespacedValidation", namespaced},
      {"automaticChildApproval", f.automatic_child_approval},
      {"automaticUnchangedApproval", f.automatic_unchanged_approval},
      {"resourceValidationMode",
       f.resource_validation_mode == Features::ResourceValidationMode::kAll ? "all" : "podsOnly"},
      {"cache",
       {{"expirySeconds", f.cache_expiry_seconds},
        {"cacheErrors", f.cache_errors},
        {"errorExpirySeconds", f.cache_error_expiry_seconds},
        {"staleIfError", f.stale_if_error},
        {"staleMaxSeconds", f.cache_stale_max_seconds}}},
      {"legacyUnanchoredMatching", f.legacy_unanchored_matching},
  };
}

}  // namespace

nlohmann::json Config::PublicJson() const {
  json policy_json = json::array();
  for (const Rule& rule : policy) {
    policy_json.push_back(
        {{"pattern", rule.pattern}, {"validator", rule.validator}, {"with", rule.with_json}});
  }
  json validators_json = json::object();
  for (const ValidatorConfig& v : validators) validators_json[v.name] = ValidatorJson(v);
  return {{"policy", std::move(policy_json)},
          {"validators", std::move(validators_json)},
          {"features", FeaturesJson(features)}};
}

}  // namespace connaisseur::config
