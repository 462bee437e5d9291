// Tests that every values file of the Connaisseur-shaped corpus (tests/data/connaisseur-values/,
// one or more per era: v1.4-v1.5, v2, v3.0-v3.3 Python, v3.4-v3.10 Go) loads, with exactly the
// doubts it carries as warnings and the v1 translation details (isCosign, default host,
// selfsigned, auth.enabled, secretName over inline credentials). The request-time denies of the
// same files are tested end to end in tests/cli/check_command_test.cc (CheckCorpusTest).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/config/config.h"
#include "tests/testing/source_dirs.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

std::string CorpusPath(const std::string& name) {
  return std::string(::connaisseur::testing::SourceDir()) + "/tests/data/connaisseur-values/" +
         name;
}

Config MustLoad(const std::string& name) {
  StatusOr<Config> c = LoadConfigFile(CorpusPath(name));
  EXPECT_THAT(c, IsOk()) << name;
  return c.ok() ? std::move(c).value() : Config{};
}

// Warnings without the file name (it is the absolute path of the checkout) and without the
// deprecation notice of the v1 and v2 layouts.
std::vector<std::string> Doubts(const Config& c) {
  std::vector<std::string> out;
  for (const std::string& w : c.warnings) {
    if (w.find("is deprecated") != std::string::npos) continue;
    out.push_back(w.substr(w.find(": ") + 2));
  }
  return out;
}

struct CorpusFile {
  std::string name;
  Layout layout;
  std::vector<std::string> doubts;  // exact, "<path>: <message>"
};

constexpr char kDenied[] = ": images routed to it are denied";
constexpr char kRuleDenied[] = ": images this rule selects are denied";

TEST(ConnaisseurValuesTest, EveryEraLoadsWithItsDoubtsAsWarnings) {
  const std::string no_default_root =
      "validator \"default\" has no trust root configured" + std::string(kDenied);
  const std::vector<CorpusFile> files = {
      {"v1.4-defaults.yaml",
       Layout::kV1,
       {"notary.rootPubKey: trust root \"default\" of validator \"default\" has an empty key" +
        std::string(kDenied)}},
      {"v1.5-cosign.yaml", Layout::kV1, {}},
      {"v1-selfsigned-private-notary.yaml", Layout::kV1, {}},
      {"v2.0-defaults.yaml", Layout::kV2, {"validators[2].trust_roots: " + no_default_root}},
      {"v2.x-documented-snippets.yaml",
       Layout::kV2,
       {"validators[2].trust_roots: validator \"cosign-pending\" has no trust root configured" +
        std::string(kDenied)}},
      {"v3.3-defaults.yaml",
       Layout::kV3,
       {"application.validators[2].trustRoots: " + no_default_root}},
      {"v3.3-documented-snippets.yaml",
       Layout::kV3,
       {"application.validators[2].type: validator \"nv2\" has type notaryv2, a stub in "
        "Connaisseur v3.3 that verifies nothing (use type notation)" +
            std::string(kDenied),
        "application.validators[3].trustRoots[0]: keyless trust root \"github-actions\" needs "
        "host.fulcioCert (the Fulcio root it chains to): images it must verify are denied",
        "application.validators[3].trustRoots[0]: keyless trust root \"github-actions\" has no "
        "host.rekorPubkey: only entries of the public rekor.sigstore.dev log are accepted",
        "application.validators[3].trustRoots[0]: keyless trust root \"github-actions\" has no "
        "host.ctLogPubkey: images whose rules verify SCTs (verifySCT, true by default) are denied",
        "application.policy[0].validator: validator \"default\" not found" +
            std::string(kRuleDenied),
        "application.policy[5].validator: validator \"missing-validator\" not found" +
            std::string(kRuleDenied),
        "application.policy[7].with.trustRoot: no trust root named \"nope\" in validator \"sse\"" +
            std::string(kRuleDenied),
        "application.policy[8].with.threshold: rule option \"threshold\" is not an option of "
        "notaryv1 validator \"sse\"" +
            std::string(kRuleDenied)}},
      {"v3.10-defaults.yaml",
       Layout::kV3,
       {"application.validators[2].trustRoots: " + no_default_root}},
      {"v3.10-documented-snippets.yaml",
       Layout::kV3,
       {"application.validators[1].trustRoots: " + no_default_root,
        "application.validators[3]: validator \"notation-ca\" is of type notation, which this "
        "build cannot verify yet" +
            std::string(kDenied),
        "application.policy[5]: no with.trustRoot given and validator \"team-notary\" has no "
        "trust root named \"default\"" +
            std::string(kRuleDenied)}},
      {"v3.10-unknown-keys.yaml",
       Layout::kV3,
       {"global: unknown key, ignored",
        "application.features.detectonMode: unknown key (did you mean \"detectionMode\"?), "
        "ignored",
        "application.validators[1].host.rekorPubKey: validator \"private-rekor\" has an unknown "
        "key \"rekorPubKey\" (did you mean \"rekorPubkey\"?)" +
            std::string(kDenied),
        "application.policy[2].with.treshold: unknown key \"with.treshold\" (did you mean "
        "\"threshold\"?)" +
            std::string(kRuleDenied)}},
  };
  for (const CorpusFile& f : files) {
    Config c = MustLoad(f.name);
    EXPECT_EQ(c.layout, f.layout) << f.name;
    EXPECT_THAT(Doubts(c), UnorderedElementsAreArray(f.doubts)) << f.name;
    for (const std::string& w : c.warnings) {
      EXPECT_THAT(w, HasSubstr(CorpusPath(f.name) + ":")) << "every warning names its file";
    }
  }
}

