// NamespaceLabelReader against FakeKubernetesApi (loopback HTTPS, test CA): the labels of a
// namespace, reused within the TTL (a fake clock moves time) and read again after it, errors
// that name the object and the missing RBAC, names refused before any request, and the
// in-cluster fetch (or why there is none) from the environment.
#include "runtime/kubernetes/namespace_labels.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/runtime/kubernetes/fake_kubernetes_api.h"
#include "tests/testing/scoped_environment.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::kubernetes {
namespace {

using ::connaisseur::testing::FakeKubernetesApi;
using ::connaisseur::testing::ScopedEnvironment;
using nlohmann::json;
using ::testing::HasSubstr;

Deadline Soon() { return Deadline::In(std::chrono::seconds(10)); }

class NamespaceLabelReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::GlobalInit();
    auto api = FakeKubernetesApi::Start();
    ASSERT_THAT(api, IsOk());
    api_ = std::move(api).value();
    auto client = ApiClient::Create(api_->api_server());
    ASSERT_THAT(client, IsOk());
    NamespaceLabelReader::Options options;
    options.now = [this] { return now_; };
    reader_ = std::make_unique<NamespaceLabelReader>(std::move(client).value(), options);
  }

  // The labels of `ns`, or "error: <message>".
  json LabelsOf(const std::string& ns) {
    auto labels = reader_->Labels(ns, Soon());
    if (!labels.ok()) return "error: " + labels.status().message();
    return **labels;
  }

  std::unique_ptr<FakeKubernetesApi> api_;
  std::unique_ptr<NamespaceLabelReader> reader_;
  Deadline::Clock::time_point now_ = Deadline::Clock::now();
};

TEST_F(NamespaceLabelReaderTest, ReadsTheLabelsOfTheNamespace) {
  api_->PutNamespace("shop", {{"env", "prod"}, {"connaisseur/pin-digests", "true"}});
  api_->PutNamespace("bare", nullptr);
  EXPECT_EQ(LabelsOf("shop"), json({{"env", "prod"}, {"connaisseur/pin-digests", "true"}}));
  EXPECT_EQ(LabelsOf("bare"), json::object());
  EXPECT_EQ(api_->requests("namespaces"), 2u);
}

TEST_F(NamespaceLabelReaderTest, LabelsAreReusedWithinTheTtlAndReadAgainAfterIt) {
  api_->PutNamespace("shop", {{"env", "prod"}});
  EXPECT_EQ(LabelsOf("shop"), json({{"env", "prod"}}));
  api_->PutNamespace("shop", {{"env", "dev"}});
  now_ += std::chrono::seconds(29);
  EXPECT_EQ(LabelsOf("shop"), json({{"env", "prod"}}));
  EXPECT_EQ(api_->requests("namespaces"), 1u);
  now_ += std::chrono::seconds(1);
  EXPECT_EQ(LabelsOf("shop"), json({{"env", "dev"}}));
  EXPECT_EQ(api_->requests("namespaces"), 2u);
}

TEST_F(NamespaceLabelReaderTest, ErrorsNameTheNamespaceAndAreNotRemembered) {
  EXPECT_THAT(reader_->Labels("gone", Soon()),
              StatusIs(StatusCode::kNotFound, HasSubstr("namespaces gone not found")));
  api_->PutNamespace("gone", {{"env", "prod"}});
  EXPECT_EQ(LabelsOf("gone"), json({{"env", "prod"}}));  // the failure was not kept
  api_->PutNamespace("shop", {{"env", "prod"}});
  api_->Forbid("namespaces");
  EXPECT_THAT(reader_->Labels("shop", Soon()),
              StatusIs(StatusCode::kPermissionDenied,
                       HasSubstr("refused get namespaces shop (403): the webhook's service "
                                 "account needs get on namespaces")));
}

TEST_F(NamespaceLabelReaderTest, MalformedLabelsAreAnError) {
  api_->PutNamespace("odd", {{"env", 5}});
  api_->PutNamespace("list", json::array({"env"}));
  EXPECT_THAT(reader_->Labels("odd", Soon()),
              StatusIs(StatusCode::kUnavailable, HasSubstr("label env is not a string")));
  EXPECT_THAT(reader_->Labels("list", Soon()),
              StatusIs(StatusCode::kUnavailable, HasSubstr("not an object")));
}

TEST_F(NamespaceLabelReaderTest, NamesThatAreNotKubernetesNamesAreRefusedBeforeAnyRequest) {
  for (const char* name : {"", "Shop", "a/b", "..", "a?b", "-a"}) {
    EXPECT_THAT(reader_->Labels(name, Soon()),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a valid object name")))
        << name;
  }
  EXPECT_EQ(api_->requests("namespaces"), 0u);
}

TEST_F(NamespaceLabelReaderTest, InClusterFetchComesFromTheEnvironmentOrSaysWhyNot) {
  api_->PutNamespace("shop", {{"env", "prod"}});
  {
    ScopedEnvironment host(ScopedEnvironment::Variables{{"KUBERNETES_SERVICE_HOST", ""}});
    EXPECT_THAT(InClusterNamespaceLabels("; advice")("shop", Soon()),
                StatusIs(StatusCode::kUnavailable,
                         HasSubstr("not running in a Kubernetes cluster (KUBERNETES_SERVICE_HOST "
                                   "is unset); advice")));
  }
  ScopedEnvironment host(ScopedEnvironment::Variables{{"KUBERNETES_SERVICE_HOST", "127.0.0.1"}});
  ScopedEnvironment port(
      ScopedEnvironment::Variables{{"KUBERNETES_SERVICE_PORT", std::to_string(api_->port())}});
  ScopedEnvironment dir(
      ScopedEnvironment::Variables{{kServiceAccountDirEnv, api_->service_account_dir()}});
  auto labels = InClusterNamespaceLabels()("shop", Soon());
  ASSERT_THAT(labels, IsOk());
  EXPECT_EQ(**labels, json({{"env", "prod"}}));
  {
    ScopedEnvironment no_ca(ScopedEnvironment::Variables{
        {kServiceAccountDirEnv, api_->service_account_dir() + "/missing"}});
    EXPECT_THAT(InClusterNamespaceLabels()("shop", Soon()),
                StatusIs(StatusCode::kUnavailable, HasSubstr("ca.crt")));
  }
}

}  // namespace
}  // namespace connaisseur::kubernetes
