// Tests what accepted configurations load into: defaults, feature toggles, normalisations,
// warnings, line numbers in messages, and that every problem is reported in one run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/config/config.h"
#include "tests/runtime/config/config_test_util.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::config::testing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using NV = Features::NamespacedValidation;

const std::string kP = "{pattern: '*:*', validator: allow}";

Config MustLoad(const std::string& yaml) {
  StatusOr<Config> c = LoadConfigText(yaml, "values.yaml");
  EXPECT_THAT(c, IsOk()) << yaml;
  return c.ok() ? *c : Config{};
}

TEST(ConfigValuesTest, AcceptsEveryValidatorTypeAndOption) {
  const std::vector<std::string> validators = {
      kAllow,
      kNotary,
      "{name: n, type: notaryv1, host: 'https://notary.example.com:4443', isAcr: true, cert: " +
          kCert + ", auth: {secretName: notary-creds}, trustRoots: [{name: default, key: " + kKey +
          "}]}",
      "{name: c1, type: cosign, host: {rekor: rekor.example.org, rekorPubkey: " + kKey +
          ", ctLogPubkey: " + kKey + ", fulcioCert: " + kCert +
          "}, auth: {useKeychain: true}, trustRoots: [{name: default, key: " + kKey + "}]}",
      "{name: c2, type: cosign, trustRoots: [{name: default, keyless: {issuerRegex: '.*', "
      "subject: me@example.org}}, {name: kms, key: 'awskms:///arn:aws:kms:eu:1:alias/k'}]}",
      "{name: c3, type: cosign, auth: {username: u, password: p}, trustRoots: [{name: default, "
      "cert: " +
          kCert + "}]}",
      "{name: nt, type: notation, trustRoots: [{name: default, cert: " + kCert +
          ", tsCert: " + kCert + "}]}",
  };
  for (const std::string& v : validators) {
    std::string yaml = V3(kAllow == v ? v : kAllow + ", " + v, kP);
    StatusOr<Config> c = LoadConfigText(yaml, "values.yaml");
    EXPECT_THAT(c, IsOk()) << yaml;
  }
}

// Accepted (Connaisseur files must load) but not verifiable by this build: lint says so.
TEST(ConfigValuesTest, WarnsAboutTrustRootsAndValidatorsThisBuildCannotVerify) {
  const std::pair<std::string, std::string> cases[] = {
      {"{name: c, type: cosign, trustRoots: [{name: kms, key: 'gcpkms://projects/p/locations/l/"
       "keyRings/r/cryptoKeys/k'}]}",
       "application.validators[1].trustRoots[0]: KMS key trust roots are not supported"},
      {"{name: c, type: cosign, trustRoots: [{name: kms, key: 'azurekms://vault.example/k'}]}",
       "application.validators[1].trustRoots[0]: KMS key trust roots are not supported"},
      {"{name: c, type: cosign, trustRoots: [{name: kms, key: 'k8s://ns/secret'}]}",
       "application.validators[1].trustRoots[0]: KMS key trust roots are not supported"},
      {"{name: nt, type: notation, trustRoots: [{name: default, cert: " + kCert + "}]}",
       "application.validators[1]: validator \"nt\" is of type notation, which this build "
       "cannot verify yet"},
  };
  for (const auto& [validator, warning] : cases) {
    Config c = MustLoad(V3(kAllow + ", " + validator, kP));
    EXPECT_THAT(c.warnings, Contains(HasSubstr(warning))) << validator;
  }
  Config keyed = MustLoad(V3(kAllow + ", " + kCosign, kP));
  EXPECT_THAT(keyed.warnings, IsEmpty());
  // AWS KMS keys are verified by this build: no warning.
  Config aws =
      MustLoad(V3(kAllow + ", {name: c, type: cosign, trustRoots: [{name: kms, key: "
                           "'awskms:///arn:aws:kms:us-east-1:111122223333:alias/cosign'}]}",
                  kP));
  EXPECT_THAT(aws.warnings, IsEmpty());
  // Nor are HashiCorp Vault transit keys.
  Config vault = MustLoad(V3(
      kAllow + ", {name: c, type: cosign, trustRoots: [{name: kms, key: 'hashivault://cosign'}]}",
      kP));
  EXPECT_THAT(vault.warnings, IsEmpty());
}

