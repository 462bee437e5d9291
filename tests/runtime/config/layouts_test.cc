// Tests that the v3, v2, v1 and rendered layouts of one policy load into identical structs, and
// that the example values files shipped in examples/ load.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/config/config.h"
#include "tests/runtime/config/config_test_util.h"
#include "tests/testing/source_dirs.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::config::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// One policy that every layout can express: a self-signed notary with basic auth and one root,
// a rule with delegations, a rule that skips verification, detection mode and debug logging.
const std::string kV3 =
    "application:\n  validators:\n"
    "  - {name: default, type: notaryv1, host: notary.example.com, cert: " +
    kCert +
    ", auth: {username: u, password: p}, trustRoots: [{name: "
    "default, key: " +
    kKey +
    "}]}\n"
    "  - {name: allow, type: static, approve: true}\n"
    "  policy:\n"
    "  - {pattern: 'docker.io/library/*:*', with: {delegations: [a, b]}}\n"
    "  - {pattern: 'registry.k8s.io/*:*', validator: allow}\n"
    "  features: {detectionMode: true}\n"
    "  logLevel: DEBUG\n";
const std::string kV2 =
    "deployment: {replicasCount: 1}\nvalidators:\n"
    "- {name: default, type: notaryv1, host: notary.example.com, cert: " +
    kCert +
    ", auth: {username: u, password: p}, trust_roots: [{name: "
    "default, key: " +
    kKey +
    "}]}\n"
    "- {name: allow, type: static, approve: true}\n"
    "policy:\n"
    "- {pattern: 'docker.io/library/*:*', validator: default, with: "
    "{delegations: [a, b]}}\n"
    "- {pattern: 'registry.k8s.io/*:*', validator: allow}\n"
    "detection_mode: true\n"
    "namespacedValidation: {enabled: false, mode: validate}\n"
    "automaticChildApproval: {enabled: true}\n"
    "debug: true\n";
const std::string kV1 =
    "notary:\n  host: notary.example.com\n  selfsigned: true\n"
    "  selfsignedCert: " +
    kCert +
    "\n"
    "  auth: {enabled: true, user: u, password: p}\n"
    "  rootPubKey: " +
    kKey +
    "\n"
    "policy:\n"
    "- {pattern: 'docker.io/library/*:*', verify: true, delegations: [a, b]}\n"
    "- {pattern: 'registry.k8s.io/*:*', verify: false}\n"
    "detection_mode: true\ndebug: true\n";

// Where each validator was written differs between layouts; what it means must not.
std::vector<ValidatorConfig> WithoutLocations(std::vector<ValidatorConfig> validators) {
  for (ValidatorConfig& v : validators) v.location.clear();
  return validators;
}

void ExpectSamePolicy(const Config& a, const Config& b, const std::string& what) {
  EXPECT_EQ(WithoutLocations(a.validators), WithoutLocations(b.validators)) << what;
  EXPECT_EQ(a.policy, b.policy) << what;
  EXPECT_EQ(a.features, b.features) << what;
  EXPECT_EQ(a.log_level, b.log_level) << what;
  EXPECT_EQ(a.alerting, b.alerting) << what;
  EXPECT_EQ(a.PublicJson(), b.PublicJson()) << what;
}

