// PullSecretKeychain and ApiClient against FakeKubernetesApi (loopback HTTPS, test CA): which
// secrets count and in what order, what is skipped, what denies, the bearer token, the cache, and
// the in-cluster configuration from the environment.
#include "runtime/kubernetes/pull_secret_keychain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include "runtime/crypto/encoding.h"
#include "tests/runtime/kubernetes/fake_kubernetes_api.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/testing/scoped_environment.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::kubernetes {
namespace {

using ::connaisseur::testing::FakeKubernetesApi;
using ::connaisseur::testing::ScopedEnvironment;
using ::testing::HasSubstr;
using ::testing::Not;

Deadline Soon() { return Deadline::In(std::chrono::seconds(10)); }

verification::PullContext Pod(std::string service_account, std::vector<std::string> secrets,
                              std::string ns = "team") {
  return {std::move(ns), std::move(service_account), std::move(secrets)};
}

class PullSecretKeychainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::GlobalInit();
    auto api = FakeKubernetesApi::Start();
    ASSERT_THAT(api, IsOk());
    api_ = std::move(api).value();
  }

  std::unique_ptr<PullSecretKeychain> Keychain() {
    auto client = ApiClient::Create(api_->api_server());
    EXPECT_THAT(client, IsOk());
    PullSecretKeychain::Options options;
    options.now = [this] { return now_; };
    return std::make_unique<PullSecretKeychain>(std::move(client).value(), options);
  }

  // The user name the keychain picks for `registry`/`repository`, "" for anonymous, or the
  // error message.
  std::string UserFor(PullSecretKeychain& keychain, const verification::PullContext& pull,
                      const std::string& registry, const std::string& repository = "app") {
    auto creds = keychain.Resolve(pull, registry, repository, Soon());
    if (!creds.ok()) return "error: " + creds.status().message();
    return *creds ? (*creds)->username : "";
  }

  std::unique_ptr<FakeKubernetesApi> api_;
  Deadline::Clock::time_point now_ = Deadline::Clock::now();
};

TEST_F(PullSecretKeychainTest, PodSecretsComeBeforeServiceAccountSecrets) {
  api_->PutDockerConfigSecret("team", "pod-secret", "reg.example", "pod-user", "pw1");
  api_->PutDockerConfigSecret("team", "sa-secret", "reg.example", "sa-user", "pw2");
  api_->PutDockerConfigSecret("team", "sa-other", "other.example:5000", "other-user", "pw3");
  api_->PutServiceAccount("team", "builder", {"sa-secret", "sa-other"});
  auto keychain = Keychain();
  EXPECT_EQ(UserFor(*keychain, Pod("builder", {"pod-secret"}), "reg.example"), "pod-user");
  EXPECT_EQ(UserFor(*keychain, Pod("builder", {}), "reg.example"), "sa-user");
  EXPECT_EQ(UserFor(*keychain, Pod("builder", {"pod-secret"}), "other.example:5000"), "other-user");
  EXPECT_EQ(UserFor(*keychain, Pod("builder", {"pod-secret"}), "third.example"), "");
}

TEST_F(PullSecretKeychainTest, EmptyServiceAccountMeansDefault) {
  api_->PutDockerConfigSecret("team", "default-secret", "reg.example", "default-user", "pw");
  api_->PutServiceAccount("team", "default", {"default-secret"});
  auto keychain = Keychain();
  EXPECT_EQ(UserFor(*keychain, Pod("", {}), "reg.example"), "default-user");
}

TEST_F(PullSecretKeychainTest, SecretsAreReadInTheRequestNamespaceOnly) {
  api_->PutDockerConfigSecret("other", "shared", "reg.example", "other-ns-user", "pw");
  api_->PutServiceAccount("team", "default", {});
  auto keychain = Keychain();
  EXPECT_EQ(UserFor(*keychain, Pod("", {"shared"}), "reg.example"), "");
  EXPECT_EQ(UserFor(*keychain, Pod("", {"shared"}, "other"), "reg.example"), "other-ns-user");
}

