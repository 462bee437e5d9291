// End-to-end over the Connaisseur-shaped corpus (tests/data/connaisseur-values/): every file
// loads in `check`, `lint` passes it with warnings (and `lint --strict` fails it), and every
// warned shape denies the images it governs at request time with a message naming the cause.
// All images here are decided before any network access (static validators, or a doubt).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli/binary_runner.h"
#include "tests/testing/source_dirs.h"

namespace connaisseur::cli::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string CorpusPath(const std::string& name) {
  return std::string(::connaisseur::testing::SourceDir()) + "/tests/data/connaisseur-values/" +
         name;
}

const char* const kCorpus[] = {
    "v1.4-defaults.yaml",
    "v1.5-cosign.yaml",
    "v1-selfsigned-private-notary.yaml",
    "v2.0-defaults.yaml",
    "v2.x-documented-snippets.yaml",
    "v3.3-defaults.yaml",
    "v3.3-documented-snippets.yaml",
    "v3.10-defaults.yaml",
    "v3.10-documented-snippets.yaml",
    "v3.10-unknown-keys.yaml",
};

TEST(CorpusTest, LintPassesEveryFileWithWarningsAndStrictFailsIt) {
  for (const char* name : kCorpus) {
    const std::string values = CorpusPath(name);
    const RunResult lint = RunConnaisseur({"lint", "--config", values});
    EXPECT_EQ(lint.exit_code, 0) << name << "\n" << lint.out << lint.err;
    EXPECT_THAT(lint.out, HasSubstr("warning:")) << name;
    EXPECT_THAT(lint.out, HasSubstr("no errors")) << name;
    const RunResult strict = RunConnaisseur({"lint", "--strict", "--config", values});
    EXPECT_EQ(strict.exit_code, 1) << name << "\n" << strict.out << strict.err;
  }
}

struct Verdict {
  std::string image;
  bool allowed;
  std::string reason;  // substring of the deny reason ("" for an allow)
};

// Runs `check` over the images and compares each row's verdict and reason.
void ExpectVerdicts(const std::string& name, const std::vector<Verdict>& verdicts) {
  std::vector<std::string> args = {"check", "--config", CorpusPath(name), "--output", "jsonl"};
  for (const Verdict& v : verdicts) args.push_back(v.image);
  const RunResult r = RunConnaisseur(args);
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), verdicts.size()) << name << "\n" << r.out << r.err;
  for (size_t i = 0; i < verdicts.size(); ++i) {
    const nlohmann::json row = nlohmann::json::parse(lines[i], nullptr, false);
    ASSERT_TRUE(row.is_object()) << lines[i];
    EXPECT_EQ(row["verdict"], verdicts[i].allowed ? "allow" : "deny")
        << name << " " << verdicts[i].image << ": " << row.dump();
    if (!verdicts[i].allowed) {
      EXPECT_THAT(row["reason"].get<std::string>(), HasSubstr(verdicts[i].reason))
          << name << " " << verdicts[i].image;
    }
  }
}

TEST(CorpusTest, EmptyTrustRootsDenyTheImagesRoutedThereNamingTheValidator) {
  const std::string no_root = "validator \"default\" has no trust root configured";
  ExpectVerdicts("v2.0-defaults.yaml",
                 {{"quay.io/org/app:1", false, no_root}, {"k8s.gcr.io/pause:3.2", true, ""}});
  ExpectVerdicts("v3.3-defaults.yaml",
                 {{"quay.io/org/app:1", false, no_root}, {"registry.k8s.io/pause:3.9", true, ""}});
  ExpectVerdicts("v3.10-defaults.yaml",
                 {{"quay.io/org/app:1", false, no_root}, {"registry.k8s.io/pause:3.9", true, ""}});
  ExpectVerdicts("v2.x-documented-snippets.yaml",
                 {{"ghcr.io/example/app:1", false,
                   "validator \"cosign-pending\" has no trust root configured"},
                  {"docker.io/library/nginx:1", true, ""}});
  ExpectVerdicts("v3.10-documented-snippets.yaml", {{"quay.io/org/app:1", false, no_root}});
}

TEST(CorpusTest, V1EmptyRootKeyDeniesSayingEmpty) {
  ExpectVerdicts("v1.4-defaults.yaml",
                 {{"docker.io/library/nginx:1.25", false,
                   "trust root \"default\" of validator \"default\" has an empty key"},
                  {"k8s.gcr.io/pause:3.2", true, ""}});
}

