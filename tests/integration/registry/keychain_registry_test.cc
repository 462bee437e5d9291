// cosign `auth.useKeychain` end to end below the webhook: the real docker-registry behind
// htpasswd, a loopback fake of the Kubernetes API serving the Pod's service account and pull
// secrets, and the validator set the webhook uses. A pull secret of the Pod or of its service
// account lets the signature be fetched and the image through; without one the registry's 401
// denies, and one Pod's verification never answers for another Pod that has no credentials.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include "runtime/admission/workload.h"
#include "runtime/crypto/digest.h"
#include "runtime/net/http_client.h"
#include "tests/integration/registry/registry_process.h"
#include "tests/runtime/kubernetes/fake_kubernetes_api.h"
#include "tests/testing/status_matchers.h"
#include "validators/cosign/cosign_validator.h"
#include "validators/cosign/signer.h"
#include "validators/validator_set.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::testing::FakeKubernetesApi;
using ::connaisseur::testing::RegistryProcess;
using nlohmann::json;
using ::testing::HasSubstr;

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

image::ImageReference Ref(const std::string& text) {
  auto r = image::ImageReference::Parse(text);
  EXPECT_THAT(r, IsOk()) << text;
  return std::move(r).value();
}

// The pull identity the webhook reads from a Pod in namespace "team".
verification::PullContext PodIdentity(const std::string& service_account,
                                      const std::vector<std::string>& pull_secrets) {
  json spec = {{"containers", {{{"name", "app"}, {"image", "x"}}}}};
  if (!service_account.empty()) spec["serviceAccountName"] = service_account;
  for (const std::string& s : pull_secrets) spec["imagePullSecrets"].push_back({{"name", s}});
  auto pull = admission::ExtractPullContext("Pod", {{"spec", spec}}, "team");
  EXPECT_THAT(pull, IsOk());
  return std::move(pull).value();
}

class KeychainRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!RegistryProcess::Available()) GTEST_SKIP() << "docker-registry is not installed";
    if (system("command -v htpasswd > /dev/null 2>&1") != 0) {
      GTEST_SKIP() << "htpasswd is not installed";
    }
    net::GlobalInit();
    auto registry = RegistryProcess::Start(RegistryProcess::Mode::kHtpasswd);
    ASSERT_THAT(registry, IsOk());
    registry_ = std::move(registry).value();
    auto api = FakeKubernetesApi::Start();
    ASSERT_THAT(api, IsOk());
    api_ = std::move(api).value();
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
    ASSERT_THAT(key, IsOk());
    key_.emplace(std::move(key).value());
    digest_ = PushAndSign("team/app", "v1");
    set_ = ValidatorSet();
  }

  std::string host() const { return registry_->host(); }

  // Pushes a one-layer image with the registry's credentials and signs it; returns its digest.
  std::string PushAndSign(const std::string& repo, const std::string& tag) {
    registry::RegistryOptions options;
    options.plain_http = true;
    options.credentials = net::BasicCredentials{RegistryProcess::kUser, RegistryProcess::kPassword};
    auto client = registry::RegistryClient::Create(options);
    EXPECT_THAT(client, IsOk());
    const std::string layer = "layer of " + repo, config = R"({"os":"linux"})";
    EXPECT_THAT((*client)->PutBlob(host(), repo, layer, Soon()), IsOk());
    EXPECT_THAT((*client)->PutBlob(host(), repo, config, Soon()), IsOk());
    const std::string manifest =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
        crypto::OciDigest(config) + R"(","size":)" + std::to_string(config.size()) +
        R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
        crypto::OciDigest(layer) + R"(","size":)" + std::to_string(layer.size()) + "}]}";
    auto digest = (*client)->PutManifest(host(), repo, tag, manifest,
                                         "application/vnd.oci.image.manifest.v1+json", Soon());
    EXPECT_THAT(digest, IsOk());
    EXPECT_THAT(SignImage(**client, Ref(host() + "/" + repo + ":" + tag), *key_, {}, Soon()),
                IsOk());
    return digest.ok() ? *digest : "";
  }

  // The webhook's validator set with one cosign validator "keychain" (auth.useKeychain) reading
  // pull secrets from the fake API, and a long cache TTL.
  std::unique_ptr<validators::ValidatorSet> ValidatorSet() {
    config::ValidatorConfig config;
    config.name = "keychain";
    config.type = config::ValidatorType::kCosign;
    config.auth.use_keychain = true;
    config.trust_roots = {{"default", key_->PublicPem(), "", "", std::nullopt}};
    auto api = kubernetes::ApiClient::Create(api_->api_server());
    EXPECT_THAT(api, IsOk());
    CosignValidator::Options options;
    options.plain_http = true;
    options.keychain = std::make_shared<kubernetes::PullSecretKeychain>(
        std::move(api).value(), kubernetes::PullSecretKeychain::Options{});
    auto validator = CosignValidator::Create(config, options);
    EXPECT_THAT(validator, IsOk());
    validators::ValidatorSet::ValidatorMap map;
    map.emplace("keychain", std::move(validator).value());
    validators::VerificationCache::Options cache;
    cache.ttl = std::chrono::seconds(300);
    return std::make_unique<validators::ValidatorSet>(std::move(map), cache);
  }

  StatusOr<validators::VerifiedImage> Verify(const std::string& image,
                                             const verification::PullContext& pull) {
    config::Rule rule;
    rule.pattern = host() + "/*";
    rule.validator = "keychain";
    rule.with.verify_in_transparency_log = false;
    rule.with_json = {{"verifyInTransparencyLog", false}};
    return set_->Verify(rule, Ref(image), pull, Soon());
  }

  std::unique_ptr<RegistryProcess> registry_;
  std::unique_ptr<FakeKubernetesApi> api_;
  std::optional<crypto::PrivateKey> key_;
  std::string digest_;
  std::unique_ptr<validators::ValidatorSet> set_;
};

