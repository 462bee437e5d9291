// End-to-end: `connaisseur lint` errors and warnings (never-matching and duplicated rules,
// keychain validators off-cluster, the Connaisseur-shaped corpus).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "tests/cli/binary_runner.h"
#include "tests/cli/test_values.h"
#include "tests/cli/values_corpus.h"

namespace connaisseur::cli::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(LintTest, CleanConfigurationPassesWithoutWarnings) {
  TempDir dir;
  const std::string values = dir.Write("values.yaml", kStaticValues);
  const RunResult r = RunConnaisseur({"lint", "--config", values});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("0 warning(s), no errors"));
  EXPECT_THAT(r.out, Not(HasSubstr("warning:")));
}

TEST(LintTest, WarnsAboutRulesThatCanNeverMatchWithTheirLine) {
  TempDir dir;
  const std::string values = dir.Write("values.yaml", R"(application:
  validators:
    - name: allow
      type: static
      approve: true
  policy:
    - pattern: "*:*"
      validator: allow
    - pattern: "test-image"
      validator: allow
    - pattern: "securesystemsengineering/*:co*"
      validator: allow
    - pattern: "index.docker.io/library/*"
      validator: allow
    - pattern: "docker.io/nginx:*"
      validator: allow
    - pattern: "docker.io/library/nginx"
      validator: allow
    - pattern: "localhost:5000/*"
      validator: allow
    - pattern: "Docker.IO/nginx"
      validator: allow
    - pattern: "LocalHost:5000/*"
      validator: allow
)");
  const RunResult r = RunConnaisseur({"lint", "--config", values});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const struct {
    int line;
    std::string pattern;
  } never[] = {{9, "test-image"},
               {13, "index.docker.io/library/*"},
               {15, "docker.io/nginx:*"},
               {21, "Docker.IO/nginx"}};  // the registry host ignores case, as matching does
  for (const auto& n : never) {
    EXPECT_THAT(r.out, HasSubstr(values + ":" + std::to_string(n.line) + ": warning: rule \"" +
                                 n.pattern + "\" can never match"))
        << n.pattern << "\n"
        << r.out;
  }
  for (const char* fine : {"\"*:*\" can", "\"docker.io/library/nginx\" can",
                           "\"localhost:5000/*\" can", "\"LocalHost:5000/*\" can"}) {
    EXPECT_THAT(r.out, Not(HasSubstr(fine))) << fine;
  }
  // `SecureSystemsEngineering/x:co1` is an image on registry "securesystemsengineering", so
  // the rule can match; but not Docker Hub's repository of that name, which it was meant for.
  EXPECT_THAT(r.out, HasSubstr(values + ":11: warning: rule \"securesystemsengineering/*:co*\" "
                                        "is probably wrong: it matches only images that write "
                                        "their registry \"securesystemsengineering\" with an "
                                        "upper-case letter"));
  EXPECT_THAT(r.out, HasSubstr(values + ":23: warning: rule 9 shadows rule 7: patterns "
                                        "\"localhost:5000/*\" and \"LocalHost:5000/*\" differ"));
  EXPECT_THAT(r.out, HasSubstr("6 warning(s)"));
}

