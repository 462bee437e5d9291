// `connaisseur serve` with a keyless cosign validator against the real docker-registry: images
// whose `.sig` manifests the test wrote with a test Fulcio, CT log and Rekor (KeylessFixture)
// are admitted and pinned to the registry's digest for the identity the values name; an image
// signed by another identity is denied, naming the failed check.
#include <gtest/gtest.h>

#include "runtime/registry/registry_client.h"
#include "tests/integration/registry/registry_process.h"
#include "tests/integration/registry/test_image.h"
#include "tests/integration/webhook/cosign_values.h"
#include "tests/integration/webhook/e2e_objects.h"
#include "tests/integration/webhook/serve_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/validators/cosign/keyless_fixture.h"

namespace connaisseur::testing {
namespace {

using cosign::testing::KeylessFixture;
using nlohmann::json;

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

std::string KeylessConfig(const std::string& host, const KeylessFixture& fixture) {
  const config::CosignHost h = fixture.Host();
  return CosignValues{.host = host,
                      .trust_root =
                          "keyless:\n"
                          "  issuer: https://accounts.example.com\n"
                          "  subjectRegex: 'ci-[a-z]+@example\\.com'\n",
                      .validator = "keyless",
                      .validator_extra = "host:\n  fulcioCert: |\n" +
                                         IndentLines(h.fulcio_cert, 4) + "  ctLogPubkey: |\n" +
                                         IndentLines(h.ct_log_pubkey, 4) + "  rekorPubkey: |\n" +
                                         IndentLines(h.rekor_pubkey, 4),
                      .transparency_log = true}
      .Yaml();
}

TEST(KeylessE2eTest, AdmitsAndPinsTheExpectedIdentityAndDeniesAnother) {
  if (!RegistryProcess::Available()) GTEST_SKIP() << "docker-registry is not installed";
  net::GlobalInit();
  const TestCa* ca = TestCa::Shared();
  ASSERT_NE(ca, nullptr);
  auto dir = MakeTempDir("cn-webhook-keyless");
  ASSERT_THAT(dir, IsOk());
  auto registry = RegistryProcess::Start(RegistryProcess::Mode::kTls);
  ASSERT_THAT(registry, IsOk());
  const std::string host = (*registry)->host();
  registry::RegistryOptions options;
  options.ca_pem = ca->ca_cert_pem();
  auto client = registry::RegistryClient::Create(options);
  ASSERT_THAT(client, IsOk());
  auto fixture = KeylessFixture::Create();
  ASSERT_THAT(fixture, IsOk());

  std::map<std::string, std::string> signer = {{"team/ci", "ci-release@example.com"},
                                               {"team/mallory", "mallory@example.com"}};
  std::map<std::string, std::string> digests;
  for (const auto& [repo, email] : signer) {
    auto digest = PushTestImage(**client, host, repo, "v1", Soon());
    ASSERT_THAT(digest, IsOk()) << repo;
    cosign::testing::LeafOptions leaf_options;
    leaf_options.emails = {email};
    auto leaf = fixture->IssueLeaf(leaf_options);
    ASSERT_THAT(leaf, IsOk());
    ASSERT_THAT(fixture->PushSignature(**client, host, repo, *digest, *leaf, Soon()), IsOk());
    digests[repo] = *digest;
  }

  const std::string config = *dir + "/values.yaml";
  ASSERT_THAT(WriteFile(config, KeylessConfig(host, *fixture)), IsOk());
  auto serve = ServeProcess::Start(*ca, {config, *dir + "/serve.log", {}, {}});
  ASSERT_THAT(serve, IsOk());

  const std::string good = host + "/team/ci:v1";
  const json pod = Workload("Pod", "pod", PodSpec({good}));
  std::string error;
  json r = (*serve)->Mutate(Review(pod, "uid-good"), &error);
  ASSERT_TRUE(error.empty()) << error << (*serve)->Log();
  ASSERT_EQ(r.value("allowed", false), true) << r << (*serve)->Log();
  EXPECT_EQ(ImagesOf(ApplyPatch(pod, r)),
            std::vector<std::string>{good + "@" + digests.at("team/ci")});

  const std::string bad = host + "/team/mallory:v1";
  r = (*serve)->Mutate(Review(Workload("Pod", "bad", PodSpec({bad})), "uid-bad"), &error);
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_EQ(r.value("allowed", true), false) << r;
  const std::string message = r["status"].value("message", "");
  EXPECT_NE(message.find(bad), std::string::npos) << r;
  EXPECT_NE(message.find("none of the expected identities matched"), std::string::npos) << r;
}

}  // namespace
}  // namespace connaisseur::testing
