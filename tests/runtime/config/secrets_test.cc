// Tests that secrets in a configuration never reach an error message, a warning or PublicJson,
// and what PublicJson exposes to policy scripts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/config/config.h"
#include "tests/runtime/config/config_test_util.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::config::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kP = "{pattern: '*:*', validator: allow}";

TEST(SecretsTest, ErrorsNextToASecretDoNotPrintIt) {
  const std::vector<std::string> cases = {
      // a bad field next to a password
      V3(kAllow +
             ", {name: n, type: notaryv1, auth: {username: bob, password: hunter2, secretName: "
             "[1]}, trustRoots: [{name: default, key: " +
             kKey + "}]}",
         kP),
      // the password itself has the wrong type
      V3(kAllow +
             ", {name: n, type: notaryv1, auth: {username: bob, password: [hunter2]}, "
             "trustRoots: [{name: default, key: " +
             kKey + "}]}",
         kP),
      // a password without a user
      V3(kAllow +
             ", {name: n, type: cosign, auth: {password: hunter2}, trustRoots: [{name: "
             "default, key: " +
             kKey + "}]}",
         kP),
      // a password in the v1 layout next to a bad host
      "notary: {host: 'http://n', auth: {enabled: true, user: bob, password: hunter2}, "
      "rootPubKey: " +
          kKey + "}\npolicy: [{pattern: '*:*'}]\n",
      // a malformed custom header that holds the token
      V3(kAllow, kP, "",
         "alerting: {admitRequest: {receivers: [{template: t, receiverUrl: 'https://a', "
         "customHeaders: ['GenieKey hunter2']}]}}\n"),
      // a token in a receiver URL that is not absolute
      V3(kAllow, kP, "",
         "alerting: {admitRequest: {receivers: [{template: t, receiverUrl: 'hooks/hunter2'}]}}\n"),
      // a private key pasted where a public key belongs
      V3(kAllow + ", {name: n, type: notaryv1, trustRoots: [{name: default, key: \"-----BEGIN "
                  "PRIVATE KEY-----\\nhunter2\\n-----END PRIVATE KEY-----\"}]}",
         kP),
      // an unterminated quote swallowing the rest of the file after a password
      "application:\n  validators:\n  - name: n\n    type: cosign\n    auth: {username: bob, "
      "password: hunter2}\n    trustRoots: [{name: default, key: \"abc}]\n  policy: []\n",
  };
  for (const std::string& yaml : cases) {
    StatusOr<Config> c = LoadConfigText(yaml, "values.yaml");
    ASSERT_FALSE(c.ok()) << yaml;
    EXPECT_THAT(c.status().message(), Not(HasSubstr("hunter2"))) << yaml;
  }
}

TEST(SecretsTest, CredentialsInsideHostUrlsAreRefusedWithoutPrintingThem) {
  const std::vector<std::string> cases = {
      V3(kAllow +
             ", {name: n, type: notaryv1, host: 'https://bob:hunter2@notary.example', "
             "trustRoots: [{name: default, key: " +
             kKey + "}]}",
         kP),
      V3(kAllow +
             ", {name: n, type: notaryv1, host: 'bob:hunter2@notary.example:4443', "
             "trustRoots: [{name: default, key: " +
             kKey + "}]}",
         kP),
      V3(kAllow +
             ", {name: c, type: cosign, host: {rekor: 'https://bob:hunter2@rekor.example'}, "
             "trustRoots: [{name: default, key: " +
             kKey + "}]}",
         kP),
  };
  for (const std::string& yaml : cases) {
    StatusOr<Config> c = LoadConfigText(yaml, "values.yaml");
    ASSERT_FALSE(c.ok()) << yaml;
    EXPECT_THAT(c.status().message(), HasSubstr("must not carry credentials")) << yaml;
    EXPECT_THAT(c.status().message(), Not(HasSubstr("hunter2"))) << yaml;
  }
  // An '@' after the authority (a path) is not a credential.
  StatusOr<Config> ok =
      LoadConfigText(V3(kAllow +
                            ", {name: n, type: notaryv1, host: 'https://notary.example/team@x', "
                            "trustRoots: [{name: default, key: " +
                            kKey + "}]}",
                        kP),
                     "values.yaml");
  EXPECT_THAT(ok, IsOk());
}