// The registry host compares case-insensitively (runtime/matching/registry_host.h): `registry/*`
// matches `Registry/x` (host "registry"), and `Reg.IO/*` and `reg.io/*` are one rule.
TEST(LintTest, TreatsTheRegistryHostCaseInsensitivelyAsMatchingDoes) {
  TempDir dir;
  const std::string values = dir.Write("values.yaml", kStaticValidators + R"(  policy:
    - pattern: "registry/*"
      validator: allow
    - pattern: "Reg.IO/*"
      validator: deny
    - pattern: "reg.io/*"
      validator: allow
)");
  const RunResult r = RunConnaisseur({"lint", "--config", values});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("\"registry/*\" can never match"))) << r.out;
  EXPECT_THAT(r.out, HasSubstr("rule \"registry/*\" is probably wrong"));
  EXPECT_THAT(r.out, HasSubstr(values + ":14: warning: rule 3 shadows rule 2: patterns "
                                        "\"Reg.IO/*\" and \"reg.io/*\" differ only in the case "
                                        "of the registry host, which matching ignores, and on a "
                                        "tie the later rule wins, so rule 2 is never used"))
      << r.out;
  const RunResult check = RunConnaisseur(
      {"check", "--config", values, "--output", "jsonl", "Registry/x:1", "REG.io/app:1"});
  EXPECT_THAT(check.out, HasSubstr("\"rule\":\"registry/*\"")) << check.out;
  EXPECT_THAT(check.out, HasSubstr("\"rule\":\"reg.io/*\"")) << check.out;
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST(LintTest, WarnsWhenInlineRegistryCredentialsCanReachAnyRegistry) {
  TempDir dir;
  const std::string validators = R"(application:
  validators:
    - name: scoped
      type: cosign
      auth: {username: bot, password: pw, registry: registry.example.com}
      trustRoots: [{name: default, key: "%KEY%"}]
    - name: unscoped
      type: cosign
      auth: {username: bot, password: pw}
      trustRoots: [{name: default, key: "%KEY%"}]
  policy:
    - pattern: "*:*"
      validator: scoped
    - pattern: "*/team/*"
      validator: unscoped
    - pattern: "registry.example.com/*"
      validator: unscoped
)";
  std::string yaml = validators;
  const std::string key =
      "-----BEGIN PUBLIC "
      "KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEcpMZunRefAFzEgwoOQUUhmyMoz+i"
      "\\njQvppZtg8Vuo1E3pLvxV4Kvl2/hGQ282V/FbYUwLelPPaHnBTuxp1uGmew==\\n-----END PUBLIC "
      "KEY-----\\n";
  for (size_t at; (at = yaml.find("%KEY%")) != std::string::npos;) yaml.replace(at, 5, key);
  const std::string values = dir.Write("values.yaml", yaml);
  const RunResult r = RunConnaisseur({"lint", "--config", values});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out,
              HasSubstr(values + ":14: warning: rule \"*/team/*\" lets validator "
                                 "\"unscoped\" send its registry credentials to any registry"))
      << r.out;
  EXPECT_THAT(r.out, Not(HasSubstr("rule \"*:*\" lets"))) << "scoped by auth.registry";
  EXPECT_THAT(r.out, Not(HasSubstr("rule \"registry.example.com/*\" lets"))) << "fixed registry";
  EXPECT_THAT(r.out, Not(HasSubstr("pw"))) << "never print a secret";
}

TEST(LintTest, LegacyUnanchoredMatchingSilencesNeverMatchWarnings) {
  TempDir dir;
  const std::string values = dir.Write("values.yaml", R"(application:
  validators:
    - name: allow
      type: static
      approve: true
  policy:
    - pattern: "securesystemsengineering/*:co*"
      validator: allow
  features:
    legacyUnanchoredMatching: true
)");
  const RunResult r = RunConnaisseur({"lint", "--config", values});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("can never match")));
}

TEST(LintTest, ReadsTheAlertConfigFromItsOwnFile) {
  TempDir dir;
  const std::string values = dir.Write("values.yaml", kStaticValues);
  const std::string good = dir.Write("alerts.yaml", R"(clusterIdentifier: prod
rejectRequest:
  receivers:
    - {template: opsgenie, receiverUrl: "https://alerts.example/x"}
)");
  const std::string bad =
      dir.Write("bad-alerts.yaml", "clusterIdentifier: prod\nadmitRequest: [1]\n");
  const RunResult ok = RunConnaisseur({"lint", "--config", values, "--alert-config", good});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  const RunResult r = RunConnaisseur({"lint", "--config", values, "--alert-config", bad});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out + r.err, HasSubstr(bad + ":2: admitRequest"));
}

