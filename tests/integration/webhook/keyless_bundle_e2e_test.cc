// `connaisseur serve` with a keyless cosign validator against the real docker-registry, for
// images signed only with keyless sigstore bundles (referrers the test wrote with a test Fulcio,
// CT log and Rekor: KeylessFixture): the identity the values name is admitted and pinned to the
// registry's digest; a bundle by another identity is denied, naming the failed check.
#include <gtest/gtest.h>

#include "runtime/registry/registry_client.h"
#include "tests/integration/registry/registry_process.h"
#include "tests/integration/registry/test_image.h"
#include "tests/integration/webhook/cosign_values.h"
#include "tests/integration/webhook/e2e_objects.h"
#include "tests/integration/webhook/serve_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/validators/cosign/keyless_fixture.h"
#include "validators/cosign/bundle_verifier.h"
#include "validators/cosign/referrers.h"

namespace connaisseur::testing {
namespace {

using cosign::testing::KeylessFixture;
using nlohmann::json;

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

// A v0.3 bundle holds the leaf alone: fulcioCert holds the intermediate beside the root.
std::string KeylessBundleConfig(const std::string& host, const KeylessFixture& fixture) {
  return CosignValues{.host = host,
                      .trust_root =
                          "keyless:\n"
                          "  issuer: https://accounts.example.com\n"
                          "  subjectRegex: 'ci-[a-z]+@example\\.com'\n",
                      .validator = "keyless",
                      .validator_extra = CosignHostYaml(fixture.HostWithIntermediate()),
                      .transparency_log = true}
      .Yaml();
}

TEST(KeylessBundleE2eTest, AdmitsAndPinsTheExpectedIdentityAndDeniesAnother) {
  if (!RegistryProcess::Available()) GTEST_SKIP() << "docker-registry is not installed";
  net::GlobalInit();
  const TestCa* ca = TestCa::Shared();
  ASSERT_NE(ca, nullptr);
  auto dir = MakeTempDir("cn-webhook-keyless-bundle");
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
    ASSERT_THAT(PushTestImage(**client, host, repo, "v1", Soon()), IsOk()) << repo;
    auto image = (*client)->GetManifest(host, repo, "v1", Soon());
    ASSERT_THAT(image, IsOk()) << repo;
    cosign::testing::LeafOptions leaf_options;
    leaf_options.emails = {email};
    auto leaf = fixture->IssueLeaf(leaf_options);
    ASSERT_THAT(leaf, IsOk());
    auto bundle = fixture->DsseBundle(cosign::CosignSignStatement(image->digest), *leaf, {});
    ASSERT_THAT(bundle, IsOk());
    ASSERT_THAT(cosign::PublishBundle(**client, host, repo, *image, *bundle, Soon()), IsOk());
    digests[repo] = image->digest;
  }

  const std::string config = *dir + "/values.yaml";
  ASSERT_THAT(WriteFile(config, KeylessBundleConfig(host, *fixture)), IsOk());
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
