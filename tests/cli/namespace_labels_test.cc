// End-to-end: the commands without a cluster take request.namespace_labels from the user —
// `check --namespace-labels`, `review --namespace-labels`, a `connaisseur test` case's
// `namespace_labels:` — and a policy that reads labels nobody gave is denied, saying how to
// give them. Malformed labels are usage errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli/binary_runner.h"
#include "tests/cli/test_values.h"

namespace connaisseur::cli::testing {
namespace {

using ::testing::HasSubstr;

// Images of namespaces labelled env=prod follow the rules; any other namespace is refused.
constexpr char kLabelPolicy[] = R"(local default = connaisseur.default_policy()
return {
  select = function(image, request)
    if request.namespace_labels.env ~= "prod" then
      return nil, "namespace " .. request.namespace .. " is not labelled env=prod"
    end
    return default.select(image, request)
  end,
}
)";

constexpr char kPodReview[] = R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
  "request":{"uid":"u1","kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"shop",
  "operation":"CREATE","object":{"metadata":{"name":"p"},"spec":{"containers":[
  {"name":"c","image":"registry.k8s.io/pause:3.9"}]}}}})";

class NamespaceLabelsCliTest : public ::testing::Test {
 protected:
  RunResult Run(const std::string& command, std::vector<std::string> extra,
                const std::string& stdin_text = "") {
    std::vector<std::string> args = {command, "--config", values_, "--policy-script", policy_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunConnaisseur(args, stdin_text);
  }
  TempDir dir_;
  std::string values_ = dir_.Write("values.yaml", kStaticValues);
  std::string policy_ = dir_.Write("policy.lua", kLabelPolicy);
};

TEST_F(NamespaceLabelsCliTest, CheckTakesTheLabelsOfItsNamespace) {
  const std::string image = "registry.k8s.io/pause:3.9";
  RunResult r = Run("check", {"--namespace-labels", "env=prod,team=a", image});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Run("check", {"--namespace", "shop", "--namespace-labels", "env=dev", image});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("namespace shop is not labelled env=prod"));
  r = Run("check", {"--namespace-labels", "", image});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  r = Run("check", {image});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("namespace labels of default unavailable: connaisseur check has "
                               "no cluster to ask; give them with --namespace-labels"));
  r = Run("check", {"--namespace-labels", "env", image});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("--namespace-labels: namespace label \"env\" is not KEY=VALUE"));
}

TEST_F(NamespaceLabelsCliTest, ReviewTakesTheLabelsOrSaysThereIsNoCluster) {
  auto allowed = [](const RunResult& r) {
    auto doc = nlohmann::json::parse(r.out, nullptr, false);
    return !doc.is_discarded() && doc["response"].value("allowed", false);
  };
  RunResult r = Run("review", {"--namespace-labels", "env=prod"}, kPodReview);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(allowed(r)) << r.out;
  r = Run("review", {"--namespace-labels", "env=dev"}, kPodReview);
  EXPECT_FALSE(allowed(r)) << r.out;
  EXPECT_THAT(r.out, HasSubstr("namespace shop is not labelled env=prod"));
  // The child inherits this environment: make sure it is off-cluster even when the tests run in
  // a Pod.
  unsetenv("KUBERNETES_SERVICE_HOST");
  r = Run("review", {}, kPodReview);
  EXPECT_FALSE(allowed(r)) << r.out;
  EXPECT_THAT(r.out, HasSubstr("namespace labels of shop unavailable: not running in a "
                               "Kubernetes cluster (KUBERNETES_SERVICE_HOST is unset); give them "
                               "with --namespace-labels"));
}

TEST_F(NamespaceLabelsCliTest, TestCasesGiveNamespaceLabels) {
  const std::string cases = dir_.Write("cases.yaml", R"(cases:
  - name: labelled image case
    image: registry.k8s.io/pause:3.9
    namespace: shop
    namespace_labels: {env: prod}
    expect: {verdict: allow}
  - name: wrongly labelled image case
    image: registry.k8s.io/pause:3.9
    namespace: shop
    namespace_labels: {env: dev}
    expect: {verdict: deny, message: "namespace shop is not labelled env=prod"}
  - name: image case without labels
    image: registry.k8s.io/pause:3.9
    expect: {verdict: deny, message: "namespace labels of default unavailable: the case gives no namespace_labels"}
  - name: labelled object case
    object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: "registry.k8s.io/pause:3.9"}]}}
    namespace_labels: {env: prod}
    expect: {allowed: true}
  - name: object case without labels, after one with them
    object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: "registry.k8s.io/pause:3.9"}]}}
    expect: {allowed: false, message: "the case gives no namespace_labels"}
)");
  const RunResult r = Run("test", {cases});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(NamespaceLabelsCliTest, MalformedCaseLabelsAreACasesFileError) {
  const std::string cases = dir_.Write("cases.yaml", R"(cases:
  - image: registry.k8s.io/pause:3.9
    namespace_labels: {env: true}
    expect: {verdict: allow}
  - image: registry.k8s.io/pause:3.9
    namespace_labels: [env]
    expect: {verdict: allow}
)");
  const RunResult r = Run("test", {cases});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("cases[0].namespace_labels.env: must be a string (quote it)"));
  EXPECT_THAT(r.err, HasSubstr("cases[1].namespace_labels: must be a mapping"));
}

}  // namespace
}  // namespace connaisseur::cli::testing
