// Config: the typed form of a Connaisseur helm values file (docs/configuration.md), parsed once at
// start-up.
//
// Every layout (v3 `application:`, v2 top-level `validators`, v1 `notary:`) is normalised to
// these structs; nothing downstream reads YAML. Secrets (passwords, private keys) live here but
// are never printed: PublicJson() is the only view handed to scripts and logs.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/status.h"

namespace connaisseur::config {

// kNotaryV2 is the no-op stub of Connaisseur v3.3's schema: it loads (with a warning) and its
// validator denies every image.
enum class ValidatorType { kStatic, kNotaryV1, kCosign, kNotation, kNotaryV2 };
std::string_view ValidatorTypeName(ValidatorType t);  // "static", "notaryv1", ...

// cosign keyless identity: the OIDC issuer and the subject (email or URI SAN) a Fulcio
// certificate must carry, each exact or an RE2 regex matching the whole value.
struct Keyless {
  std::string issuer, issuer_regex, subject, subject_regex;
  bool operator==(const Keyless&) const = default;
};

struct TrustRoot {
  std::string name;                // unique within its validator
  std::string key;                 // PEM PUBLIC KEY (notaryv1, cosign) or KMS ref; may be empty
  std::string cert;                // PEM certificate(s) (notation)
  std::string ts_cert;             // PEM TSA root (notation)
  std::optional<Keyless> keyless;  // cosign keyless
  bool operator==(const TrustRoot&) const = default;
};

struct Auth {
  std::string username;     // secret: never printed
  std::string password;     // secret: never printed
  std::string secret_name;  // mounted at <secrets_dir>/<secret_name>/
  bool use_keychain = false;
  std::string registry;  // optional registry the credentials are for
  bool configured() const { return !username.empty() || !secret_name.empty() || use_keychain; }
  bool operator==(const Auth&) const = default;
};

// cosign `host:` block.
struct CosignHost {
  std::string rekor = "https://rekor.sigstore.dev";
  std::string rekor_pubkey, ct_log_pubkey, fulcio_cert;  // PEM, optional
  bool operator==(const CosignHost&) const = default;
};

struct ValidatorConfig {
  std::string name;
  ValidatorType type = ValidatorType::kStatic;
  bool approve = false;                // static
  std::string host;                    // notaryv1 server URL (default notary.docker.io)
  CosignHost cosign_host;              // cosign
  std::vector<TrustRoot> trust_roots;  // notaryv1, cosign, notation
  std::string cert;                    // PEM CA bundle for TLS to the back-end
  Auth auth;
  bool is_acr = false;  // notaryv1 on Azure Container Registry
  // Why this validator cannot verify anything as configured (no trust root, an empty key, a
  // stub type, a duplicate name, ...), or "" when it can. A validator with a reason loads with
  // that reason as a warning and denies every image routed to it, naming the reason.
  std::string unusable;
  // Where the entry was written, "values.yaml:12: application.validators[2]" (for messages).
  std::string location;