// Keyless roots are verified; lint warns only about what their host block lacks.
TEST(ConfigValuesTest, WarnsAboutKeylessRootsOnlyWhenTheirHostIsIncomplete) {
  const std::string root =
      "trustRoots: [{name: ci, keyless: {issuer: i, subjectRegex: '.*@example\\.com'}}]}";
  Config complete =
      MustLoad(V3(kAllow + ", {name: c, type: cosign, host: {rekorPubkey: " + kKey +
                      ", ctLogPubkey: " + kKey + ", fulcioCert: " + kCert + "}, " + root,
                  kP));
  EXPECT_THAT(complete.warnings, IsEmpty());
  EXPECT_EQ(complete.FindValidator("c")->unusable, "");
  Config bare = MustLoad(V3(kAllow + ", {name: c, type: cosign, " + root, kP));
  const std::string at = "application.validators[1].trustRoots[0]: keyless trust root \"ci\" ";
  EXPECT_THAT(bare.warnings, ElementsAre(HasSubstr(at + "needs host.fulcioCert"),
                                         HasSubstr(at + "has no host.rekorPubkey"),
                                         HasSubstr(at + "has no host.ctLogPubkey")));
  EXPECT_EQ(bare.FindValidator("c")->unusable, "") << "key roots beside it still verify";
}

TEST(ConfigValuesTest, AKeylessRegexThatDoesNotCompileLoadsAndDenies) {
  Config c = MustLoad(V3(kAllow + ", {name: c, type: cosign, host: {rekorPubkey: " + kKey +
                             ", ctLogPubkey: " + kKey + ", fulcioCert: " + kCert +
                             "}, trustRoots: [{name: ci, keyless: {issuer: i, subjectRegex: "
                             "'(unclosed'}}]}",
                         kP));
  EXPECT_THAT(c.warnings, ElementsAre(HasSubstr(
                              "application.validators[1].trustRoots[0].keyless.subjectRegex: "
                              "validator \"c\" has a keyless subjectRegex that is not a valid "
                              "regular expression")));
  EXPECT_THAT(c.FindValidator("c")->unusable, HasSubstr("subjectRegex"));
}

TEST(ConfigValuesTest, FillsDefaults) {
  Config c = MustLoad(V3(
      kAllow + ", " + kNotary + ", " + kCosign + ", {name: default, type: static, approve: false}",
      kP + ", {pattern: 'x/*', validator: '', with: {}}"));
  EXPECT_EQ(c.FindValidator("dockerhub")->host, "notary.docker.io");
  EXPECT_EQ(c.FindValidator("cos")->cosign_host.rekor, "https://rekor.sigstore.dev");
  EXPECT_EQ(c.policy[1].validator, "default");  // empty means default
  EXPECT_EQ(c.policy[1].index, 1u);
  EXPECT_EQ(c.features, Features{});
  EXPECT_EQ(c.sandbox, SandboxLimits{});
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.timeout_seconds, 29);
  EXPECT_FALSE(c.alerting.enabled);
  EXPECT_THAT(c.warnings, IsEmpty());
}

