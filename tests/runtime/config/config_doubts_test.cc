// Tests that configurations Connaisseur loads load here too, with each doubt as a warning that
// carries its path (and line), and that the doubt is kept for the request-time deny
// (ValidatorConfig::unusable, RuleDoubts).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/config/config.h"
#include "runtime/config/rule_doubts.h"
#include "tests/runtime/config/config_test_util.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::config::testing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Config MustLoad(const std::string& yaml) {
  StatusOr<Config> c = LoadConfigText(yaml, "values.yaml");
  EXPECT_THAT(c, IsOk()) << yaml;
  return c.ok() ? std::move(c).value() : Config{};
}

struct DoubtCase {
  std::string name;
  std::string yaml;
  std::string warning;  // substring of one warning, path included
};

void PrintTo(const DoubtCase& c, std::ostream* os) { *os << c.name; }

class DoubtTest : public ::testing::TestWithParam<DoubtCase> {};

TEST_P(DoubtTest, LoadsWithAWarningNamingThePath) {
  const DoubtCase& c = GetParam();
  EXPECT_THAT(MustLoad(c.yaml).warnings, Contains(HasSubstr(c.warning))) << c.yaml;
}

const std::string kP = "{pattern: '*:*', validator: allow}";

std::vector<DoubtCase> ValidatorDoubts() {
  return {
      {"NotaryTrustRootsNull", V3(kAllow + ", {name: n, type: notaryv1, trustRoots: null}", kP),
       "application.validators[1].trustRoots: validator \"n\" has no trust root configured: "
       "images routed to it are denied"},
      {"NotaryTrustRootsEmpty", V3(kAllow + ", {name: n, type: notaryv1, trustRoots: []}", kP),
       "application.validators[1].trustRoots: validator \"n\" has no trust root configured"},
      {"NotaryTrustRootsAbsent", V3(kAllow + ", {name: n, type: notaryv1}", kP),
       "validator \"n\" has no trust root configured"},
      {"CosignTrustRootsNull", V3(kAllow + ", {name: c, type: cosign, trustRoots: null}", kP),
       "application.validators[1].trustRoots: validator \"c\" has no trust root configured"},
      {"CosignTrustRootsEmpty", V3(kAllow + ", {name: c, type: cosign, trustRoots: []}", kP),
       "validator \"c\" has no trust root configured"},
      {"EmptyKey", V3(kAllow + ", {name: n, type: notaryv1, trustRoots: [{name: a, key: ''}]}", kP),
       "application.validators[1].trustRoots[0].key: trust root \"a\" of validator \"n\" has an "
       "empty key"},
      {"NotaryV2Stub", V3(kAllow + ", {name: x, type: notaryv2, host: h}", kP),
       "application.validators[1].type: validator \"x\" has type notaryv2, a stub in Connaisseur "
       "v3.3 that verifies nothing"},
      {"DuplicateName", V3(kAllow + ", " + kAllow, kP),
       "application.validators[1].name: validator name \"allow\" is defined 2 times"},
      {"TwoDefaults",
       V3("{name: default, type: static, approve: true}, {name: default, type: static, approve: "
          "false}",
          "{pattern: '*:*'}"),
       "Too many default validator configurations."},
  };
}