TEST_F(PullSecretKeychainTest, MissingObjectsAndOtherSecretTypesAreSkipped) {
  api_->PutSecret("team", "opaque",
                  {{"type", "Opaque"},
                   {"data", {{".dockerconfigjson", crypto::Base64Encode(R"({"auths":{}})")}}}});
  api_->PutSecret("team", "legacy",
                  {{"type", "kubernetes.io/dockercfg"},
                   {"data",
                    {{".dockercfg",
                      crypto::Base64Encode(R"({"https://reg.example":{"auth":")" +
                                           crypto::Base64Encode("legacy-user:pw") + R"("}})")}}}});
  auto keychain = Keychain();  // no service account "ghost" exists
  EXPECT_EQ(UserFor(*keychain, Pod("ghost", {"absent", "opaque", "legacy"}), "reg.example"),
            "legacy-user");
}

TEST_F(PullSecretKeychainTest, ForbiddenOrMalformedDeniesWithoutShowingSecrets) {
  api_->PutSecret("team", "broken",
                  {{"type", "kubernetes.io/dockerconfigjson"},
                   {"data",
                    {{".dockerconfigjson",
                      crypto::Base64Encode(R"({"auths":{"reg.example":{"auth":"hunter2"}}})")}}}});
  api_->PutServiceAccount("team", "default", {});
  auto keychain = Keychain();
  const std::string malformed = UserFor(*keychain, Pod("", {"broken"}), "reg.example");
  EXPECT_THAT(malformed, HasSubstr("pull secret team/broken"));
  EXPECT_THAT(malformed, Not(HasSubstr("hunter2")));

  api_->Forbid("serviceaccounts");
  auto fresh = Keychain();
  EXPECT_THAT(fresh->Resolve(Pod("", {}), "reg.example", "app", Soon()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("serviceaccounts team/default")));
}

TEST_F(PullSecretKeychainTest, WrongTokenIsRefusedAndARotatedTokenIsReadAgain) {
  api_->PutServiceAccount("team", "default", {});
  auto client = ApiClient::Create(api_->api_server());
  ASSERT_THAT(client, IsOk());
  EXPECT_THAT((*client)->GetCoreObject("team", "serviceaccounts", "default", Soon()), IsOk());
  // The server now wants a token the client has not read yet: the 401 makes it read the file.
  api_->RotateToken("fake-service-account-token-2");
  EXPECT_THAT((*client)->GetCoreObject("team", "serviceaccounts", "default", Soon()), IsOk());
  EXPECT_EQ(api_->requests("serviceaccounts"), 2u);  // the fake counts authorised GETs only
  // A token the server does not accept at all is refused, naming the status.
  ASSERT_THAT(testing::WriteFile(api_->service_account_dir() + "/token", "stolen"), IsOk());
  auto stale = ApiClient::Create(api_->api_server());
  ASSERT_THAT(stale, IsOk());
  EXPECT_THAT((*stale)->GetCoreObject("team", "serviceaccounts", "default", Soon()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("401")));
}

TEST_F(PullSecretKeychainTest, ObjectsAreReusedWithinTheTtlAndReadAgainAfterIt) {
  api_->PutDockerConfigSecret("team", "pull", "reg.example", "first-user", "pw");
  api_->PutServiceAccount("team", "default", {"pull"});
  auto keychain = Keychain();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(UserFor(*keychain, Pod("", {}), "reg.example"), "first-user");
  }
  EXPECT_EQ(api_->requests("serviceaccounts"), 1u);
  EXPECT_EQ(api_->requests("secrets"), 1u);

  api_->PutDockerConfigSecret("team", "pull", "reg.example", "rotated-user", "pw");
  EXPECT_EQ(UserFor(*keychain, Pod("", {}), "reg.example"), "first-user");
  now_ += PullSecretKeychain::Options{}.ttl;
  EXPECT_EQ(UserFor(*keychain, Pod("", {}), "reg.example"), "rotated-user");
  EXPECT_EQ(api_->requests("secrets"), 2u);
}

TEST_F(PullSecretKeychainTest, FailuresAreNotRemembered) {
  api_->Forbid("serviceaccounts");
  auto keychain = Keychain();
  EXPECT_THAT(UserFor(*keychain, Pod("", {}), "reg.example"), HasSubstr("error: "));
  EXPECT_THAT(UserFor(*keychain, Pod("", {}), "reg.example"), HasSubstr("error: "));
  EXPECT_EQ(api_->requests("serviceaccounts"), 2u);
}

TEST_F(PullSecretKeychainTest, EmptyPullContextIsAnonymousWithoutAnyRequest) {
  auto keychain = Keychain();
  EXPECT_EQ(UserFor(*keychain, verification::PullContext{}, "reg.example"), "");
  EXPECT_EQ(api_->requests("serviceaccounts") + api_->requests("secrets"), 0u);
}

TEST_F(PullSecretKeychainTest, NamesThatAreNotKubernetesNamesAreRefusedBeforeAnyRequest) {
  auto keychain = Keychain();
  for (const char* bad : {"../secrets", "UPPER", "a/b", "", "x?y"}) {
    EXPECT_THAT(UserFor(*keychain, Pod("", {bad}), "reg.example"),
                HasSubstr("not a valid object name"))
        << bad;
  }
  EXPECT_EQ(api_->requests("secrets"), 0u);
}

TEST_F(PullSecretKeychainTest, InClusterConfigurationComesFromTheEnvironment) {
  {
    ScopedEnvironment host(ScopedEnvironment::Variables{{"KUBERNETES_SERVICE_HOST", ""}});
    auto none = InClusterApiServer();
    ASSERT_THAT(none, IsOk());
    EXPECT_FALSE(none->has_value());
  }
  ScopedEnvironment host(ScopedEnvironment::Variables{{"KUBERNETES_SERVICE_HOST", "127.0.0.1"}});
  ScopedEnvironment port(
      ScopedEnvironment::Variables{{"KUBERNETES_SERVICE_PORT", std::to_string(api_->port())}});
  ScopedEnvironment dir(
      ScopedEnvironment::Variables{{kServiceAccountDirEnv, api_->service_account_dir()}});
  auto server = InClusterApiServer();
  ASSERT_THAT(server, IsOk());
  ASSERT_TRUE(server->has_value());
  EXPECT_EQ((*server)->url, "https://127.0.0.1:" + std::to_string(api_->port()));
  api_->PutServiceAccount("team", "default", {});
  auto client = ApiClient::Create(**server);
  ASSERT_THAT(client, IsOk());
  EXPECT_THAT((*client)->GetCoreObject("team", "serviceaccounts", "default", Soon()), IsOk());
  {
    ScopedEnvironment v6(ScopedEnvironment::Variables{{"KUBERNETES_SERVICE_HOST", "fd00::1"}});
    auto ipv6 = InClusterApiServer();
    ASSERT_THAT(ipv6, IsOk());
    EXPECT_EQ((*ipv6)->url, "https://[fd00::1]:" + std::to_string(api_->port()));
  }
  {
    ScopedEnvironment bad_port(
        ScopedEnvironment::Variables{{"KUBERNETES_SERVICE_PORT", "443/evil"}});
    EXPECT_THAT(InClusterApiServer(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("PORT")));
  }
  {
    ScopedEnvironment no_ca(ScopedEnvironment::Variables{
        {kServiceAccountDirEnv, api_->service_account_dir() + "/missing"}});
    EXPECT_THAT(InClusterApiServer(), StatusIs(StatusCode::kNotFound, HasSubstr("ca.crt")));
  }
}

}  // namespace
}  // namespace connaisseur::kubernetes