TEST(ConfigValuesTest, FeatureTogglesFollowTheConsistentToggleRules) {
  struct Case {
    std::string features;
    std::function<bool(const Features&)> check;
  };
  const std::vector<Case> cases = {
      {"{namespacedValidation: false}",
       [](auto& f) { return f.namespaced_validation == NV::kOff; }},
      {"{namespacedValidation: true}",
       [](auto& f) { return f.namespaced_validation == NV::kIgnore; }},
      {"{namespacedValidation: {}}",
       [](auto& f) { return f.namespaced_validation == NV::kIgnore; }},
      {"{namespacedValidation: {mode: validate}}",
       [](auto& f) { return f.namespaced_validation == NV::kValidate; }},
      {"{detectionMode: true}", [](auto& f) { return f.detection_mode; }},
      {"{automaticChildApproval: false}", [](auto& f) { return !f.automatic_child_approval; }},
      {"{automaticUnchangedApproval: true}",
       [](auto& f) { return f.automatic_unchanged_approval; }},
      {"{resourceValidationMode: PODSONLY}",
       [](auto& f) {
         return f.resource_validation_mode == Features::ResourceValidationMode::kPodsOnly;
       }},
      {"{cache: false}", [](auto& f) { return f.cache_expiry_seconds == 0; }},
      {"{cache: true}", [](auto& f) { return f.cache_expiry_seconds == 30 && f.cache_errors; }},
      {"{cache: {expirySeconds: 0}}", [](auto& f) { return f.cache_expiry_seconds == 0; }},
      {"{cache: {expirySeconds: -5}}", [](auto& f) { return f.cache_expiry_seconds == 0; }},
      {"{cache: {expirySeconds: 120, cacheErrors: false, staleIfError: true}}",
       [](auto& f) {
         return f.cache_expiry_seconds == 120 && !f.cache_errors && f.stale_if_error;
       }},
      {"{cache: true}",
       [](auto& f) { return f.cache_error_expiry_seconds == 10 && !f.stale_if_error; }},
      {"{cache: false}", [](auto& f) { return f.cache_error_expiry_seconds == 0; }},
      {"{cache: {expirySeconds: 4}}", [](auto& f) { return f.cache_error_expiry_seconds == 4; }},
      {"{cache: {expirySeconds: 60, errorExpirySeconds: 20}}",
       [](auto& f) { return f.cache_error_expiry_seconds == 20; }},
      {"{cache: {expirySeconds: 60, errorExpirySeconds: 90}}",
       [](auto& f) { return f.cache_error_expiry_seconds == 60; }},
      {"{cache: {errorExpirySeconds: -1}}",
       [](auto& f) { return f.cache_error_expiry_seconds == 0; }},
      {"{cache: {staleIfError: true}}",
       [](auto& f) { return f.stale_if_error && f.cache_stale_max_seconds == 3600; }},
      {"{cache: {staleIfError: true, staleMaxSeconds: 600}}",
       [](auto& f) { return f.cache_stale_max_seconds == 600; }},
      {"{cache: {staleMaxSeconds: 999999}}",
       [](auto& f) { return f.cache_stale_max_seconds == 86400; }},
      {"{cache: {redis: {host: redis, port: 6380, tls: true, passwordFile: /p, keyPrefix: 'c:', "
       "caFile: /ca.crt, entryKeyFile: /k}}}",
       [](auto& f) {
         return f.cache_redis && f.cache_redis->host == "redis" && f.cache_redis->port == 6380 &&
                f.cache_redis->tls && f.cache_redis->password_file == "/p" &&
                f.cache_redis->ca_file == "/ca.crt" && f.cache_redis->entry_key_file == "/k";
       }},
      {"{legacyUnanchoredMatching: true}", [](auto& f) { return f.legacy_unanchored_matching; }},
      {"", [](auto& f) { return f == Features{}; }},
  };
  for (const Case& c : cases) {
    std::string yaml =
        V3(kAllow, kP, c.features.empty() ? "  features:\n" : "  features: " + c.features + "\n");
    Config config = MustLoad(yaml);
    EXPECT_TRUE(c.check(config.features)) << yaml;
  }
}

TEST(ConfigValuesTest, CapsCacheExpiryWithAWarning) {
  Config c = MustLoad(V3(kAllow, kP, "  features: {cache: {expirySeconds: 3600}}\n"));
  EXPECT_EQ(c.features.cache_expiry_seconds, 300);
  EXPECT_THAT(c.warnings,
              Contains(HasSubstr("application.features.cache.expirySeconds: capped at 300")));
}

// Without a key to seal entries with, anyone who can write to Redis could admit images: the
// values load, `lint` says why the cache will not be shared.
TEST(ConfigValuesTest, RedisWithoutAnEntryKeyLoadsWithAWarning) {
  Config c = MustLoad(V3(kAllow, kP, "  features: {cache: {redis: {host: redis}}}\n"));
  ASSERT_TRUE(c.features.cache_redis);
  EXPECT_THAT(c.warnings, Contains(AllOf(HasSubstr("application.features.cache.redis"),
                                         HasSubstr("no entryKeyFile"))));
  Config keyed =
      MustLoad(V3(kAllow, kP, "  features: {cache: {redis: {host: redis, entryKeyFile: /k}}}\n"));
  EXPECT_THAT(keyed.warnings, Not(Contains(HasSubstr("entryKeyFile"))));
}