std::vector<DoubtCase> RuleDoubtCases() {
  return {
      {"UnknownValidator", WithPolicy(kP + ", {pattern: 'a/*', validator: foo}"),
       "application.policy[1].validator: validator \"foo\" not found: images this rule selects "
       "are denied"},
      {"NoDefaultValidator", WithPolicy("{pattern: '*:*'}"),
       "application.policy[0].validator: validator \"default\" not found"},
      {"UnknownTrustRoot",
       WithPolicy("{pattern: '*:*', validator: dockerhub, with: {trustRoot: nope}}"),
       "application.policy[0].with.trustRoot: no trust root named \"nope\" in validator "
       "\"dockerhub\""},
      {"NoDefaultTrustRoot", WithPolicy("{pattern: '*:*', validator: cos}"),
       "application.policy[0]: no with.trustRoot given and validator \"cos\" has no trust root "
       "named \"default\""},
      {"TrustRootOnStatic", WithPolicy("{pattern: '*:*', validator: allow, with: {trustRoot: x}}"),
       "application.policy[0].with.trustRoot: static validator \"allow\" has no trust roots; "
       "ignored"},
      {"RequiredUnknown",
       WithPolicy("{pattern: '*:*', validator: cos, with: {trustRoot: '*', required: [alice, "
                  "carol]}}"),
       "application.policy[0].with.required[1]: no trust root named \"carol\""},
      {"ThresholdWithNamedRoot",
       WithPolicy("{pattern: '*:*', validator: cos, with: {trustRoot: alice, threshold: 2}}"),
       "application.policy[0].with.threshold: threshold 2 needs trustRoot \"*\""},
      {"RequiredWithNamedRoot",
       WithPolicy("{pattern: '*:*', validator: cos, with: {trustRoot: alice, required: [alice]}}"),
       "application.policy[0].with.required: required needs trustRoot \"*\""},
      {"DelegationsOnCosign",
       WithPolicy("{pattern: '*:*', validator: cos, with: {trustRoot: alice, delegations: [d]}}"),
       "application.policy[0].with.delegations: rule option \"delegations\" is not an option of "
       "cosign validator \"cos\""},
      {"ThresholdOnNotary",
       WithPolicy("{pattern: '*:*', validator: dockerhub, with: {trustRoot: '*', threshold: 1}}"),
       "with.threshold: rule option \"threshold\" is not an option of notaryv1 validator "
       "\"dockerhub\""},
      {"AttestationsOnNotary",
       WithPolicy("{pattern: '*:*', validator: dockerhub, with: {attestations: true}}"),
       "with.attestations: rule option \"attestations\" is not an option of notaryv1 validator "
       "\"dockerhub\""},
      {"RequiredBesideDelegations",
       WithPolicy("{pattern: '*:*', validator: cos, with: {trustRoot: '*', required: [alice], "
                  "delegations: [d]}}"),
       "with.delegations: rule option \"delegations\" is not an option of cosign"},
  };
}

