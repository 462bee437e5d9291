// `connaisseur serve` with a cosign validator using `auth.useKeychain`, configured in-cluster
// from the environment (KUBERNETES_SERVICE_HOST/PORT and the service-account directory) against
// a loopback fake of the Kubernetes API, verifying an image in the real docker-registry behind
// TLS and htpasswd: a Pod whose own pull secret or whose service account's pull secret holds the
// registry's credentials is admitted and pinned; a Pod without one is denied, naming the
// registry's refusal.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/private_key.h"
#include "runtime/registry/registry_client.h"
#include "tests/integration/registry/registry_process.h"
#include "tests/integration/webhook/cosign_values.h"
#include "tests/integration/webhook/e2e_objects.h"
#include "tests/integration/webhook/serve_process.h"
#include "tests/runtime/kubernetes/fake_kubernetes_api.h"
#include "tests/testing/status_matchers.h"
#include "validators/cosign/signer.h"

namespace connaisseur::testing {
namespace {

using nlohmann::json;

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

// Pushes a one-layer image to `repo:v1` and signs it; returns the manifest digest.
StatusOr<std::string> PushAndSign(registry::RegistryClient& client, const std::string& host,
                                  const std::string& repo, const crypto::PrivateKey& key) {
  const std::string layer = "layer of " + repo, config = R"({"os":"linux"})";
  CN_RETURN_IF_ERROR(client.PutBlob(host, repo, layer, Soon()).status());
  CN_RETURN_IF_ERROR(client.PutBlob(host, repo, config, Soon()).status());
  const std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
      crypto::OciDigest(config) + R"(","size":)" + std::to_string(config.size()) +
      R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
      crypto::OciDigest(layer) + R"(","size":)" + std::to_string(layer.size()) + "}]}";
  CN_ASSIGN_OR_RETURN(std::string digest,
                      client.PutManifest(host, repo, "v1", manifest,
                                         "application/vnd.oci.image.manifest.v1+json", Soon()));
  CN_ASSIGN_OR_RETURN(auto image, image::ImageReference::Parse(host + "/" + repo + ":v1"));
  CN_RETURN_IF_ERROR(cosign::SignImage(client, image, key, {}, Soon()).status());
  return digest;
}

std::string KeychainConfig(const std::string& host, const std::string& key_pem) {
  return CosignValues{.host = host,
                      .trust_root = KeyTrustRoot(key_pem),
                      .validator = "private",
                      .validator_extra = "auth:\n  useKeychain: true\n"}
      .Yaml();
}

TEST(KeychainE2eTest, PullSecretsOfThePodOrItsServiceAccountLetTheSignatureBeRead) {
  if (!RegistryProcess::Available()) GTEST_SKIP() << "docker-registry is not installed";
  if (system("command -v htpasswd > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "htpasswd is not installed";
  }
  net::GlobalInit();
  const TestCa* ca = TestCa::Shared();
  ASSERT_NE(ca, nullptr);
  auto dir = MakeTempDir("cn-webhook-keychain");
  ASSERT_THAT(dir, IsOk());
  auto registry = RegistryProcess::Start(RegistryProcess::Mode::kTlsHtpasswd);
  ASSERT_THAT(registry, IsOk());
  const std::string host = (*registry)->host();
  registry::RegistryOptions options;
  options.ca_pem = ca->ca_cert_pem();
  options.credentials = net::BasicCredentials{RegistryProcess::kUser, RegistryProcess::kPassword};
  auto client = registry::RegistryClient::Create(options);
  ASSERT_THAT(client, IsOk());
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(key, IsOk());
  auto digest = PushAndSign(**client, host, "team/app", *key);
  ASSERT_THAT(digest, IsOk());
  const std::string image = host + "/team/app:v1";

  auto api = FakeKubernetesApi::Start();
  ASSERT_THAT(api, IsOk());
  (*api)->PutDockerConfigSecret("team-a", "pod-pull", "https://" + host, RegistryProcess::kUser,
                                RegistryProcess::kPassword);
  (*api)->PutDockerConfigSecret("team-a", "sa-pull", host + "/team", RegistryProcess::kUser,
                                RegistryProcess::kPassword);
  (*api)->PutServiceAccount("team-a", "default", {});
  (*api)->PutServiceAccount("team-a", "builder", {"sa-pull"});

  const std::string config = *dir + "/values.yaml";
  ASSERT_THAT(WriteFile(config, KeychainConfig(host, key->PublicPem())), IsOk());
  auto serve = ServeProcess::Start(
      *ca, {config,
            *dir + "/serve.log",
            {},
            {"KUBERNETES_SERVICE_HOST=127.0.0.1",
             "KUBERNETES_SERVICE_PORT=" + std::to_string((*api)->port()),
             "CONNAISSEUR_SERVICEACCOUNT_DIR=" + (*api)->service_account_dir()}});
  ASSERT_THAT(serve, IsOk());

  struct Case {
    std::string name, service_account, pull_secret;
    bool allowed;
  };
  const Case cases[] = {
      {"own-secret", "", "pod-pull", true},
      {"account-secret", "builder", "", true},
      {"no-secret", "", "", false},
      {"unknown-secret", "", "absent", false},
  };
  for (const Case& c : cases) {
    json spec = PodSpec({image});
    if (!c.service_account.empty()) spec["serviceAccountName"] = c.service_account;
    if (!c.pull_secret.empty()) spec["imagePullSecrets"] = {{{"name", c.pull_secret}}};
    const json pod = Workload("Pod", c.name, spec);
    std::string error;
    json r = (*serve)->Mutate(Review(pod, "uid-" + c.name), &error);
    ASSERT_TRUE(error.empty()) << error << (*serve)->Log();
    ASSERT_EQ(r.value("allowed", !c.allowed), c.allowed) << c.name << ": " << r;
    if (c.allowed) {
      EXPECT_EQ(ImagesOf(ApplyPatch(pod, r)), std::vector<std::string>{image + "@" + *digest})
          << c.name;
    } else {
      EXPECT_NE(
          r["status"].value("message", "").find("registry " + host + " requires credentials (401)"),
          std::string::npos)
          << c.name << ": " << r;
    }
  }
  EXPECT_GE((*api)->requests("secrets"), 2u);
  // The token and the registry password never reach the log.
  const std::string log = (*serve)->Log();
  EXPECT_EQ(log.find(RegistryProcess::kPassword), std::string::npos);
  EXPECT_EQ(log.find("fake-service-account-token"), std::string::npos);
}

}  // namespace
}  // namespace connaisseur::testing
