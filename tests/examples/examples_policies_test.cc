// examples/policies/<name>/: each example is a policy.lua, its values.yaml and a cases.yaml of
// `connaisseur test` cases; an example may add cases-<variant>.yaml, run against
// values-<variant>.yaml (static stand-ins for back-ends a test cannot reach). For every example,
// `connaisseur lint --strict` accepts each values file with the policy (no warning either), and
// `connaisseur test` passes every case, as an admin copying the example would run them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/cli/binary_runner.h"
#include "tests/testing/source_dirs.h"

namespace connaisseur::cli::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

fs::path ExamplesDir() {
  return fs::path(::connaisseur::testing::SourceDir()) / "examples/policies";
}

std::vector<std::string> ExampleNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(ExamplesDir())) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Every cases file of an example, paired with its values file.
struct Suite {
  fs::path cases, values;
};

std::vector<Suite> SuitesOf(const fs::path& dir) {
  std::vector<Suite> suites;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind("cases", 0) != 0 || entry.path().extension() != ".yaml") continue;
    suites.push_back({entry.path(), dir / ("values" + file.substr(5))});  // cases-x → values-x
  }
  std::sort(suites.begin(), suites.end(),
            [](const Suite& a, const Suite& b) { return a.cases < b.cases; });
  return suites;
}

class ExamplePolicyTest : public ::testing::TestWithParam<std::string> {};

TEST(ExamplePoliciesTest, AtLeastEightExamplesEachWithPolicyValuesAndCases) {
  const std::vector<std::string> names = ExampleNames();
  EXPECT_GE(names.size(), 8u);
  for (const std::string& name : names) {
    const fs::path dir = ExamplesDir() / name;
    EXPECT_TRUE(fs::exists(dir / "policy.lua")) << name;
    EXPECT_TRUE(fs::exists(dir / "values.yaml")) << name;
    EXPECT_TRUE(fs::exists(dir / "cases.yaml")) << name;
  }
}

TEST_P(ExamplePolicyTest, LintsCleanAndPassesEveryCase) {
  const fs::path dir = ExamplesDir() / GetParam();
  const std::string policy = (dir / "policy.lua").string();
  const std::vector<Suite> suites = SuitesOf(dir);
  ASSERT_FALSE(suites.empty()) << dir;
  for (const Suite& s : suites) {
    ASSERT_TRUE(fs::exists(s.values)) << s.cases << " needs " << s.values;
    const RunResult lint = RunConnaisseur(
        {"lint", "--strict", "--config", s.values.string(), "--policy-script", policy});
    EXPECT_EQ(lint.exit_code, 0) << s.values << "\n" << lint.out << lint.err;

    const RunResult test = RunConnaisseur(
        {"test", "--config", s.values.string(), "--policy-script", policy, s.cases.string()});
    EXPECT_EQ(test.exit_code, 0) << s.cases << "\n" << test.out << test.err;
    EXPECT_THAT(test.out, MatchesRegex("(.|\n)*[0-9]+ passed, 0 failed\n")) << s.cases;
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, ExamplePolicyTest, ::testing::ValuesIn(ExampleNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// A failing case must fail the run: the harness above would otherwise pass on anything.
TEST(ExamplePoliciesTest, AWrongExpectationFailsTheRun) {
  const fs::path dir = ExamplesDir() / "deny-latest";
  TempDir tmp;
  const std::string cases = tmp.Write("cases.yaml", R"(cases:
  - name: latest is not allowed, so expecting allow must fail
    image: nginx:latest
    expect: {verdict: allow}
)");
  const RunResult r = RunConnaisseur({"test", "--config", (dir / "values.yaml").string(),
                                      "--policy-script", (dir / "policy.lua").string(), cases});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("0 passed, 1 failed"));
}

}  // namespace
}  // namespace connaisseur::cli::testing