TEST_F(KeychainRegistryTest, PullSecretOfThePodAdmits) {
  api_->PutDockerConfigSecret("team", "pod-pull", host(), RegistryProcess::kUser,
                              RegistryProcess::kPassword);
  api_->PutServiceAccount("team", "default", {});
  auto verified = Verify(host() + "/team/app:v1", PodIdentity("", {"pod-pull"}));
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->digest, digest_);
  EXPECT_EQ(api_->requests("secrets"), 1u);
}

TEST_F(KeychainRegistryTest, PullSecretOfTheServiceAccountAdmits) {
  api_->PutDockerConfigSecret("team", "sa-pull", "http://" + host() + "/team",
                              RegistryProcess::kUser, RegistryProcess::kPassword);
  api_->PutServiceAccount("team", "builder", {"sa-pull"});
  auto verified = Verify(host() + "/team/app:v1", PodIdentity("builder", {}));
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->digest, digest_);
}

TEST_F(KeychainRegistryTest, NoPullSecretDeniesNamingTheRegistryAuthFailure) {
  api_->PutDockerConfigSecret("team", "pod-pull", host(), RegistryProcess::kUser,
                              RegistryProcess::kPassword);
  api_->PutDockerConfigSecret("team", "elsewhere", "other.example", RegistryProcess::kUser,
                              RegistryProcess::kPassword);
  api_->PutServiceAccount("team", "default", {});
  // Verified for a Pod with credentials first: the cache must not answer for the others.
  ASSERT_THAT(Verify(host() + "/team/app:v1", PodIdentity("", {"pod-pull"})), IsOk());
  for (const auto& pull : {PodIdentity("", {}), PodIdentity("", {"elsewhere"}),
                           PodIdentity("ghost", {"absent"}), verification::PullContext{}}) {
    EXPECT_THAT(Verify(host() + "/team/app:v1", pull),
                StatusIs(StatusCode::kPermissionDenied,
                         HasSubstr("registry " + host() + " requires credentials (401)")))
        << pull.service_account;
    EXPECT_THAT(Verify(host() + "/team/app@" + digest_, pull),
                StatusIs(StatusCode::kPermissionDenied, HasSubstr("requires credentials")))
        << pull.service_account;
  }
}

TEST_F(KeychainRegistryTest, WrongPasswordAndForbiddenApiDeny) {
  api_->PutDockerConfigSecret("team", "stale", host(), RegistryProcess::kUser, "old-password");
  api_->PutServiceAccount("team", "default", {});
  EXPECT_THAT(Verify(host() + "/team/app:v1", PodIdentity("", {"stale"})),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("rejected the credentials")));
  api_->Forbid("secrets");
  set_ = ValidatorSet();  // a fresh keychain: nothing read yet
  EXPECT_THAT(Verify(host() + "/team/app:v1", PodIdentity("", {"stale"})),
              StatusIs(StatusCode::kPermissionDenied,
                       HasSubstr("reading image pull secrets: Kubernetes API refused get "
                                 "secrets team/stale (403)")));
}

}  // namespace
}  // namespace connaisseur::cosign
