// End-to-end: `connaisseur lint` errors and warnings (never-matching and duplicated rules).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/cli/binary_runner.h"
#include "tests/cli/test_values.h"

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
)");
  const RunResult r = RunConnaisseur({"lint", "--config", values});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const struct {
    int line;
    std::string pattern;
  } never[] = {{9, "test-image"},
               {11, "securesystemsengineering/*:co*"},
               {13, "index.docker.io/library/*"},
               {15, "docker.io/nginx:*"}};
  for (const auto& n : never) {
    EXPECT_THAT(r.out, HasSubstr(values + ":" + std::to_string(n.line) + ": warning: rule \"" +
                                 n.pattern + "\" can never match"))
        << n.pattern << "\n"
        << r.out;
  }
  for (const char* fine :
       {"\"*:*\" can", "\"docker.io/library/nginx\" can", "\"localhost:5000/*\" can"}) {
    EXPECT_THAT(r.out, Not(HasSubstr(fine))) << fine;
  }
  EXPECT_THAT(r.out, HasSubstr("4 warning(s)"));
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
      dir.Write("bad-alerts.yaml", "clusterIdentifier: prod\nadmitRequst: {}\n");
  const RunResult ok = RunConnaisseur({"lint", "--config", values, "--alert-config", good});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  const RunResult r = RunConnaisseur({"lint", "--config", values, "--alert-config", bad});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out + r.err, HasSubstr(bad + ":2: admitRequst"));
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

}  // namespace
}  // namespace connaisseur::cli::testing