TEST(CorpusTest, UnmountedAuthSecretsWarnAtLoadAndDenyNamingTheSecret) {
  const std::string values = CorpusPath("v1-selfsigned-private-notary.yaml");
  const RunResult lint = RunConnaisseur({"lint", "--config", values});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_THAT(lint.out, HasSubstr(values + ":7: warning: notary: validator \"default\""));
  EXPECT_THAT(lint.out, HasSubstr("harbor-notary-credentials"));
  EXPECT_THAT(lint.out, Not(HasSubstr("not-a-real-password"))) << "never print a secret";
  const RunResult plan = RunConnaisseur(
      {"check", "--plan", "--config", values, "harbor.example.internal/library/app:1"});
  EXPECT_EQ(plan.exit_code, 0) << "--plan runs no validator: " << plan.out << plan.err;
  ExpectVerdicts("v1-selfsigned-private-notary.yaml",
                 {{"harbor.example.internal/library/app:1", false, "harbor-notary-credentials"},
                  {"k8s.gcr.io/pause:3.2", true, ""}});
  ExpectVerdicts("v2.x-documented-snippets.yaml",
                 {{"myregistry.azurecr.io/app:1", false, "acr-connaisseur-credentials"}});
}

TEST(CorpusTest, DocumentedSnippetsDenyEachDoubtWithItsMessage) {
  ExpectVerdicts("v3.3-documented-snippets.yaml",
                 {{"quay.io/other/app:1", false, "validator \"default\" not found"},
                  {"quay.io/example/app:1", false, "validator \"missing-validator\" not found"},
                  {"notary.example.internal/app:1", false, "validator \"nv2\" has type notaryv2"},
                  {"docker.io/securesystemsengineering/testimage:1", false,
                   "no trust root named \"nope\" in validator \"sse\""},
                  {"docker.io/securesystemsengineering/connaisseur:v3", false,
                   "rule option \"threshold\" is not an option of notaryv1 validator \"sse\""}});
  ExpectVerdicts("v3.10-documented-snippets.yaml",
                 {{"registry.example.com/notation/app:1", false,
                   "validator \"notation-ca\" is of type notation"},
                  {"notary.example.internal/app:1", false,
                   "no with.trustRoot given and validator \"team-notary\" has no trust root "
                   "named \"default\""},
                  {"registry.k8s.io/pause:3.9", true, ""}});
}

// Connaisseur ignores unknown keys: the file loads, `lint` names each with its line and "did you
// mean", and a misspelled key in a validator or a rule's `with` denies what it governs.
TEST(CorpusTest, UnknownKeysWarnWithTheirLineAndDenyInValidatorsAndRules) {
  const std::string values = CorpusPath("v3.10-unknown-keys.yaml");
  const RunResult lint = RunConnaisseur({"lint", "--config", values});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_THAT(lint.out, HasSubstr(values + ":13: warning: application.features.detectonMode: "
                                           "unknown key (did you mean \"detectionMode\"?), "
                                           "ignored"));
  EXPECT_THAT(lint.out, HasSubstr(values + ":22: warning: application.validators[1].host."
                                           "rekorPubKey: validator \"private-rekor\" has an "
                                           "unknown key \"rekorPubKey\" (did you mean "
                                           "\"rekorPubkey\"?)"));
  EXPECT_THAT(lint.out, HasSubstr(values + ":58: warning: application.policy[2].with.treshold: "
                                           "unknown key \"with.treshold\" (did you mean "
                                           "\"threshold\"?)"));
  EXPECT_EQ(RunConnaisseur({"lint", "--strict", "--config", values}).exit_code, 1);
  ExpectVerdicts("v3.10-unknown-keys.yaml",
                 {{"docker.io/library/nginx:1", true, ""},
                  {"ghcr.io/example/app:1", false,
                   "validator \"private-rekor\" has an unknown key \"rekorPubKey\" (did you "
                   "mean \"rekorPubkey\"?)"},
                  {"quay.io/team/app:1", false,
                   "unknown key \"with.treshold\" (did you mean \"threshold\"?)"}});
}

TEST(CorpusTest, TheLaterOfTwoRulesWithTheSamePatternWinsAndCheckShowsIt) {
  const std::string values = CorpusPath("v3.3-documented-snippets.yaml");
  // Rule 2 sends registry.k8s.io to `deny`, rule 3 (same pattern) to `allow`: rule 3 is used.
  for (const char* plan : {"--plan", ""}) {
    std::vector<std::string> args = {"check",    "--config", values,
                                     "--output", "jsonl",    "registry.k8s.io/pause:3.9"};
    if (*plan != '\0') args.push_back(plan);
    const RunResult r = RunConnaisseur(args);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const nlohmann::json row = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_TRUE(row.is_object()) << r.out;
    EXPECT_EQ(row["rule"], "registry.k8s.io/*:*");
    EXPECT_EQ(row["validator"], "allow") << "the later rule wins the tie";
  }
  const RunResult table =
      RunConnaisseur({"check", "--config", values, "registry.k8s.io/pause:3.9"});
  EXPECT_THAT(table.out, HasSubstr("allow"));
  const RunResult lint = RunConnaisseur({"lint", "--config", values});
  EXPECT_THAT(lint.out, HasSubstr(values + ":41: warning: rule 3 shadows rule 2: both have "
                                           "pattern \"registry.k8s.io/*:*\""))
      << lint.out;
}

}  // namespace
}  // namespace connaisseur::cli::testing