TEST(ConfigValuesTest, ReadsApplicationKeys) {
  Config c = MustLoad(V3(kAllow, kP,
                         "  logLevel: WARNING\n  logFormat: json-pretty\n  timeoutSeconds: 10\n"
                         "  policyScript: 'function select() end'\n"
                         "  sandbox: {instructionLimit: 50000, memoryLimitBytes: 8388608, "
                         "callTimeoutMs: 250}\n"));
  EXPECT_EQ(c.log_level, "warn");
  EXPECT_EQ(c.log_format, "json-pretty");
  EXPECT_EQ(c.timeout_seconds, 10);
  EXPECT_EQ(c.policy_script, "function select() end");
  EXPECT_EQ(c.sandbox.instruction_limit, 50000u);
  EXPECT_EQ(c.sandbox.memory_limit_bytes, 8388608u);
  EXPECT_EQ(c.sandbox.call_timeout_ms, 250);
}

TEST(ConfigValuesTest, NormalisesLogLevels) {
  for (const auto& [given, expected] :
       std::vector<std::pair<std::string, std::string>>{{"DEBUG", "debug"},
                                                        {"Info", "info"},
                                                        {"warn", "warn"},
                                                        {"WARNING", "warn"},
                                                        {"error", "error"},
                                                        {"CRITICAL", "fatal"},
                                                        {"fatal", "fatal"}}) {
    Config c = MustLoad(V3(kAllow, kP, "  logLevel: " + given + "\n"));
    EXPECT_EQ(c.log_level, expected) << given;
  }
}

TEST(ConfigValuesTest, UnknownLogFormatFallsBackToPrettyWithAWarning) {
  Config c = MustLoad(V3(kAllow, kP, "  logFormat: text\n"));
  EXPECT_EQ(c.log_format, "json-pretty");
  EXPECT_THAT(c.warnings, Contains(HasSubstr("application.logFormat")));
}

TEST(ConfigValuesTest, UnknownTopLevelKeysAreWarningsNotErrors) {
  Config c = MustLoad(V3(kAllow, kP, "", "global: {imageRegistry: r}\n"));
  EXPECT_THAT(c.warnings, Contains(HasSubstr("values.yaml:4: global: unknown key, ignored")));
}

TEST(ConfigValuesTest, ReadsAlerting) {
  Config c = MustLoad(V3(kAllow, kP, "",
                         "alerting:\n  clusterIdentifier: prod\n  rejectRequest:\n    receivers:\n"
                         "    - {template: slack, receiverUrl: 'https://hooks.example/x', "
                         "priority: 0, customHeaders: ['X-Token: t'], payloadFields: {a: [1]}, "
                         "failIfAlertSendingFails: true}\n"));
  EXPECT_TRUE(c.alerting.enabled);
  EXPECT_EQ(c.alerting.cluster_identifier, "prod");
  EXPECT_THAT(c.alerting.admit_request, IsEmpty());
  ASSERT_EQ(c.alerting.reject_request.size(), 1u);
  const AlertReceiver& r = c.alerting.reject_request[0];
  EXPECT_EQ(r.template_name, "slack");
  EXPECT_EQ(r.receiver_url, "https://hooks.example/x");
  EXPECT_EQ(r.priority, 0);
  EXPECT_EQ(r.custom_headers, std::vector<std::string>{"X-Token: t"});
  EXPECT_EQ(r.payload_fields, nlohmann::json::parse(R"({"a":[1]})"));
  EXPECT_TRUE(r.fail_if_alert_sending_fails);
}

