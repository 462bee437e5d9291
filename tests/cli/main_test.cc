// End-to-end: `connaisseur --help`, `--version`, every subcommand's --help, and usage errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/cli/binary_runner.h"
#include "tests/cli/test_values.h"

namespace connaisseur::cli::testing {
namespace {

using ::testing::HasSubstr;

TEST(CliHelpTest, TopLevelHelpListsEveryCommand) {
  const RunResult r = RunConnaisseur({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* command : {"check", "lint", "review", "serve", "test"}) {
    EXPECT_THAT(r.out, HasSubstr(std::string("  ") + command)) << command;
  }
}

TEST(CliHelpTest, VersionPrintsTheVersion) {
  const RunResult r = RunConnaisseur({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("connaisseur "));
}

TEST(CliHelpTest, EverySubcommandHasHelpNamingItsOptions) {
  const struct {
    std::string command;
    std::vector<std::string> options;
  } cases[] = {
      {"check",
       {"--config", "--policy-script", "--alert-config", "--images", "--manifests", "--plan",
        "--output", "--jobs", "--namespace", "--detection"}},
      {"lint", {"--config", "--policy-script", "--alert-config"}},
      {"review", {"--config", "--policy-script", "--alert-config", "AdmissionReview"}},
      {"serve",
       {"--config", "--alert-config", "--tls-cert", "--tls-key", "--insecure-http", "--listen",
        "/mutate"}},
      {"test", {"--config", "--policy-script", "--alert-config", "CASES.yaml"}},
  };
  for (const auto& c : cases) {
    for (const char* flag : {"--help", "-h"}) {
      const RunResult r = RunConnaisseur({c.command, flag});
      EXPECT_EQ(r.exit_code, 0) << c.command << " " << flag << ": " << r.err;
      EXPECT_THAT(r.out, HasSubstr("Usage: connaisseur " + c.command)) << c.command;
      for (const std::string& option : c.options) {
        EXPECT_THAT(r.out, HasSubstr(option)) << c.command << " " << option;
      }
      EXPECT_EQ(r.err, "") << c.command;
    }
  }
}

TEST(CliHelpTest, UsageErrorsExitTwoWithAOneLineHint) {
  TempDir dir;
  const std::string values = dir.Write("values.yaml", kStaticValues);
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"frobnicate"},
      {"check"},
      {"check", "nginx"},
      {"check", "--config", values},
      {"check", "--config"},
      {"check", "--config", values, "--output", "xml", "nginx"},
      {"check", "--config", values, "--jobs", "0", "nginx"},
      {"check", "--config", values, "--jobs", "many", "nginx"},
      {"check", "--config", values, "--bogus", "nginx"},
      {"check", "--config", values, "--plan=yes", "nginx"},
      {"check", "--config", values, "--config", values, "nginx"},
      {"check", "--config", values, "--images", dir.path() + "/missing.txt"},
      {"lint"},
      {"lint", "--config", values, "extra"},
      {"review", "--bogus"},
  };
  for (const auto& args : cases) {
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    const RunResult r = RunConnaisseur(args);
    EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.err;
    EXPECT_EQ(r.out, "") << joined;
    EXPECT_THAT(r.err, HasSubstr("connaisseur")) << joined;
  }
}

}  // namespace
}  // namespace connaisseur::cli::testing