// Connaisseur ignores unknown keys (YAML into Go structs), so these files load there. Outside
// validators and rules we ignore them too, with a warning; in a validator or a rule a
// misspelled key could switch a check off, so what it governs is denied.
std::vector<DoubtCase> UnknownKeyCases() {
  const std::string alert =
      "alerting: {rejectRequest: {receivers: [{template: slack, receiverUrl: 'https://a', "
      "priorty: 1}]}}\n";
  return {
      {"ApplicationKey", V3(kAllow, kP, "  polcy: []\n"),
       "values.yaml:4: application.polcy: unknown key (did you mean \"policy\"?), ignored"},
      {"FeatureKey", V3(kAllow, kP, "  features: {detectonMode: true}\n"),
       "application.features.detectonMode: unknown key (did you mean \"detectionMode\"?), "
       "ignored"},
      {"CacheKey", V3(kAllow, kP, "  features: {cache: {expirySecond: 3}}\n"),
       "application.features.cache.expirySecond: unknown key (did you mean \"expirySeconds\"?)"},
      {"V2NamespacedEnabled", V3(kAllow, kP, "  features: {namespacedValidation: {enabled: x}}\n"),
       "namespacedValidation.enabled: unknown key, ignored"},
      {"SandboxKey", V3(kAllow, kP, "  sandbox: {callTimeout: 5}\n"),
       "application.sandbox.callTimeout: unknown key (did you mean \"callTimeoutMs\"?), ignored"},
      {"ReceiverKey", V3(kAllow, kP, "", alert),
       "receivers[0].priorty: unknown key (did you mean \"priority\"?), ignored"},
      {"AlertingKey", V3(kAllow, kP, "", "alerting: {cluster_identifier: c}\n"),
       "alerting.cluster_identifier: unknown key (did you mean \"clusterIdentifier\"?), ignored"},
      {"ValidatorKey", V3("{name: allow, type: static, approve: true, aprove: false}", kP),
       "values.yaml:2: application.validators[0].aprove: validator \"allow\" has an unknown key "
       "\"aprove\" (did you mean \"approve\"?): images routed to it are denied"},
      {"TrustRootKey",
       V3(kAllow + ", {name: n, type: notaryv1, trustRoots: [{name: default, key: " + kKey +
              ", delegation: x}]}",
          kP),
       "application.validators[1].trustRoots[0].delegation: validator \"n\" has an unknown key "
       "\"delegation\": images routed to it are denied"},
      {"KeylessKey",
       V3(kAllow + ", {name: c, type: cosign, trustRoots: [{name: a, keyless: {issuer: i, "
                   "subject: s, subjekt: s}}]}",
          kP),
       "keyless.subjekt: validator \"c\" has an unknown key \"subjekt\" (did you mean "
       "\"subject\"?)"},
      {"AuthKey",
       V3(kAllow + ", {name: c, type: cosign, auth: {registy: r}, trustRoots: [{name: a, key: " +
              kKey + "}]}",
          kP),
       "application.validators[1].auth.registy: validator \"c\" has an unknown key \"registy\" "
       "(did you mean \"registry\"?)"},
      {"RuleKey", WithPolicy("{pattern: '*:*', validater: allow}"),
       "application.policy[0].validater: unknown key \"validater\" (did you mean \"validator\"?): "
       "images this rule selects are denied"},
      {"WithKey", WithPolicy("{pattern: '*:*', validator: dockerhub, with: {trustroot: sse}}"),
       "application.policy[0].with.trustroot: unknown key \"with.trustroot\" (did you mean "
       "\"trustRoot\"?): images this rule selects are denied"},
      {"WithKeyMissingValidator", WithPolicy("{pattern: '*:*', validator: nope, with: {x: 1}}"),
       "application.policy[0].with.x: unknown key \"with.x\": images this rule selects"},
  };
}

