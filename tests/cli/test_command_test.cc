// End-to-end: `connaisseur test` runs policy cases (images offline, objects and reviews through
// the webhook pipeline), reports failing cases with their line, and exits 0, 1 or 2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli/binary_runner.h"
#include "tests/cli/test_values.h"
#include "tests/testing/source_dirs.h"

namespace connaisseur::cli::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The static validators plus a cosign one, so an offline case can meet a non-static validator.
const std::string kValuesWithCosign = kStaticValidators + R"(    - name: signed
      type: cosign
      trustRoots:
        - name: default
          key: |
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEcpMZunRefAFzEgwoOQUUhmyMoz+i
            jQvppZtg8Vuo1E3pLvxV4Kvl2/hGQ282V/FbYUwLelPPaHnBTuxp1uGmew==
            -----END PUBLIC KEY-----
  policy:
    - pattern: "registry.k8s.io/*"
      validator: allow
    - pattern: "docker.io/library/bad*"
      validator: deny
    - pattern: "127.0.0.1:1/*"
      validator: signed
      with: {verifyInTransparencyLog: false}
)";

class TestCommandTest : public ::testing::Test {
 protected:
  RunResult Test(const std::string& cases, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"test", "--config", values_};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(dir_.Write("cases.yaml", cases));
    return RunConnaisseur(args);
  }
  TempDir dir_;
  std::string values_ = dir_.Write("values.yaml", kValuesWithCosign);
};

TEST_F(TestCommandTest, PassingCasesOfEveryKindExitZero) {
  dir_.Write("reviews/pod.json", R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
    "request":{"uid":"u1","kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"ns",
    "operation":"CREATE","object":{"metadata":{"name":"p"},"spec":{"containers":[
    {"name":"c","image":"docker.io/library/bad-image:1"}]}}}})");
  const RunResult r = Test(R"(cases:
  - name: static allow decides offline
    image: registry.k8s.io/pause:3.9
    expect: {verdict: allow, rule: "registry.k8s.io/*", validator: allow, message: "static allow"}
  - name: static deny decides offline
    image: bad-image:1
    expect: {verdict: deny, rule: "docker.io/library/bad*", message: "static deny"}
  - name: cosign is only planned offline
    image: 127.0.0.1:1/team/app:1
    expect: {verdict: plan, validator: signed}
  - name: no rule denies
    image: quay.io/x/y:1
    expect: {verdict: deny, message: "no matching rule"}
  - name: object wrapped in a CREATE review
    object:
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: d}
      spec: {template: {spec: {containers: [{name: c, image: "registry.k8s.io/pause:3.9"}]}}}
    expect: {allowed: true, patched: false}
  - name: recorded review file
    review: reviews/pod.json
    expect: {allowed: false, message: "bad-image"}
)");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "6 passed, 0 failed\n") << r.err;
}