TEST(LintTest, ConfigurationAndScriptErrorsExitTwo) {
  TempDir dir;
  const std::string values = dir.Write("values.yaml", kStaticValues);
  const std::string bad_values = dir.Write("bad.yaml", R"(application:
  validators:
    - name: allow
      type: magic
  policy:
    - pattern: "*:*"
      validator: allow
)");
  const std::string bad_script = dir.Write("bad.lua", "return { select = 42 }\n");
  const std::string syntax = dir.Write("syntax.lua", "local x = \n");
  {
    const RunResult r = RunConnaisseur({"lint", "--config", bad_values});
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_THAT(r.out, HasSubstr(bad_values));
    EXPECT_THAT(r.out, HasSubstr("magic"));
  }
  for (const std::string& script : {bad_script, syntax}) {
    const RunResult r = RunConnaisseur({"lint", "--config", values, "--policy-script", script});
    EXPECT_EQ(r.exit_code, 2) << script << r.out;
    EXPECT_THAT(r.out, HasSubstr(script)) << script;
  }
}

TEST(LintTest, StrictFailsOnWarningsOnly) {
  TempDir dir;
  const std::string clean = dir.Write("clean.yaml", kStaticValues);
  const std::string warned = dir.Write("warned.yaml", kStaticValidators + R"(  policy:
    - pattern: "*:*"
      validator: nowhere
)");
  EXPECT_EQ(RunConnaisseur({"lint", "--strict", "--config", clean}).exit_code, 0);
  const RunResult plain = RunConnaisseur({"lint", "--config", warned});
  EXPECT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  EXPECT_THAT(plain.out, HasSubstr(warned + ":11: warning: application.policy[0].validator: "
                                            "validator \"nowhere\" not found"));
  const RunResult strict = RunConnaisseur({"lint", "--strict", "--config", warned});
  EXPECT_EQ(strict.exit_code, 1) << strict.out << strict.err;
  EXPECT_THAT(strict.out, HasSubstr("1 warning(s)"));
}

TEST(LintTest, WarnsThatTheLaterOfTwoIdenticalPatternsShadowsTheEarlier) {
  TempDir dir;
  const std::string values = dir.Write("values.yaml", kStaticValidators + R"(  policy:
    - pattern: "docker.io/library/*"
      validator: deny
    - pattern: "registry.k8s.io/*"
      validator: allow
    - pattern: "docker.io/library/*"
      validator: allow
)");
  const RunResult r = RunConnaisseur({"lint", "--config", values});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(values + ":14: warning: rule 3 shadows rule 1: both have pattern "
                                        "\"docker.io/library/*\", and on a tie the later rule "
                                        "wins, so rule 1 is never used"));
}

// `serve` refuses to start when an alert template is missing or cannot render; lint says so
// first, reading templates from the same place (CONNAISSEUR_ALERT_TEMPLATES).
TEST(LintTest, ReportsAlertTemplatesServeWouldRefuse) {
  TempDir dir;
  const std::string templates = dir.path() + "/templates";
  dir.Write("templates/custom.json", R"({"text": "{{ alert_message }}"})");
  dir.Write("templates/broken.json", R"({"text": "{{ no_such_field }}"})");
  auto values_with = [&](const std::string& name, const std::string& template_name) {
    return dir.Write(name, kStaticValues + R"(alerting:
  rejectRequest:
    receivers:
      - {template: )" + template_name +
                               R"(, receiverUrl: "https://alerts.example/x"}
)");
  };
  setenv("CONNAISSEUR_ALERT_TEMPLATES", templates.c_str(), 1);
  const RunResult custom = RunConnaisseur({"lint", "--config", values_with("a.yaml", "custom")});
  const RunResult shipped = RunConnaisseur({"lint", "--config", values_with("b.yaml", "slack")});
  const RunResult missing = RunConnaisseur({"lint", "--config", values_with("c.yaml", "nope")});
  const RunResult broken = RunConnaisseur({"lint", "--config", values_with("d.yaml", "broken")});
  unsetenv("CONNAISSEUR_ALERT_TEMPLATES");
  EXPECT_EQ(custom.exit_code, 0) << custom.out << custom.err;
  EXPECT_EQ(shipped.exit_code, 0) << shipped.out << shipped.err;
  EXPECT_EQ(missing.exit_code, 2) << missing.out << missing.err;
  EXPECT_THAT(missing.out, HasSubstr("alert template \"nope\" not found"));
  EXPECT_EQ(broken.exit_code, 2) << broken.out << broken.err;
  EXPECT_THAT(broken.out, HasSubstr("no_such_field"));
}

