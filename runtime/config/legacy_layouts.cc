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

// v1's `notary.auth`: credentials only when `enabled: true`; a `secretName` wins over inline
// `user`/`password`, as v1's chart did.
Auth ParseV1Auth(FieldReader& a, ValidatorConfig& v) {
  a.Alias("user", "username");
  const bool enabled = a.Bool("enabled").value_or(false);
  Auth auth;
  auth.username = a.String("username").value_or("");
  auth.password = a.String("password").value_or("");
  auth.secret_name = a.String("secretName").value_or("");
  if (!enabled) return Auth{};
  if (!auth.secret_name.empty()) {
    if (auth.secret_name.find_first_of("/\\") != std::string::npos) {
      a.diag().Error(a.PathOf("secretName"), "must be a Kubernetes secret name (no / or \\)");
    }
    return Auth{.secret_name = auth.secret_name};
  }
  if (auth.username.empty() || auth.password.empty()) {
    MarkUnusable(a.diag(), a.path(), "auth is enabled but lacks a user, a password or a secretName",
                 v);
    return Auth{};
  }
  return auth;
}

// v1.5's `notary.isCosign: true` meant "rootPubKey is a cosign key": the images are verified
// as cosign signatures, and the notary host, certificate and credentials are not used.
void ParseV1Key(FieldReader& n, ValidatorConfig& v) {
  std::optional<std::string> key = n.String("rootPubKey");
  const bool blank = !key || key->find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank) {
    MarkEmptyKey(n.diag(), n.PathOf("rootPubKey"), "default", v);
    return;
  }
  if (Status s = CheckPublicKeyPem(*key); !s.ok()) {
    n.diag().Error(n.PathOf("rootPubKey"), s.message());
  }
  v.trust_roots.push_back(TrustRoot{.name = "default", .key = *key});
}

ValidatorConfig ParseV1Notary(FieldReader& n) {
  Diagnostics& diag = n.diag();
  ValidatorConfig v;
  v.name = "default";
  v.location = diag.Locate(n.path());
  const bool is_cosign = n.Bool("isCosign").value_or(false);
  v.type = is_cosign ? ValidatorType::kCosign : ValidatorType::kNotaryV1;
  ParseNotaryHost(n, v);  // absent or null: notary.docker.io, as v1 documented
  if (is_cosign) v.host.clear();
  const bool selfsigned = n.Bool("selfsigned").value_or(false);
  if (auto cert = n.String("selfsignedCert")) {
    // An empty or placeholder certificate is harmless while `selfsigned` is false.
    if (Status s = CheckCertificatePem(*cert); !s.ok()) {
      if (selfsigned) diag.Error(n.PathOf("selfsignedCert"), s.message());
    } else if (selfsigned && !is_cosign) {
      v.cert = *cert;
    }
  }
  ParseV1Key(n, v);
  if (const json* auth = n.Get("auth")) {
    FieldReader a(*auth, n.PathOf("auth"), diag, Dialect::kV2);
    Auth parsed = ParseV1Auth(a, v);
    if (!is_cosign) v.auth = std::move(parsed);
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
  for (size_t i = 0; i < policy->size(); ++i) {
    FieldReader r((*policy)[i], IndexPath(top.PathOf("policy"), i), top.diag(), Dialect::kV2);
    if (!r.is_mapping()) continue;
    Rule rule;
    rule.index = i;
    if (auto p = r.String("pattern", /*required=*/true)) {
      rule.pattern = *p;
      CheckPattern(rule.pattern, r.PathOf("pattern"), top.diag());
    }
    // v1 verified unless told otherwise; failing closed is the safe reading of a missing flag.
    bool verify = r.Bool("verify").value_or(true);
    rule.validator = verify ? "default" : "allow";
    if (auto delegations = r.StringList("delegations", /*non_empty=*/false);
        delegations && !delegations->empty()) {
      if (!verify) {
        top.diag().Warning(r.PathOf("delegations"), "ignored: the rule has verify: false");
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
  if (!config->validators.empty() && config->validators[0].type == ValidatorType::kCosign) {
    // v1.5 verified cosign signatures without a transparency log; asking for one here would
    // deny every image signed the way v1.5's documentation showed.
    for (Rule& rule : config->policy) {
      if (rule.validator != "default") continue;
      rule.with.verify_in_transparency_log = false;
      rule.with_json["verifyInTransparencyLog"] = false;
    }
  }
  config->features.detection_mode = top.Bool("detectionMode").value_or(false);
  ParseDebugFlag(top, config);
  ParseLegacyAlerting(top, config);
}

}  // namespace connaisseur::config