INSTANTIATE_TEST_SUITE_P(UnknownKeys, DoubtTest, ::testing::ValuesIn(UnknownKeyCases()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Validators, DoubtTest, ::testing::ValuesIn(ValidatorDoubts()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Rules, DoubtTest, ::testing::ValuesIn(RuleDoubtCases()),
                         [](const auto& info) { return info.param.name; });

TEST(ConfigDoubtsTest, DoubtfulValidatorsKeepTheReasonForTheRequestTimeDeny) {
  Config c = MustLoad(V3(kAllow + ", {name: n, type: notaryv1, trustRoots: null}, {name: x, "
                                  "type: notaryv2}, {name: d, type: static, approve: true}, "
                                  "{name: d, type: static, approve: false}",
                         kP));
  EXPECT_EQ(c.FindValidator("allow")->unusable, "");
  EXPECT_EQ(c.FindValidator("n")->unusable, "validator \"n\" has no trust root configured");
  EXPECT_EQ(c.FindValidator("n")->location, "values.yaml:2: application.validators[1]");
  EXPECT_EQ(c.FindValidator("x")->type, ValidatorType::kNotaryV2);
  EXPECT_THAT(c.FindValidator("x")->unusable, HasSubstr("type notaryv2"));
  for (const ValidatorConfig& v : c.validators) {
    if (v.name == "d") {
      EXPECT_EQ(v.unusable, "validator name \"d\" is defined 2 times");
    }
  }
  EXPECT_EQ(c.PublicJson()["validators"]["n"]["unusable"],
            "validator \"n\" has no trust root configured");
}

TEST(ConfigDoubtsTest, RuleDoubtsNameTheOptionAndTheValidator) {
  Config c = MustLoad(WithPolicy(kP));
  const ValidatorConfig& notary = *c.FindValidator("dockerhub");
  const ValidatorConfig& cosign = *c.FindValidator("cos");
  EXPECT_THAT(RuleDoubts(RuleOptions{}, notary), IsEmpty()) << "has a default root";
  EXPECT_THAT(RuleDoubts(RuleOptions{.trust_root = "*"}, cosign), IsEmpty());
  EXPECT_THAT(RuleDoubts(RuleOptions{.trust_root = "sse", .delegations = {"a"}}, notary),
              IsEmpty());
  EXPECT_THAT(RuleDoubts(RuleOptions{.trust_root = "nope"}, notary),
              ElementsAre(Field(&RuleDoubt::message,
                                "no trust root named \"nope\" in validator \"dockerhub\"")));
  EXPECT_THAT(RuleDoubts(RuleOptions{}, cosign), ElementsAre(Field(&RuleDoubt::key, "")));
  EXPECT_THAT(RuleDoubts(RuleOptions{.trust_root = "*", .threshold = 3}, notary),
              ElementsAre(Field(&RuleDoubt::key, "with.threshold")));
  EXPECT_THAT(RuleDoubts(RuleOptions{.trust_root = "nope"}, *c.FindValidator("allow")), IsEmpty())
      << "static validators take no options";
}

TEST(ConfigDoubtsTest, UnknownKeysDenyTheValidatorAndTheRuleTheyAreIn) {
  Config c = MustLoad(V3(kAllow + ", {name: c, type: cosign, trustRoots: [{name: a, key: " + kKey +
                             ", verifyInTransparencyLg: false}]}",
                         "{pattern: 'a/*', validator: allow, with: {trustRot: x}}, {pattern: "
                         "'b/*', validator: allow}"));
  EXPECT_EQ(c.FindValidator("allow")->unusable, "");
  EXPECT_EQ(c.FindValidator("c")->unusable,
            "validator \"c\" has an unknown key \"verifyInTransparencyLg\"");
  const ValidatorConfig& allow = *c.FindValidator("allow");
  EXPECT_THAT(RuleDoubts(c.policy[0].with, allow),
              ElementsAre(AllOf(Field(&RuleDoubt::key, "with.trustRot"),
                                Field(&RuleDoubt::message,
                                      "unknown key \"with.trustRot\" (did you mean "
                                      "\"trustRoot\"?)"))));
  EXPECT_THAT(RuleDoubts(c.policy[1].with, allow), IsEmpty());
  // A policy script's rule goes through ParseRuleOptions: the same doubt, not a parse error.
  StatusOr<RuleOptions> lua = ParseRuleOptions(nlohmann::json::parse(R"({"trustRot": "x"})"));
  ASSERT_THAT(lua, IsOk());
  EXPECT_EQ(RuleDoubts(*lua, allow), RuleDoubts(c.policy[0].with, allow));
}

TEST(ConfigDoubtsTest, EmptyDelegationsMeanNoDelegations) {
  Config c = MustLoad(WithPolicy(
      "{pattern: 'a/*', validator: dockerhub, with: {delegations: []}}, {pattern: 'b/*', "
      "validator: dockerhub}"));
  EXPECT_EQ(c.policy[0].with, c.policy[1].with);
  EXPECT_EQ(c.policy[0].with_json, c.policy[1].with_json);
  EXPECT_THAT(c.warnings, IsEmpty());
  StatusOr<RuleOptions> lua = ParseRuleOptions(nlohmann::json::parse(R"({"delegations": []})"));
  ASSERT_THAT(lua, IsOk());
  EXPECT_THAT(lua->delegations, IsEmpty());
}

TEST(ConfigDoubtsTest, RepeatedPatternsLoadInOrder) {
  Config c = MustLoad(WithPolicy(kP + ", {pattern: '*:*', validator: deny}"));
  ASSERT_EQ(c.policy.size(), 2u);
  EXPECT_EQ(c.policy[1].validator, "deny");
  EXPECT_EQ(c.policy[1].index, 1u);
}

}  // namespace
}  // namespace connaisseur::config::testing