TEST_F(TestCommandTest, FailingCasesAreListedWithTheirLineAndExitOne) {
  const RunResult r = Test(R"(cases:
  - name: fine
    image: registry.k8s.io/pause:3.9
    expect: {verdict: allow}
  - name: wrong verdict and rule
    image: bad-image:1
    expect: {verdict: allow, rule: "registry.k8s.io/*"}
  - name: object expected to be denied
    object: {apiVersion: v1, kind: Pod, metadata: {name: p},
             spec: {containers: [{name: c, image: "registry.k8s.io/pause:3.9"}]}}
    expect: {allowed: false, warning: "detection"}
)");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("FAIL wrong verdict and rule (" + dir_.path() +
                               "/cases.yaml:5)\n"
                               "  verdict: want allow, got deny\n"
                               "  rule: want registry.k8s.io/*, got docker.io/library/bad*\n"));
  EXPECT_THAT(r.out, HasSubstr("FAIL object expected to be denied"));
  EXPECT_THAT(r.out, HasSubstr("  allowed: want false, got true\n"));
  EXPECT_THAT(r.out, HasSubstr("  warning: no warning contains \"detection\"\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("FAIL fine")));
  EXPECT_THAT(r.out, HasSubstr("1 passed, 2 failed\n"));
}

TEST_F(TestCommandTest, VerifyRunsTheValidatorAndItsFailureDenies) {
  const RunResult r = Test(R"(cases:
  - name: registry down
    image: 127.0.0.1:1/team/app:1
    verify: true
    expect: {verdict: deny, validator: signed, message: "error during cosign validation"}
)");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(TestCommandTest, JsonOutputReportsEveryCase) {
  const RunResult r = Test(R"(cases:
  - image: registry.k8s.io/pause:3.9
    expect: {verdict: allow}
  - name: wrong
    image: registry.k8s.io/pause:3.9
    expect: {verdict: deny}
)",
                           {"--output", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto doc = nlohmann::ordered_json::parse(r.out, nullptr, false);
  ASSERT_TRUE(doc.is_array()) << r.out;
  ASSERT_EQ(doc.size(), 2u);
  EXPECT_EQ(doc[0]["name"], "case 1");
  EXPECT_EQ(doc[0]["passed"], true);
  EXPECT_EQ(doc[1]["name"], "wrong");
  EXPECT_EQ(doc[1]["line"], 4);
  EXPECT_EQ(doc[1]["failures"][0], "verdict: want deny, got allow");
}

TEST_F(TestCommandTest, MalformedCasesFilesExitTwoNamingEveryProblem) {
  const struct {
    std::string cases, message;
  } bad[] = {
      {"cases: []\n", "cases: must be a non-empty list"},
      {"cases:\n  - image: a\n    object: {}\n    expect: {verdict: allow}\n",
       ":2: cases[0]: needs exactly one of image, object, review"},
      {"cases:\n  - image: a\n", "cases[0]: has no expect"},
      {"cases:\n  - image: a\n    expect: {verdict: maybe}\n",
       "cases[0].expect.verdict: must be allow, deny or plan"},
      {"cases:\n  - image: a\n    expect: {allowed: true}\n",
       "cases[0].expect.allowed: is not an expectation of an image case"},
      {"cases:\n  - review: missing.json\n    expect: {allowed: true}\n", "cannot read"},
      {"cases:\n  - object: {apiVersion: v1, kind: Pod}\n    verify: true\n    expect: {allowed: "
       "true}\n",
       "cases[0].verify: applies to image cases"},
      {"cases:\n  - object: {metadata: {name: p}}\n    expect: {allowed: true}\n",
       "cases[0].object: must be a Kubernetes object with apiVersion and kind"},
      {"cases:\n  - imgae: a\n    expect: {verdict: allow}\n", "cases[0].imgae: unknown key"},
      {"cases: [\n", "cases.yaml"},
  };
  for (const auto& c : bad) {
    const RunResult r = Test(c.cases);
    EXPECT_EQ(r.exit_code, 2) << c.cases << r.out;
    EXPECT_THAT(r.err, HasSubstr(c.message)) << c.cases;
    EXPECT_EQ(r.out, "") << c.cases;
  }
}

TEST_F(TestCommandTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunConnaisseur({"test", "--config", values_}).exit_code, 2) << "no cases file";
  EXPECT_EQ(RunConnaisseur({"test", "--config", values_, dir_.path() + "/none.yaml"}).exit_code, 2);
  const RunResult r =
      Test("cases:\n  - image: a\n    expect: {verdict: allow}\n", {"--output", "xml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--output must be text or json"));
}

TEST(TestCommandExampleTest, ShippedExampleCasesPassAgainstTheDemoValues) {
  const std::string examples = std::string(::connaisseur::testing::SourceDir()) + "/examples";
  const RunResult r = RunConnaisseur(
      {"test", "--config", examples + "/values-demo.yaml", examples + "/policy-tests.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(" passed, 0 failed\n"));
}

}  // namespace
}  // namespace connaisseur::cli::testing
