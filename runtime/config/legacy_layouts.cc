// v2 and v1 layouts → Config (docs/configuration.md "Layouts"), following Connaisseur's upgrade
// script.
#include "runtime/config/alerting_parser.h"
#include "runtime/config/application_parser.h"
#include "runtime/config/features_parser.h"
#include "runtime/config/field_reader.h"
#include "runtime/config/layout.h"
#include "runtime/config/pem_shape.h"
#include "runtime/config/rule_parser.h"
#include "runtime/config/validator_parser.h"

namespace connaisseur::config {
namespace {

using nlohmann::json;

// `debug: true` was v2's and v1's way to say logLevel DEBUG.
void ParseDebugFlag(FieldReader& top, Config* config) {
  if (top.Bool("debug").value_or(false)) config->log_level = "debug";
}

void ParseLegacyAlerting(FieldReader& top, Config* config) {
  if (const json* alerting = top.Get("alerting")) {
    config->alerting = ParseAlerting(*alerting, top.PathOf("alerting"), Dialect::kV2, top.diag());
  }
}

ValidatorConfig ParseV1Notary(FieldReader& n) {
  Diagnostics& diag = n.diag();
  ValidatorConfig v;
  v.name = "default";
  v.type = ValidatorType::kNotaryV1;
  if (auto host = n.String("host", /*required=*/true)) {
    if (host->empty() || HasControlChars(*host) || host->find(' ') != std::string::npos) {
      diag.Error(n.PathOf("host"), "must be a host name or https:// URL");
    } else if (host->rfind("http://", 0) == 0) {
      diag.Error(n.PathOf("host"), "plain http:// is not allowed; use https://");
    } else {
      v.host = *host;
    }
  }
  bool selfsigned = n.Bool("selfsigned").value_or(false);
  if (auto cert = n.String("selfsignedCert")) {
    if (Status s = CheckCertificatePem(*cert); !s.ok()) {
      diag.Error(n.PathOf("selfsignedCert"), s.message());
    } else if (selfsigned) {
      v.cert = *cert;
    }
  }
  if (auto key = n.String("rootPubKey", /*required=*/true)) {
    if (Status s = CheckPublicKeyPem(*key); !s.ok())
      diag.Error(n.PathOf("rootPubKey"), s.message());
    v.trust_roots.push_back(TrustRoot{.name = "default", .key = *key});
  }
  if (const json* auth = n.Get("auth")) {
    FieldReader a(*auth, n.PathOf("auth"), diag, Dialect::kV2);
    bool enabled = a.Bool("enabled").value_or(false);
    Auth parsed = ParseAuth(a);
    if (enabled) v.auth = std::move(parsed);
    a.Finish();
  }
  v.is_acr = n.Bool("isAcr").value_or(false);
  return v;
}

std::vector<Rule> ParseV1Policy(FieldReader& top) {
  std::vector<Rule> rules;
  const json* policy = top.List("policy");
  if (policy == nullptr || policy->empty()) {
    if (!top.Has("policy") || policy != nullptr) {
      top.diag().Error(top.PathOf("policy"), "Rules must contain at least 1 item");
    }
    return rules;
  }
  std::map<std::string, size_t, std::less<>> seen;
  for (size_t i = 0; i < policy->size(); ++i) {
    FieldReader r((*policy)[i], IndexPath(top.PathOf("policy"), i), top.diag(), Dialect::kV2);
    if (!r.is_mapping()) continue;
    Rule rule;
    rule.index = i;
    if (auto p = r.String("pattern", /*required=*/true)) {
      rule.pattern = *p;
      CheckPattern(rule.pattern, r.PathOf("pattern"), top.diag());
      if (auto [it, inserted] = seen.emplace(rule.pattern, i); !inserted) {
        top.diag().Error(r.PathOf("pattern"), "duplicate pattern \"" + rule.pattern + "\" (also " +
                                                  IndexPath(top.PathOf("policy"), it->second) +
                                                  ")");
      }
    }
    // v1 verified unless told otherwise; failing closed is the safe reading of a missing flag.
    bool verify = r.Bool("verify").value_or(true);
    rule.validator = verify ? "default" : "allow";
    if (auto delegations = r.StringList("delegations", /*non_empty=*/true)) {
      if (!verify) {
        top.diag().Error(r.PathOf("delegations"), "delegations need verify: true");
      }
      rule.with.delegations = *delegations;
      rule.with_json["delegations"] = *delegations;
    }
    r.Finish();
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace

void ParseV2Document(const json& root, Diagnostics& diag, Config* config) {
  config->layout = Layout::kV2;
  diag.Warning("",
               "the v2 values layout (top-level validators and policy) is deprecated; "
               "move them under application: (Connaisseur's upgrade_to_version_3.py)");
  FieldReader top(root, "", diag, Dialect::kV2);
  config->validators =
      ParseValidators(top.Get("validators"), top.PathOf("validators"), Dialect::kV2, diag);
  config->policy = ParsePolicy(top.Get("policy"), top.PathOf("policy"), Dialect::kV2, diag);
  config->features = ParseV2Features(top);
  ParseLogLevel(top, config);
  ParseDebugFlag(top, config);
  ParseLegacyAlerting(top, config);
  // Other top-level keys (deployment, service, ...) belong to the v2 chart: not ours to judge.
}

void ParseV1Document(const json& root, Diagnostics& diag, Config* config) {
  config->layout = Layout::kV1;
  diag.Warning("",
               "the v1 values layout (notary: and verify: rules) is deprecated; "
               "use the v3 layout with application.validators and application.policy");
  FieldReader top(root, "", diag, Dialect::kV2);
  FieldReader notary(*top.Get("notary"), "notary", diag, Dialect::kV2);
  if (notary.is_mapping()) {
    config->validators.push_back(ParseV1Notary(notary));
    notary.Finish();
  }
  config->validators.push_back(ValidatorConfig{.name = "allow", .approve = true});
  config->policy = ParseV1Policy(top);
  config->features.detection_mode = top.Bool("detectionMode").value_or(false);
  ParseDebugFlag(top, config);
  ParseLegacyAlerting(top, config);
}

}  // namespace connaisseur::config