TEST(LayoutTest, SamePolicyInEveryLayoutGivesIdenticalConfig) {
  StatusOr<Config> v3 = LoadConfigText(kV3, "v3.yaml");
  StatusOr<Config> v2 = LoadConfigText(kV2, "v2.yaml");
  StatusOr<Config> v1 = LoadConfigText(kV1, "v1.yaml");
  ASSERT_THAT(v3, IsOk()) << kV3;
  ASSERT_THAT(v2, IsOk()) << kV2;
  ASSERT_THAT(v1, IsOk()) << kV1;
  EXPECT_EQ(v3->layout, Layout::kV3);
  EXPECT_EQ(v2->layout, Layout::kV2);
  EXPECT_EQ(v1->layout, Layout::kV1);
  ExpectSamePolicy(*v3, *v2, "v3 vs v2");
  ExpectSamePolicy(*v3, *v1, "v3 vs v1");

  // And the translation is the one docs/configuration.md "Layouts" describes, not merely
  // consistent.
  const ValidatorConfig* notary = v1->FindValidator("default");
  ASSERT_NE(notary, nullptr);
  EXPECT_EQ(notary->type, ValidatorType::kNotaryV1);
  EXPECT_EQ(notary->auth.username, "u");
  EXPECT_FALSE(notary->cert.empty());
  ASSERT_EQ(notary->trust_roots.size(), 1u);
  EXPECT_EQ(notary->trust_roots[0].name, "default");
  EXPECT_EQ(v1->policy[0].with.delegations, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(v1->policy[1].validator, "allow");
  EXPECT_TRUE(v1->features.detection_mode);
  EXPECT_EQ(v1->log_level, "debug");
}

TEST(LayoutTest, OldLayoutsCarryADeprecationWarningAndV3DoesNot) {
  for (const auto& [text, expect_warning] :
       std::vector<std::pair<std::string, bool>>{{kV3, false}, {kV2, true}, {kV1, true}}) {
    StatusOr<Config> c = LoadConfigText(text, "values.yaml");
    ASSERT_THAT(c, IsOk()) << text;
    if (expect_warning) {
      EXPECT_THAT(c->warnings, Contains(HasSubstr("deprecated"))) << text;
    } else {
      EXPECT_THAT(c->warnings, IsEmpty()) << text;
    }
  }
}

TEST(LayoutTest, RenderedDocumentReadsLikeTheApplicationSection) {
  std::string rendered = "validators: [" + kAllow + ", " + kNotary +
                         "]\npolicy: [{pattern: '*:*', validator: dockerhub, with: {trustRoot: "
                         "sse}}]\n";
  std::string v3 =
      V3(kAllow + ", " + kNotary, "{pattern: '*:*', validator: dockerhub, with: {trustRoot: sse}}");
  StatusOr<Config> a = LoadConfigText(rendered, "config.yaml");
  StatusOr<Config> b = LoadConfigText(v3, "values.yaml");
  ASSERT_THAT(a, IsOk()) << rendered;
  ASSERT_THAT(b, IsOk()) << v3;
  EXPECT_EQ(a->layout, Layout::kRendered);
  EXPECT_THAT(a->warnings, IsEmpty());
  ExpectSamePolicy(*a, *b, "rendered vs v3");
}

TEST(LayoutTest, V2CosignHostStringAndSnakeCaseKeysAreMapped) {
  std::string v2 =
      "validators:\n- {name: c, type: cosign, host: rekor.example.org, trust_roots: [{name: "
      "default, key: " +
      kKey +
      "}], auth: {secret_name: regcred}}\n"
      "- {name: k, type: cosign, trust_roots: [{name: default, key: 'awskms:///arn'}], auth: "
      "{k8s_keychain: true}}\n"
      "policy:\n- {pattern: '*:*', validator: c, with: {key: default, "
      "verify_in_transparency_log: false}}\n"
      "- {pattern: 'k/*', validator: k}\n";
  StatusOr<Config> c = LoadConfigText(v2, "values.yaml");
  ASSERT_THAT(c, IsOk()) << v2;
  EXPECT_EQ(c->validators[0].cosign_host.rekor, "https://rekor.example.org");
  EXPECT_EQ(c->validators[0].auth.secret_name, "regcred");
  EXPECT_TRUE(c->validators[1].auth.use_keychain);
  EXPECT_EQ(c->policy[0].with.trust_root, "default");
  EXPECT_FALSE(c->policy[0].with.verify_in_transparency_log);
  EXPECT_EQ(c->policy[0].with_json,
            nlohmann::json::parse(R"({"trustRoot":"default","verifyInTransparencyLog":false})"));
}

StatusOr<Config> LoadExample(const std::string& name) {
  return LoadConfigFile(std::string(::connaisseur::testing::SourceDir()) + "/examples/" + name);
}

TEST(ExamplesTest, EveryExampleValuesFileLoads) {
  for (const char* name :
       {"values-v3.yaml", "values-v2.yaml", "values-v1.yaml", "values-demo.yaml"}) {
    StatusOr<Config> c = LoadExample(name);
    EXPECT_THAT(c, IsOk()) << name;
  }
}

TEST(ExamplesTest, ConnaisseurDefaultValuesInV3AndV2AreTheSamePolicy) {
  StatusOr<Config> v3 = LoadExample("values-v3.yaml");
  StatusOr<Config> v2 = LoadExample("values-v2.yaml");
  ASSERT_THAT(v3, IsOk());
  ASSERT_THAT(v2, IsOk());
  ExpectSamePolicy(*v3, *v2, "examples v3 vs v2");
  // Facts of Connaisseur v3.10's default values.
  EXPECT_EQ(v3->policy.size(), 4u);
  EXPECT_EQ(v3->policy[0].pattern, "*:*");
  EXPECT_EQ(v3->policy[0].validator, "deny");
  EXPECT_EQ(v3->FindValidator("dockerhub")->host, "notary.docker.io");
  EXPECT_EQ(v3->FindValidator("dockerhub")->trust_roots.size(), 2u);
  EXPECT_EQ(v3->features.namespaced_validation, Features::NamespacedValidation::kIgnore);
  EXPECT_EQ(v3->alerting.admit_request.size(), 2u);
  EXPECT_TRUE(v3->alerting.admit_request[0].fail_if_alert_sending_fails);
}

TEST(ExamplesTest, V1ExampleTranslatesToDefaultNotaryAndAllow) {
  StatusOr<Config> v1 = LoadExample("values-v1.yaml");
  StatusOr<Config> v3 = LoadExample("values-v3.yaml");
  ASSERT_THAT(v1, IsOk());
  ASSERT_THAT(v3, IsOk());
  // v1's single root is v3's dockerhub `default` root.
  EXPECT_EQ(v1->FindValidator("default")->trust_roots[0],
            v3->FindValidator("dockerhub")->trust_roots[0]);
  EXPECT_EQ(v1->policy[1].validator, "allow");
}

}  // namespace
}  // namespace connaisseur::config::testing