// --alert-config: the alerting block in a file of its own, bare or under `alerting:`, in v3
// camelCase or v2 snake_case.
TEST(ConfigValuesTest, ReadsAlertingFromAFileOfItsOwn) {
  const std::string files[] = {
      "clusterIdentifier: prod\nrejectRequest:\n  receivers:\n"
      "  - {template: opsgenie, receiverUrl: 'https://alerts.example/x'}\n",
      "alerting:\n  cluster_identifier: prod\n  reject_request:\n    receivers:\n"
      "    - {template: opsgenie, receiver_url: 'https://alerts.example/x'}\n",
  };
  for (const std::string& file : files) {
    Config c = MustLoad(V3(kAllow, kP));
    ASSERT_THAT(LoadAlertConfigText(file, "alerts.yaml", &c), IsOk()) << file;
    EXPECT_TRUE(c.alerting.enabled) << file;
    EXPECT_EQ(c.alerting.cluster_identifier, "prod") << file;
    ASSERT_EQ(c.alerting.reject_request.size(), 1u) << file;
    EXPECT_EQ(c.alerting.reject_request[0].template_name, "opsgenie") << file;
    EXPECT_EQ(c.alerting.reject_request[0].receiver_url, "https://alerts.example/x") << file;
  }
}

TEST(ConfigValuesTest, RejectsAlertFilesThatConflictOrDoNotParse) {
  const std::pair<std::string, std::string> cases[] = {
      {"- a\n- b\n", "alert configuration must be a mapping"},
      {"alerting: {clusterIdentifier: [1]}\n", "alerting.clusterIdentifier"},
  };
  for (const auto& [file, message] : cases) {
    Config c = MustLoad(V3(kAllow, kP));
    EXPECT_THAT(LoadAlertConfigText(file, "alerts.yaml", &c),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(message)))
        << file;
  }
  Config both = MustLoad(V3(kAllow, kP, "", "alerting:\n  clusterIdentifier: a\n"));
  EXPECT_THAT(LoadAlertConfigText("clusterIdentifier: b\n", "alerts.yaml", &both),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("alerting is also set in")));
  EXPECT_EQ(both.alerting.cluster_identifier, "a");
}

TEST(ConfigValuesTest, MessagesCarryTheYamlLine) {
  std::string yaml =
      "application:\n"                  // 1
      "  validators:\n"                 // 2
      "    - name: allow\n"             // 3
      "      type: static\n"            // 4
      "      approve: true\n"           // 5
      "  policy:\n"                     // 6
      "    - pattern: '*:*'\n"          // 7
      "      validator: allow\n"        // 8
      "    - pattern: 'docker.io/*'\n"  // 9
      "      validator: foo\n";         // 10
  // A missing validator loads (as in Connaisseur) with a warning that says where the rule is.
  EXPECT_THAT(MustLoad(yaml).warnings,
              Contains(HasSubstr("values.yaml:10: application.policy[1].validator: validator "
                                 "\"foo\" not found")));
}

TEST(ConfigValuesTest, ReportsEveryProblemInOneRunInDocumentOrder) {
  std::string yaml =
      "application:\n"
      "  validators:\n"
      "    - {name: allow, type: static, approve: maybe}\n"
      "    - {name: x, type: static, approve: yes}\n"
      "  policy:\n"
      "    - {pattern: '*:*', validator: nope, with: []}\n"
      "  features: {detectionMode: 1}\n";
  StatusOr<Config> c = LoadConfigText(yaml, "values.yaml");
  ASSERT_FALSE(c.ok());
  const std::string& m = c.status().message();
  std::vector<std::string> expected = {
      "values.yaml:3:", "values.yaml:4:", "values.yaml:6:", "values.yaml:7:"};
  size_t at = 0;
  for (const std::string& e : expected) {
    size_t found = m.find(e, at);
    EXPECT_NE(found, std::string::npos) << e << " in order in:\n" << m;
    if (found != std::string::npos) at = found;
  }
  EXPECT_EQ(std::count(m.begin(), m.end(), '\n') + 1, 4) << m;
}

TEST(ConfigValuesTest, LoadConfigFileReportsAMissingFile) {
  EXPECT_THAT(LoadConfigFile("/nonexistent/values.yaml"),
              StatusIs(StatusCode::kNotFound, HasSubstr("/nonexistent/values.yaml")));
}

}  // namespace
}  // namespace connaisseur::config::testing