// A P-256 public key, indented for the block scalar below.
constexpr char kKey[] =
    "            -----BEGIN PUBLIC KEY-----\n"
    "            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEvtc/qpHtx7iUUj+rRHR99a8mnGni\n"
    "            qiGkmUb9YpWWTS4YwlvwdmMDiGzcsHiDOYz6f88u2hCRF5GUCvyiZAKrsA==\n"
    "            -----END PUBLIC KEY-----\n";

// v3.10's layout and spelling.
std::string V3Values() {
  return R"(application:
  validators:
    - name: private
      type: cosign
      auth:
        useKeychain: true
      trustRoots:
        - name: default
          key: |
)" + std::string(kKey) +
         R"(  policy:
    - pattern: "registry.example.com/*"
      validator: private
      with:
        verifyInTransparencyLog: false
)";
}

// v2's top-level layout and snake_case spelling (the chart of the Python releases).
std::string V2Values() {
  return R"(validators:
  - name: private
    type: cosign
    auth:
      k8s_keychain: true
    trust_roots:
      - name: default
        key: |
)" + std::string(kKey) +
         R"(policy:
  - pattern: "registry.example.com/*"
    validator: private
    with:
      verify_in_transparency_log: false
)";
}

// A cosign validator with `auth.useKeychain` (v3.10) or `k8s_keychain` (v2 layout) loads
// everywhere; off-cluster `lint` warns that its images are pulled anonymously there, naming the
// file and path, and still exits 0.
TEST(KeychainLintTest, WarnsThatOffClusterPullsAreAnonymous) {
  for (const std::string& values_text : {V3Values(), V2Values()}) {
    TempDir dir;
    const std::string values = dir.Write("values.yaml", values_text);
    const RunResult r = RunConnaisseur({"lint", "--config", values});
    EXPECT_EQ(r.exit_code, 0) << values_text << "\n" << r.out << r.err;
    EXPECT_THAT(r.out + r.err, HasSubstr("validators[0].auth"));
    EXPECT_THAT(r.out + r.err, HasSubstr("image pull secrets of each Pod"));
    EXPECT_THAT(r.out + r.err, HasSubstr("off-cluster (check, lint, test) images are pulled "
                                         "anonymously"));
  }
}

// The corpus: every file loads with warnings, and `lint --strict` fails it.
TEST(LintCorpusTest, PassesEveryFileWithWarningsAndStrictFailsIt) {
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

TEST(LintCorpusTest, WarnsAboutUnmountedAuthSecretsWithoutPrintingThem) {
  const std::string values = CorpusPath("v1-selfsigned-private-notary.yaml");
  const RunResult lint = RunConnaisseur({"lint", "--config", values});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_THAT(lint.out, HasSubstr(values + ":7: warning: notary: validator \"default\""));
  EXPECT_THAT(lint.out, HasSubstr("harbor-notary-credentials"));
  EXPECT_THAT(lint.out, Not(HasSubstr("not-a-real-password"))) << "never print a secret";
}

// Connaisseur ignores unknown keys: the file loads, and `lint` names each with its line and "did
// you mean" (check_command_test.cc shows what they deny).
TEST(LintCorpusTest, NamesUnknownKeysWithTheirLineAndStrictFails) {
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
}

TEST(LintCorpusTest, WarnsThatTheLaterOfTwoRulesWithTheSamePatternShadowsTheEarlier) {
  const std::string values = CorpusPath("v3.3-documented-snippets.yaml");
  const RunResult lint = RunConnaisseur({"lint", "--config", values});
  EXPECT_THAT(lint.out, HasSubstr(values + ":41: warning: rule 3 shadows rule 2: both have "
                                           "pattern \"registry.k8s.io/*:*\""))
      << lint.out;
}

}  // namespace
}  // namespace connaisseur::cli::testing