  // The root named `name` ("" means "default"), or nullptr.
  const TrustRoot* FindTrustRoot(std::string_view name) const;
  bool operator==(const ValidatorConfig&) const = default;
};

enum class RuleMode { kMutate, kInsecureValidateOnly };

// A rule's `with:` options (docs/configuration.md "Policy rules"), camelCase in YAML and Lua.
struct RuleOptions {
  std::string trust_root;                // "" = "default", "*" = all
  std::vector<std::string> delegations;  // notaryv1, as written (no "targets/" added)
  std::optional<int> threshold;          // cosign
  std::vector<std::string> required;     // cosign
  bool verify_in_transparency_log = true;
  bool verify_sct = true;
  // cosign: also read the image's attestations (`.att` layers and bundle referrers) and hand the
  // verified ones to the policy (VerifiedImage::attestations). Off by default: it costs registry
  // requests. Static validators accept it and have none.
  bool attestations = false;
  RuleMode mode = RuleMode::kMutate;
  std::string verification_level;  // notation: strict|permissive|audit ("" = strict)
  std::string verify_timestamp;    // notation: always|afterCertExpiry ("" = always)
  // Keys of the rule and of its `with` that no parser knows, each as its path below the rule
  // ("with.trustRot") and its suggestion (`did you mean "trustRoot"?` or ""). Connaisseur
  // ignores them; a misspelled option must not silently weaken verification, so the rule
  // denies (RuleDoubts).
  std::vector<std::pair<std::string, std::string>> unknown_keys;
  bool operator==(const RuleOptions&) const = default;
};

// Parses and checks a `with:` map (from YAML or a Lua rule). Bad types are kInvalidArgument
// naming the key; unknown keys land in `unknown_keys` (the rule then denies).
StatusOr<RuleOptions> ParseRuleOptions(const nlohmann::json& with);

struct Rule {
  std::string pattern;    // glob over the normalised image (docs/configuration.md "Policy rules")
  std::string validator;  // never empty: "default" when the YAML omitted it
  RuleOptions with;
  nlohmann::json with_json = nlohmann::json::object();  // `with` as written, for Lua and cache keys
  size_t index = 0;                                     // position in the policy list
  bool operator==(const Rule&) const = default;
};

// features.cache.redis (C++ extension): a cache shared by replicas.
struct RedisConfig {
  std::string host;  // required
  int port = 6379;
  bool tls = false;
  std::string password_file;  // file holding the password; never the password itself
  // PEM certificates trusted for the server instead of the system store ("" = system store);
  // any of them may be the server's own certificate (what the chart's Redis mounts).
  std::string ca_file;
  std::string key_prefix = "connaisseur:";
  // File holding the secret the replicas seal their entries with (>= 32 bytes); without it
  // nothing is shared (docs/operations.md "Cache"). Never the secret itself.
  std::string entry_key_file;
  bool operator==(const RedisConfig&) const = default;
};

inline constexpr int kDefaultCacheErrorExpirySeconds = 10;
inline constexpr int kDefaultCacheStaleMaxSeconds = 3600;

struct Features {
  bool detection_mode = false;
  enum class NamespacedValidation { kOff, kIgnore, kValidate };
  NamespacedValidation namespaced_validation = NamespacedValidation::kOff;
  bool automatic_child_approval = true;
  bool automatic_unchanged_approval = false;
  enum class ResourceValidationMode { kAll, kPodsOnly };
  ResourceValidationMode resource_validation_mode = ResourceValidationMode::kAll;
  int cache_expiry_seconds = 30;  // <= 0 disables the cache; capped at 300
  bool cache_errors = true;
  // How long a failure is reused (cache.errorExpirySeconds): never above cache_expiry_seconds;
  // absent = min(10, cache_expiry_seconds). Back-end failures are reused at most 5 s of it.
  int cache_error_expiry_seconds = kDefaultCacheErrorExpirySeconds;
  // Admit a success verified earlier while its back-end fails (docs/operations.md "Cache"), at
  // most cache_stale_max_seconds after it was verified and never past its signed data's expiry.
  bool stale_if_error = false;
  int cache_stale_max_seconds = kDefaultCacheStaleMaxSeconds;  // 0 .. 86400
  bool legacy_unanchored_matching = false;  // v3.10 `*pattern*` matching (docs/configuration.md)
  std::optional<RedisConfig> cache_redis;   // absent: in-process cache only
  bool operator==(const Features&) const = default;
};

// Per-call Lua budgets (docs/policy-lua.md). Defaults are safe for the default script with 1,000
// rules.
struct SandboxLimits {
  uint64_t instruction_limit = 10'000'000;  // VM instructions per select/admit call
  size_t memory_limit_bytes = 64ull << 20;  // bytes per Lua state
  int call_timeout_ms = 100;                // wall clock per select/admit call
  bool operator==(const SandboxLimits&) const = default;
};

struct AlertReceiver {
  std::string template_name;  // file <template>.json in the template directory
  std::string receiver_url;   // absolute http(s) URL
  int priority = 3;
  std::vector<std::string> custom_headers;  // "Name: value"; may hold secrets, never printed
  nlohmann::json payload_fields = nlohmann::json::object();
  bool fail_if_alert_sending_fails = false;
  bool operator==(const AlertReceiver&) const = default;
};

struct AlertingConfig {
  bool enabled = false;
  std::string cluster_identifier = "not specified";
  std::vector<AlertReceiver> admit_request, reject_request;
  bool operator==(const AlertingConfig&) const = default;
};

enum class Layout { kV1, kV2, kV3, kRendered };

struct Config {
  Layout layout = Layout::kV3;
  std::string source;  // file name, for messages
  std::vector<ValidatorConfig> validators;
  std::vector<Rule> policy;
  Features features;
  SandboxLimits sandbox;
  std::string policy_script;  // Lua source; empty = the compiled-in scripts/default.lua
  std::string log_level = "info";
  std::string log_format = "json";
  int timeout_seconds = 29;  // internal admission deadline, below the webhook's 30 s
  AlertingConfig alerting;
  std::vector<std::string> warnings;  // deprecations etc., for lint and the start-up log

  const ValidatorConfig* FindValidator(std::string_view name) const;

  // What a policy script sees as `connaisseur.config`: policy, validators (name → type and
  // non-secret options), features. No password, token, header or private key appears in it.
  nlohmann::json PublicJson() const;
};

// Loads and checks a values file. On failure the Status (kInvalidArgument) lists every problem,
// one per line, each with its path: `application.policy[2].pattern: Pattern must not be empty`.
// What Connaisseur loads loads: doubts go to Config::warnings (see cross_checks.h).
StatusOr<Config> LoadConfigFile(const std::string& path);
StatusOr<Config> LoadConfigText(std::string_view yaml_text, std::string_view source_name);

// Sets `config->alerting` from a file of its own (docs/configuration.md "Layouts",
// `--alert-config`): the alerting mapping itself, or a document whose only key is `alerting`;
// camelCase or v2 snake_case keys. Alerting also set in the values file is an error (which of the
// two should win is a guess), as is any problem in the file, listed like LoadConfigFile's. Warnings
// go to config->warnings.
Status LoadAlertConfigFile(const std::string& path, Config* config);
Status LoadAlertConfigText(std::string_view yaml_text, std::string_view source_name,
                           Config* config);

}  // namespace connaisseur::config
