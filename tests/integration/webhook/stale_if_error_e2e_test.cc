// features.cache.staleIfError end to end: two `connaisseur serve` processes, one with staleIfError
// and one without, verify a cosign-signed image against the real docker-registry on loopback; the
// registry then hangs (SIGSTOP), and later is stopped, each time after the cache TTL (1 s) passed.
// The one with staleIfError admits the image pinned to the digest it verified before, within the
// request deadline, and its log and /metrics say so; the other denies (with the registry's
// failure once it refuses); an image the registry denied before stays denied.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "runtime/crypto/private_key.h"
#include "runtime/registry/registry_client.h"
#include "tests/integration/registry/registry_process.h"
#include "tests/integration/registry/test_image.h"
#include "tests/integration/webhook/e2e_objects.h"
#include "tests/integration/webhook/serve_process.h"
#include "tests/testing/status_matchers.h"
#include "validators/cosign/signer.h"

namespace connaisseur::testing {
namespace {

using nlohmann::json;

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

std::string Config(const std::string& host, const std::string& key_pem, bool stale_if_error) {
  return R"(application:
  validators:
    - name: deny
      type: static
      approve: false
    - name: cosign
      type: cosign
      cert: |
)" + IndentLines(TestCa::Shared()->ca_cert_pem(), 8) +
         R"(      trustRoots:
        - name: default
          key: |
)" + IndentLines(key_pem, 12) +
         R"(  policy:
    - pattern: "*:*"
      validator: deny
    - pattern: ")" +
         host + R"(/*:*"
      validator: cosign
      with:
        verifyInTransparencyLog: false
  timeoutSeconds: 3
  features:
    cache:
      expirySeconds: 1
      staleIfError: )" +
         (stale_if_error ? "true" : "false") + "\n";
}

// The value of the metric line starting with `series`, 0 if absent.
double Metric(ServeProcess& serve, const std::string& series) {
  auto metrics = serve.Get("/metrics");
  EXPECT_THAT(metrics, IsOk());
  if (!metrics.ok()) return -1;
  const std::string& body = metrics->body;
  const size_t at = body.find("\n" + series + " ");
  if (at == std::string::npos) return 0;
  return std::stod(body.substr(at + series.size() + 2));
}

class StaleIfErrorE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!RegistryProcess::Available()) GTEST_SKIP() << "docker-registry is not installed";
    net::GlobalInit();
    ASSERT_NE(TestCa::Shared(), nullptr);
    auto dir = MakeTempDir("cn-webhook-stale");
    ASSERT_THAT(dir, IsOk());
    dir_ = *dir;
    auto registry = RegistryProcess::Start(RegistryProcess::Mode::kTls);
    ASSERT_THAT(registry, IsOk());
    registry_ = std::move(registry).value();
    host_ = registry_->host();
    registry::RegistryOptions options;
    options.ca_pem = TestCa::Shared()->ca_cert_pem();
    auto client = registry::RegistryClient::Create(options);
    ASSERT_THAT(client, IsOk());
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
    ASSERT_THAT(key, IsOk());
    key_pem_ = key->PublicPem();
    for (const std::string repo : {"team/app", "team/unsigned"}) {
      ASSERT_THAT(PushTestImage(**client, host_, repo, "v1", Soon()), IsOk()) << repo;
    }
    auto signed_image = image::ImageReference::Parse(host_ + "/team/app:v1");
    ASSERT_THAT(signed_image, IsOk());
    ASSERT_THAT(cosign::SignImage(**client, *signed_image, *key, {}, Soon()), IsOk());
  }
  void TearDown() override {
    if (!dir_.empty()) RunCommand("rm -rf '" + dir_ + "'", "/dev/null").ok();
  }
  std::unique_ptr<ServeProcess> Serve(const std::string& name, bool stale_if_error) {
    const std::string config = dir_ + "/" + name + ".yaml";
    EXPECT_THAT(WriteFile(config, Config(host_, key_pem_, stale_if_error)), IsOk());
    auto serve = ServeProcess::Start(*TestCa::Shared(), {config, dir_ + "/" + name + ".log"});
    EXPECT_THAT(serve, IsOk());
    return serve.ok() ? std::move(serve).value() : nullptr;
  }
  // The response to a Pod running `image`.
  static json Mutate(ServeProcess& serve, const std::string& image, const std::string& uid) {
    std::string error;
    json r = serve.Mutate(Review(Workload("Pod", uid, PodSpec({image})), uid), &error);
    EXPECT_TRUE(error.empty()) << error << serve.Log();
    return r;
  }
  // The image the Pod runs after the response's patch.
  static std::string Patched(const std::string& image, const json& response) {
    const json pod = Workload("Pod", "p", PodSpec({image}));
    return ImagesOf(ApplyPatch(pod, response)).at(0);
  }

  std::string dir_, host_, key_pem_;
  std::unique_ptr<RegistryProcess> registry_;
};

