// `connaisseur serve` over TLS on loopback with a cosign validator against the real
// docker-registry (TLS from the test CA), images pushed and signed by our cosign signer: every
// signed image of a multi-image Pod pinned to the digest the registry returned, unsigned images
// denied by name, child approval only for digests this webhook verified; images signed as sigstore
// bundles stored as OCI referrers (`connaisseur sign --bundle`) admitted and pinned the same way.
#include <gtest/gtest.h>

#include <map>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/private_key.h"
#include "runtime/registry/registry_client.h"
#include "tests/integration/registry/registry_process.h"
#include "tests/integration/registry/test_image.h"
#include "tests/integration/webhook/cosign_values.h"
#include "tests/integration/webhook/e2e_objects.h"
#include "tests/integration/webhook/serve_process.h"
#include "tests/testing/status_matchers.h"
#include "validators/cosign/bundle_signer.h"
#include "validators/cosign/signer.h"

namespace connaisseur::testing {
namespace {

using nlohmann::json;

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

std::string CosignConfig(const std::string& host, const std::string& key_pem) {
  return CosignValues{.host = host, .trust_root = KeyTrustRoot(key_pem)}.Yaml();
}

TEST(CosignE2eTest, PinsEverySignedImageToTheRegistrysDigestAndDeniesUnsigned) {
  if (!RegistryProcess::Available()) GTEST_SKIP() << "docker-registry is not installed";
  net::GlobalInit();
  const TestCa* ca = TestCa::Shared();
  ASSERT_NE(ca, nullptr);
  auto dir = MakeTempDir("cn-webhook-cosign");
  ASSERT_THAT(dir, IsOk());
  auto registry = RegistryProcess::Start(RegistryProcess::Mode::kTls);
  ASSERT_THAT(registry, IsOk());
  const std::string host = (*registry)->host();
  registry::RegistryOptions options;
  options.ca_pem = ca->ca_cert_pem();
  auto client = registry::RegistryClient::Create(options);
  ASSERT_THAT(client, IsOk());
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(key, IsOk());

  // Four signed images (one Pod verifies them concurrently) and one unsigned.
  std::map<std::string, std::string> pinned;  // "<host>/team/x:v1" → "…@sha256:…"
  for (const std::string repo : {"team/a", "team/b", "team/c", "team/d", "team/unsigned"}) {
    auto digest = PushTestImage(**client, host, repo, "v1", Soon());
    ASSERT_THAT(digest, IsOk()) << repo;
    const std::string ref = host + "/" + repo + ":v1";
    if (repo == "team/unsigned") continue;
    auto image = image::ImageReference::Parse(ref);
    ASSERT_THAT(image, IsOk()) << ref;
    ASSERT_THAT(cosign::SignImage(**client, *image, *key, {}, Soon()), IsOk()) << ref;
    pinned[ref] = ref + "@" + *digest;
  }
  const std::string a = host + "/team/a:v1", b = host + "/team/b:v1", c = host + "/team/c:v1",
                    d = host + "/team/d:v1", u = host + "/team/unsigned:v1";

  const std::string config = *dir + "/values.yaml";
  ASSERT_THAT(WriteFile(config, CosignConfig(host, key->PublicPem())), IsOk());
  auto serve = ServeProcess::Start(*ca, {config, *dir + "/serve.log", {}, {}});
  ASSERT_THAT(serve, IsOk());
  auto ready = (*serve)->Get("/ready");
  ASSERT_THAT(ready, IsOk());
  EXPECT_EQ(ready->status, 200) << ready->body;

  const json objects[] = {
      Workload("Pod", "pod", PodSpec({a, b, c, d}, {a}, {c})),
      Workload("Deployment", "deploy", PodSpec({b}, {d})),
      Workload("CronJob", "cron", PodSpec({c})),
  };
  for (const json& object : objects) {
    std::string error;
    json r = (*serve)->Mutate(Review(object, "uid-" + object["kind"].get<std::string>()), &error);
    ASSERT_TRUE(error.empty()) << error << (*serve)->Log();
    ASSERT_EQ(r.value("allowed", false), true) << object["kind"] << ": " << r;
    const std::vector<std::string> before = ImagesOf(object);
    const std::vector<std::string> after = ImagesOf(ApplyPatch(object, r));
    ASSERT_EQ(after.size(), before.size()) << object["kind"];
    for (size_t i = 0; i < before.size(); ++i) {
      EXPECT_EQ(after[i], pinned.at(before[i])) << object["kind"] << " image " << i;
    }
  }

  std::string error;
  json r = (*serve)->Mutate(Review(Workload("Pod", "bad", PodSpec({a, u})), "uid-bad"), &error);
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_EQ(r.value("allowed", true), false) << r;
  EXPECT_NE(r["status"].value("message", "").find(u), std::string::npos) << r;

  // Child approval: the pinned digests are approved; an unsigned digest behind a forged
  // ownerReference is verified and denied.
  json child =
      Workload("ReplicaSet", "deploy-1", PodSpec({pinned.at(b)}, {pinned.at(d)}), "Deployment");
  r = (*serve)->Mutate(Review(child, "uid-child"), &error);
  EXPECT_EQ(r.value("allowed", false), true) << r;
  EXPECT_FALSE(r.contains("patch")) << r;
  auto unsigned_digest = (*client)->GetManifest(host, "team/unsigned", "v1", Soon());
  ASSERT_THAT(unsigned_digest, IsOk());
  const std::string forged_image = host + "/team/unsigned@" + unsigned_digest->digest;
  r = (*serve)->Mutate(
      Review(Workload("ReplicaSet", "forged", PodSpec({forged_image}), "Deployment"), "uid-f"),
      &error);
  EXPECT_EQ(r.value("allowed", true), false) << r;
  EXPECT_NE(r["status"].value("message", "").find(forged_image), std::string::npos) << r;

  auto metrics = (*serve)->Get("/metrics");
  ASSERT_THAT(metrics, IsOk());
  EXPECT_NE(metrics->body.find("connaisseur_validations_skipped_total{type=\"cosign\","
                               "validator_name=\"cosign\",reason=\"automatic approval of child "
                               "image reference\"} 2\n"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("connaisseur_requests_admitted_total 4\n"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("connaisseur_requests_denied_total{timeout=\"false\"} 2\n"),
            std::string::npos)
      << metrics->body;
  serve->reset();
  RunCommand("rm -rf '" + *dir + "'", "/dev/null").ok();
}

TEST(CosignE2eTest, BundleSignedImageIsAdmittedAndPinnedAnotherKeysBundleAndNoneAreDenied) {
  if (!RegistryProcess::Available()) GTEST_SKIP() << "docker-registry is not installed";
  net::GlobalInit();
  const TestCa* ca = TestCa::Shared();
  ASSERT_NE(ca, nullptr);
  auto dir = MakeTempDir("cn-webhook-bundle");
  ASSERT_THAT(dir, IsOk());
  auto registry = RegistryProcess::Start(RegistryProcess::Mode::kTls);
  ASSERT_THAT(registry, IsOk());
  const std::string host = (*registry)->host();
  registry::RegistryOptions options;
  options.ca_pem = ca->ca_cert_pem();
  auto client = registry::RegistryClient::Create(options);
  ASSERT_THAT(client, IsOk());
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  auto stranger = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(key, IsOk());
  ASSERT_THAT(stranger, IsOk());
  const std::string signed_ref = host + "/team/bundled:v1", other_ref = host + "/team/other:v1",
                    none_ref = host + "/team/none:v1";
  auto digest = PushTestImage(**client, host, "team/bundled", "v1", Soon());
  ASSERT_THAT(digest, IsOk());
  ASSERT_THAT(PushTestImage(**client, host, "team/other", "v1", Soon()), IsOk());
  ASSERT_THAT(PushTestImage(**client, host, "team/none", "v1", Soon()), IsOk());
  auto sign = [&](const std::string& ref, const crypto::PrivateKey& k) {
    auto image = image::ImageReference::Parse(ref);
    ASSERT_THAT(image, IsOk()) << ref;
    auto signed_bundle =
        cosign::SignImageBundle(**client, *image, cosign::PrivateKeySigner(k), Soon());
    ASSERT_THAT(signed_bundle, IsOk()) << ref;
    EXPECT_TRUE(signed_bundle->referrers_tag) << "distribution 2.8 has no referrers API";
  };
  sign(signed_ref, *key);
  sign(other_ref, *stranger);

  const std::string config = *dir + "/values.yaml";
  ASSERT_THAT(WriteFile(config, CosignConfig(host, key->PublicPem())), IsOk());
  auto serve = ServeProcess::Start(*ca, {config, *dir + "/serve.log", {}, {}});
  ASSERT_THAT(serve, IsOk());

  std::string error;
  const json pod = Workload("Pod", "bundled", PodSpec({signed_ref}));
  json r = (*serve)->Mutate(Review(pod, "uid-bundled"), &error);
  ASSERT_TRUE(error.empty()) << error << (*serve)->Log();
  ASSERT_EQ(r.value("allowed", false), true) << r;
  EXPECT_EQ(ImagesOf(ApplyPatch(pod, r)), std::vector<std::string>{signed_ref + "@" + *digest});

  r = (*serve)->Mutate(Review(Workload("Pod", "other", PodSpec({other_ref})), "uid-o"), &error);
  EXPECT_EQ(r.value("allowed", true), false) << r;
  EXPECT_NE(r["status"].value("message", "").find("does not verify"), std::string::npos) << r;
  r = (*serve)->Mutate(Review(Workload("Pod", "none", PodSpec({none_ref})), "uid-n"), &error);
  EXPECT_EQ(r.value("allowed", true), false) << r;
  const std::string message = r["status"].value("message", "");
  EXPECT_NE(message.find("no signatures found"), std::string::npos) << r;
  EXPECT_NE(message.find("referrers tag"), std::string::npos) << r;
  serve->reset();
  RunCommand("rm -rf '" + *dir + "'", "/dev/null").ok();
}

}  // namespace
}  // namespace connaisseur::testing