TEST(SecretsTest, PublicJsonHasNoCredentialsHeadersOrReceiverUrls) {
  std::string yaml =
      V3(kAllow +
             ", {name: n, type: notaryv1, auth: {username: bob, password: hunter2}, "
             "trustRoots: [{name: default, key: " +
             kKey +
             "}]}, {name: c, type: cosign, "
             "auth: {secretName: topsecret-name}, trustRoots: [{name: default, key: " +
             kKey + "}]}",
         kP, "",
         "alerting: {admitRequest: {receivers: [{template: t, receiverUrl: "
         "'https://hooks.example/hunter3', customHeaders: ['Authorization: hunter4']}]}}\n");
  StatusOr<Config> c = LoadConfigText(yaml, "values.yaml");
  ASSERT_THAT(c, IsOk()) << yaml;
  // The secrets are loaded (the validators need them)...
  EXPECT_EQ(c->FindValidator("n")->auth.password, "hunter2");
  // ...but the script's view has none of them.
  std::string dumped = c->PublicJson().dump();
  for (const char* secret : {"hunter2", "bob", "topsecret-name", "hunter3", "hunter4"}) {
    EXPECT_THAT(dumped, Not(HasSubstr(secret))) << secret;
  }
  EXPECT_EQ(c->PublicJson()["validators"]["n"]["authConfigured"], true);
}

TEST(PublicJsonTest, ListsPolicyValidatorsAndFeatures) {
  StatusOr<Config> c = LoadConfigText(
      WithPolicy(kP + ", {pattern: 'docker.io/*', validator: dockerhub, with: {trustRoot: sse, "
                      "delegations: [a]}}",
                 "  features: {detectionMode: true}\n"),
      "values.yaml");
  ASSERT_THAT(c, IsOk());
  nlohmann::json j = c->PublicJson();
  ASSERT_EQ(j["policy"].size(), 2u);
  EXPECT_EQ(j["policy"][1]["pattern"], "docker.io/*");
  EXPECT_EQ(j["policy"][1]["validator"], "dockerhub");
  EXPECT_EQ(j["policy"][1]["with"],
            nlohmann::json::parse(R"({"trustRoot":"sse","delegations":["a"]})"));
  EXPECT_EQ(j["validators"]["allow"]["type"], "static");
  EXPECT_EQ(j["validators"]["allow"]["approve"], true);
  EXPECT_EQ(j["validators"]["dockerhub"]["type"], "notaryv1");
  EXPECT_EQ(j["validators"]["dockerhub"]["host"], "notary.docker.io");
  EXPECT_EQ(j["validators"]["dockerhub"]["trustRoots"][1]["name"], "sse");
  EXPECT_THAT(j["validators"]["dockerhub"]["trustRoots"][1]["key"].get<std::string>(),
              HasSubstr("BEGIN PUBLIC KEY"));
  EXPECT_EQ(j["validators"]["cos"]["host"]["rekor"], "https://rekor.sigstore.dev");
  EXPECT_EQ(j["features"]["detectionMode"], true);
  EXPECT_EQ(j["features"]["namespacedValidation"], false);
}

TEST(LookupTest, FindsValidatorsAndTrustRootsByName) {
  StatusOr<Config> c = LoadConfigText(WithPolicy(kP), "values.yaml");
  ASSERT_THAT(c, IsOk());
  ASSERT_NE(c->FindValidator("dockerhub"), nullptr);
  EXPECT_EQ(c->FindValidator("nope"), nullptr);
  EXPECT_EQ(c->FindValidator(""), nullptr);  // "" means "default", which this config lacks
  const ValidatorConfig& v = *c->FindValidator("dockerhub");
  ASSERT_NE(v.FindTrustRoot(""), nullptr);
  EXPECT_EQ(v.FindTrustRoot("")->name, "default");
  EXPECT_EQ(v.FindTrustRoot("sse")->name, "sse");
  EXPECT_EQ(v.FindTrustRoot("nope"), nullptr);
  EXPECT_EQ(ValidatorTypeName(ValidatorType::kStatic), "static");
  EXPECT_EQ(ValidatorTypeName(ValidatorType::kNotaryV1), "notaryv1");
  EXPECT_EQ(ValidatorTypeName(ValidatorType::kCosign), "cosign");
  EXPECT_EQ(ValidatorTypeName(ValidatorType::kNotation), "notation");
}

}  // namespace
}  // namespace connaisseur::config::testing