TEST_F(StaleIfErrorE2eTest, AnUnreachableRegistryIsBridgedOnlyWithStaleIfErrorAndSaysSo) {
  auto stale = Serve("stale", true);
  auto strict = Serve("strict", false);
  ASSERT_TRUE(stale && strict);
  const std::string app = host_ + "/team/app:v1", unsigned_image = host_ + "/team/unsigned:v1";

  const json first = Mutate(*stale, app, "first");
  ASSERT_TRUE(first.value("allowed", false)) << first << stale->Log();
  const std::string pinned = Patched(app, first);
  ASSERT_NE(pinned.find("@sha256:"), std::string::npos) << first;
  ASSERT_TRUE(Mutate(*strict, app, "strict-first").value("allowed", false)) << strict->Log();
  EXPECT_FALSE(Mutate(*stale, unsigned_image, "unsigned-first").value("allowed", true));

  const std::string stale_series =
      R"(connaisseur_cache_stale_served_total{type="cosign",validator_name="cosign"})";
  // The registry hangs (SIGSTOP): it accepts connections and never answers. The replica with
  // staleIfError gives up on it within the 3 s request deadline and answers stale.
  registry_->Pause();
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // past expirySeconds: 1
  const json hung = Mutate(*stale, app, "hung");
  EXPECT_TRUE(hung.value("allowed", false)) << hung << stale->Log();
  EXPECT_EQ(Patched(app, hung), pinned);
  EXPECT_EQ(Metric(*stale, stale_series), 1);
  EXPECT_FALSE(Mutate(*strict, app, "strict-hung").value("allowed", true));

  registry_->Resume();
  registry_.reset();  // stops docker-registry: its port now refuses connections
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));

  const json bridged = Mutate(*stale, app, "bridged");
  EXPECT_TRUE(bridged.value("allowed", false)) << bridged << stale->Log();
  EXPECT_EQ(Patched(app, bridged), pinned) << "admitted with the digest verified before";
  EXPECT_EQ(Metric(*stale, stale_series), 2);
  const std::string log = stale->Log();
  EXPECT_NE(log.find("admitting a stale verification"), std::string::npos) << log;
  EXPECT_NE(log.find(pinned.substr(pinned.find('@') + 1)), std::string::npos) << log;
  EXPECT_NE(log.find("backend_error"), std::string::npos) << log;
  EXPECT_NE(log.find("age_seconds"), std::string::npos) << log;

  // Denied before the outage: still denied (a deny is never bridged, nor is the unknown).
  EXPECT_FALSE(Mutate(*stale, unsigned_image, "unsigned-down").value("allowed", true));

  const json denied = Mutate(*strict, app, "strict-down");
  EXPECT_FALSE(denied.value("allowed", true)) << denied;
  const std::string message = denied["status"].value("message", "");
  EXPECT_NE(message.find("error during cosign validation of image " + app), std::string::npos)
      << message;
  EXPECT_NE(message.find(host_), std::string::npos) << "names the failing registry: " << message;
  EXPECT_EQ(Metric(*strict, stale_series), 0);
  EXPECT_EQ(strict->Log().find("admitting a stale verification"), std::string::npos);
}

}  // namespace
}  // namespace connaisseur::testing
