// `connaisseur serve` with an AWS KMS trust root (awskms://) against the real docker-registry and
// FakeAws (KMS + STS on loopback, every SigV4 signature checked), configured only through the
// Pod's environment as on EKS: an image signed through KMS is admitted and pinned, one signed by
// another key denied; with KMS gone, /ready answers 503 naming the key and images are denied with
// the KMS failure.
#include <gtest/gtest.h>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/private_key.h"
#include "runtime/registry/registry_client.h"
#include "tests/integration/registry/registry_process.h"
#include "tests/integration/registry/test_image.h"
#include "tests/integration/webhook/cosign_values.h"
#include "tests/integration/webhook/e2e_objects.h"
#include "tests/integration/webhook/serve_process.h"
#include "tests/runtime/aws/fake_aws.h"
#include "tests/testing/status_matchers.h"
#include "validators/cosign/kms_keys.h"
#include "validators/cosign/signer.h"

namespace connaisseur::testing {
namespace {

using nlohmann::json;

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

std::string KmsConfig(const std::string& host) {
  return CosignValues{.host = host, .trust_root = KeyTrustRoot("awskms:///alias/cosign")}.Yaml();
}

TEST(KmsE2eTest, KmsSignedImageIsAdmittedAndPinnedAndKmsDownFailsReadinessAndDenies) {
  if (!RegistryProcess::Available()) GTEST_SKIP() << "docker-registry is not installed";
  net::GlobalInit();
  const TestCa* ca = TestCa::Shared();
  ASSERT_NE(ca, nullptr);
  auto dir = MakeTempDir("cn-webhook-kms");
  ASSERT_THAT(dir, IsOk());
  auto registry = RegistryProcess::Start(RegistryProcess::Mode::kTls);
  ASSERT_THAT(registry, IsOk());
  const std::string host = (*registry)->host();
  registry::RegistryOptions options;
  options.ca_pem = ca->ca_cert_pem();
  auto client = registry::RegistryClient::Create(options);
  ASSERT_THAT(client, IsOk());
  auto aws = FakeAws::Start();
  ASSERT_THAT(aws, IsOk());
  (*aws)->AddKey(crypto::KeyType::kEcdsaP256, "alias/cosign");
  const std::map<std::string, std::string, std::less<>> aws_env = {
      {"AWS_ACCESS_KEY_ID", (*aws)->options().access_key_id},
      {"AWS_SECRET_ACCESS_KEY", (*aws)->options().secret_access_key},
      {"AWS_REGION", (*aws)->options().region},
      {"AWS_ENDPOINT_URL_KMS", (*aws)->kms_url()},
      {"AWS_CA_BUNDLE", (*aws)->ca_path()}};

  // team/kms signed through KMS (as CI does), team/other by a local key.
  auto kms_digest = PushTestImage(**client, host, "team/kms", "v1", Soon());
  auto other_digest = PushTestImage(**client, host, "team/other", "v1", Soon());
  ASSERT_THAT(kms_digest, IsOk());
  ASSERT_THAT(other_digest, IsOk());
  cosign::KmsSettings settings;
  settings.aws_env = aws::MapEnvironment(aws_env);
  auto kms_signer = cosign::KmsPayloadSigner("awskms:///alias/cosign", settings, Soon());
  ASSERT_THAT(kms_signer, IsOk());
  const std::string signed_ref = host + "/team/kms:v1", other_ref = host + "/team/other:v1";
  ASSERT_THAT(cosign::SignImage(**client, *image::ImageReference::Parse(signed_ref), **kms_signer,
                                {}, Soon()),
              IsOk());
  auto local = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(local, IsOk());
  ASSERT_THAT(
      cosign::SignImage(**client, *image::ImageReference::Parse(other_ref), *local, {}, Soon()),
      IsOk());

  const std::string config = *dir + "/values.yaml";
  ASSERT_THAT(WriteFile(config, KmsConfig(host)), IsOk());
  std::vector<std::string> env;
  for (const auto& [name, value] : aws_env) env.push_back(name + "=" + value);
  {
    auto serve = ServeProcess::Start(*ca, {config, *dir + "/serve.log", {}, env});
    ASSERT_THAT(serve, IsOk());
    auto ready = (*serve)->Get("/ready");
    ASSERT_THAT(ready, IsOk());
    EXPECT_EQ(ready->status, 200) << ready->body << (*serve)->Log();
    std::string error;
    const json pod = Workload("Pod", "kms", PodSpec({signed_ref}));
    json r = (*serve)->Mutate(Review(pod, "uid-kms"), &error);
    ASSERT_TRUE(error.empty()) << error << (*serve)->Log();
    ASSERT_EQ(r.value("allowed", false), true) << r;
    EXPECT_EQ(ImagesOf(ApplyPatch(pod, r)),
              std::vector<std::string>{signed_ref + "@" + *kms_digest});
    r = (*serve)->Mutate(Review(Workload("Pod", "other", PodSpec({other_ref})), "uid-o"), &error);
    EXPECT_EQ(r.value("allowed", true), false) << r;
    EXPECT_NE(r["status"].value("message", "").find("validation threshold not reached"),
              std::string::npos)
        << r;
  }
  EXPECT_GE((*aws)->get_public_key_calls(), 1u);
  EXPECT_TRUE((*aws)->rejections().empty());

  aws->reset();  // KMS goes away; a fresh webhook has no key yet
  auto serve = ServeProcess::Start(*ca, {config, *dir + "/serve-down.log", {}, env});
  ASSERT_THAT(serve, IsOk());
  auto ready = (*serve)->Get("/ready");
  ASSERT_THAT(ready, IsOk());
  EXPECT_EQ(ready->status, 503) << ready->body;
  EXPECT_NE(ready->body.find("validator \"cosign\""), std::string::npos) << ready->body;
  EXPECT_NE(ready->body.find("AWS KMS key awskms:///alias/cosign: KMS GetPublicKey"),
            std::string::npos)
      << ready->body;
  std::string error;
  json r =
      (*serve)->Mutate(Review(Workload("Pod", "down", PodSpec({signed_ref})), "uid-d"), &error);
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_EQ(r.value("allowed", true), false) << r;
  EXPECT_NE(r["status"].value("message", "").find("AWS KMS key awskms:///alias/cosign"),
            std::string::npos)
      << r;
  serve->reset();
  RunCommand("rm -rf '" + *dir + "'", "/dev/null").ok();
}

}  // namespace
}  // namespace connaisseur::testing