TEST(ConnaisseurValuesTest, V1EmptyRootKeyDeniesSayingEmpty) {
  Config c = MustLoad("v1.4-defaults.yaml");
  const ValidatorConfig* notary = c.FindValidator("default");
  ASSERT_NE(notary, nullptr);
  EXPECT_EQ(notary->type, ValidatorType::kNotaryV1);
  EXPECT_EQ(notary->unusable, "trust root \"default\" of validator \"default\" has an empty key");
  EXPECT_EQ(notary->auth, Auth{}) << "auth.enabled: false ignores the credentials";
  EXPECT_EQ(notary->cert, "") << "selfsigned: false";
  EXPECT_EQ(c.policy[1].validator, "allow");
}

TEST(ConnaisseurValuesTest, V1IsCosignMakesACosignValidatorWithoutTransparencyLog) {
  Config c = MustLoad("v1.5-cosign.yaml");
  const ValidatorConfig* v = c.FindValidator("default");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->type, ValidatorType::kCosign);
  ASSERT_EQ(v->trust_roots.size(), 1u);
  EXPECT_THAT(v->trust_roots[0].key, HasSubstr("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEvtc"));
  EXPECT_EQ(v->unusable, "");
  EXPECT_FALSE(c.policy[0].with.verify_in_transparency_log);
  EXPECT_EQ(c.policy[0].with_json["verifyInTransparencyLog"], false);
  EXPECT_EQ(c.policy[1].validator, "allow");
}

TEST(ConnaisseurValuesTest, V1SelfsignedNotaryTakesTheSecretOverInlineCredentials) {
  Config c = MustLoad("v1-selfsigned-private-notary.yaml");
  const ValidatorConfig* v = c.FindValidator("default");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->host, "notary.harbor.example.internal");
  EXPECT_THAT(v->cert, HasSubstr("BEGIN CERTIFICATE"));
  EXPECT_EQ(v->auth.secret_name, "harbor-notary-credentials");
  EXPECT_EQ(v->auth.username, "");
  EXPECT_EQ(v->auth.password, "");
  EXPECT_THAT(c.policy[1].with.delegations, ElementsAre("releases", "qa"));
  EXPECT_THAT(c.policy[2].with.delegations, IsEmpty()) << "delegations: [] means none";
  EXPECT_FALSE(c.features.detection_mode);
}

TEST(ConnaisseurValuesTest, V1HostDefaultsToDockerHubsNotary) {
  StatusOr<Config> c = LoadConfigText(
      "notary:\n  host: null\n  rootPubKey: \"-----BEGIN PUBLIC KEY-----\\n"
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOXYta5TgdCwXTCnLU09W5T4M4r9f\\n"
      "QQrqJuADP6U7g5r9ICgPSmZuRHP/1AYUfOQW3baveKsT969EfELKj1lfCA==\\n"
      "-----END PUBLIC KEY-----\\n\"\npolicy: [{pattern: '*:*'}]\n",
      "values.yaml");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->FindValidator("default")->host, "notary.docker.io");
}

TEST(ConnaisseurValuesTest, V1EnabledAuthWithOnlyAUserLoadsAndDenies) {
  StatusOr<Config> c = LoadConfigText(
      "notary:\n  auth: {enabled: true, user: bot}\n  rootPubKey: \"-----BEGIN PUBLIC KEY-----\\n"
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOXYta5TgdCwXTCnLU09W5T4M4r9f\\n"
      "QQrqJuADP6U7g5r9ICgPSmZuRHP/1AYUfOQW3baveKsT969EfELKj1lfCA==\\n"
      "-----END PUBLIC KEY-----\\n\"\npolicy: [{pattern: '*:*'}]\n",
      "values.yaml");
  ASSERT_THAT(c, IsOk());
  EXPECT_THAT(c->FindValidator("default")->unusable, HasSubstr("lacks a user, a password"));
}

}  // namespace
}  // namespace connaisseur::config
