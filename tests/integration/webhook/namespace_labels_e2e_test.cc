// `connaisseur serve` with a policy that reads request.namespace_labels, configured in-cluster
// from the environment against the loopback fake Kubernetes API the keychain test uses: Pods in a
// namespace labelled env=prod are admitted, others denied with the policy's message; one GET per
// namespace serves a burst of requests; an API answering 403 (RBAC missing) and a webhook that
// is not in a cluster deny with the reason; a policy that never reads the labels sends the API
// no request at all.
#include <gtest/gtest.h>

#include "tests/integration/webhook/e2e_objects.h"
#include "tests/integration/webhook/serve_process.h"
#include "tests/runtime/kubernetes/fake_kubernetes_api.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::testing {
namespace {

using nlohmann::json;

constexpr char kValues[] = R"(application:
  validators:
    - name: allow
      type: static
      approve: true
  policy:
    - pattern: "*:*"
      validator: allow
)";

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

class NamespaceLabelsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::GlobalInit();
    ca_ = TestCa::Shared();
    ASSERT_NE(ca_, nullptr);
    auto dir = MakeTempDir("cn-webhook-ns-labels");
    ASSERT_THAT(dir, IsOk());
    dir_ = *dir;
    auto api = FakeKubernetesApi::Start();
    ASSERT_THAT(api, IsOk());
    api_ = std::move(api).value();
    ASSERT_THAT(WriteFile(dir_ + "/values.yaml", kValues), IsOk());
    ASSERT_THAT(WriteFile(dir_ + "/policy.lua", kLabelPolicy), IsOk());
  }

  // serve in the fake cluster (or off-cluster), with the label policy or the default one.
  std::unique_ptr<ServeProcess> Serve(bool label_policy, bool in_cluster) {
    ServeOptions options{dir_ + "/values.yaml", dir_ + "/serve.log", {}, {}};
    if (label_policy) options.extra_args = {"--policy-script", dir_ + "/policy.lua"};
    if (in_cluster) {
      options.env = {"KUBERNETES_SERVICE_HOST=127.0.0.1",
                     "KUBERNETES_SERVICE_PORT=" + std::to_string(api_->port()),
                     "CONNAISSEUR_SERVICEACCOUNT_DIR=" + api_->service_account_dir()};
    }
    auto serve = ServeProcess::Start(*ca_, options);
    EXPECT_THAT(serve, IsOk());
    return serve.ok() ? std::move(serve).value() : nullptr;
  }

  // The response to a Pod of nginx:1 in namespace `ns`.
  static json Admit(ServeProcess& serve, const std::string& ns) {
    json review = Review(Workload("Pod", "p-" + ns, PodSpec({"nginx:1"})), "uid-" + ns);
    review["request"]["namespace"] = ns;
    std::string error;
    json r = serve.Mutate(review, &error);
    EXPECT_TRUE(error.empty()) << error << serve.Log();
    return r;
  }

  static std::string Message(const json& r) {
    return r.contains("status") ? r["status"].value("message", "") : "";
  }

  const TestCa* ca_ = nullptr;
  std::string dir_;
  std::unique_ptr<FakeKubernetesApi> api_;
};

TEST_F(NamespaceLabelsE2eTest, APolicyAdmitsByTheLabelsOfTheNamespace) {
  api_->PutNamespace("shop", {{"env", "prod"}});
  api_->PutNamespace("sandbox", {{"env", "dev"}});
  api_->PutNamespace("bare", nullptr);
  auto serve = Serve(/*label_policy=*/true, /*in_cluster=*/true);
  ASSERT_NE(serve, nullptr);
  for (int i = 0; i < 3; ++i) {
    const json r = Admit(*serve, "shop");
    EXPECT_TRUE(r.value("allowed", false)) << r << serve->Log();
  }
  for (const char* ns : {"sandbox", "bare"}) {
    const json r = Admit(*serve, ns);
    EXPECT_FALSE(r.value("allowed", true)) << ns << ": " << r;
    EXPECT_NE(Message(r).find(std::string("namespace ") + ns + " is not labelled env=prod"),
              std::string::npos)
        << r;
  }
  // One GET per namespace: the three requests in shop shared the first one's answer.
  EXPECT_EQ(api_->requests("namespaces"), 3u);
  EXPECT_EQ(serve->Log().find("fake-service-account-token"), std::string::npos);
}

TEST_F(NamespaceLabelsE2eTest, AnApiThatRefusesDeniesWithTheReason) {
  api_->PutNamespace("shop", {{"env", "prod"}});
  api_->Forbid("namespaces");
  auto serve = Serve(/*label_policy=*/true, /*in_cluster=*/true);
  ASSERT_NE(serve, nullptr);
  const json r = Admit(*serve, "shop");
  EXPECT_FALSE(r.value("allowed", true)) << r;
  EXPECT_NE(Message(r).find("namespace labels of shop unavailable: Kubernetes API refused get "
                            "namespaces shop (403): the webhook's service account needs get on "
                            "namespaces"),
            std::string::npos)
      << r;
}

TEST_F(NamespaceLabelsE2eTest, OffClusterReadingTheLabelsDeniesSayingSo) {
  auto serve = Serve(/*label_policy=*/true, /*in_cluster=*/false);
  ASSERT_NE(serve, nullptr);
  const json r = Admit(*serve, "shop");
  EXPECT_FALSE(r.value("allowed", true)) << r;
  EXPECT_NE(Message(r).find("namespace labels of shop unavailable: not running in a Kubernetes "
                            "cluster (KUBERNETES_SERVICE_HOST is unset)"),
            std::string::npos)
      << r;
}

TEST_F(NamespaceLabelsE2eTest, APolicyThatNeverReadsTheLabelsSendsNoRequest) {
  api_->PutNamespace("shop", {{"env", "prod"}});
  auto serve = Serve(/*label_policy=*/false, /*in_cluster=*/true);
  ASSERT_NE(serve, nullptr);
  for (const char* ns : {"shop", "sandbox"}) {
    const json r = Admit(*serve, ns);
    EXPECT_TRUE(r.value("allowed", false)) << ns << ": " << r << serve->Log();
  }
  EXPECT_EQ(api_->requests("namespaces"), 0u);
  EXPECT_EQ(api_->requests("secrets") + api_->requests("serviceaccounts"), 0u);
}

}  // namespace
}  // namespace connaisseur::testing
