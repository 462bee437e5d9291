// Two `connaisseur serve` processes (two replicas) sharing the real redis-server on loopback
// (features.cache.redis), with a cosign validator against the real docker-registry: an image is
// verified once between them (their /metrics prove it); with Redis killed mid-run, or a wrong
// password, every request is still decided (signed admitted, unsigned denied) by the in-process
// cache or by verifying, and the outage is logged once; sharing over TLS with a password.
#include <gtest/gtest.h>

#include "runtime/crypto/private_key.h"
#include "runtime/registry/registry_client.h"
#include "tests/integration/registry/registry_process.h"
#include "tests/integration/registry/test_image.h"
#include "tests/integration/webhook/cosign_values.h"
#include "tests/integration/webhook/e2e_objects.h"
#include "tests/integration/webhook/serve_process.h"
#include "tests/runtime/redis/redis_server_process.h"
#include "tests/testing/status_matchers.h"
#include "validators/cosign/signer.h"

namespace connaisseur::testing {
namespace {

using nlohmann::json;

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

std::string Config(const std::string& host, const std::string& key_pem, int redis_port,
                   const std::string& entry_key_file, const std::string& password_file, bool tls) {
  const std::string redis =
      "features:\n  cache:\n    expirySeconds: 300\n    redis:\n      host: 127.0.0.1\n"
      "      port: " +
      std::to_string(redis_port) + "\n      entryKeyFile: " + entry_key_file + "\n" +
      (password_file.empty() ? "" : "      passwordFile: " + password_file + "\n") +
      (tls ? "      tls: true\n" : "");
  return CosignValues{.host = host, .trust_root = KeyTrustRoot(key_pem), .application_extra = redis}
      .Yaml();
}

// The registry with signed images team/a..c and unsigned team/unsigned, all tagged v1.
struct SignedImages {
  std::unique_ptr<RegistryProcess> registry;
  std::optional<crypto::PrivateKey> key;
  std::string host;
  std::string Ref(const std::string& repo) const { return host + "/" + repo + ":v1"; }
};

void PushImages(SignedImages& images) {
  auto registry = RegistryProcess::Start(RegistryProcess::Mode::kTls);
  ASSERT_THAT(registry, IsOk());
  images.registry = std::move(registry).value();
  images.host = images.registry->host();
  registry::RegistryOptions options;
  options.ca_pem = TestCa::Shared()->ca_cert_pem();
  auto client = registry::RegistryClient::Create(options);
  ASSERT_THAT(client, IsOk());
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(key, IsOk());
  images.key = std::move(key).value();
  for (const std::string repo : {"team/a", "team/b", "team/c", "team/unsigned"}) {
    ASSERT_THAT(PushTestImage(**client, images.host, repo, "v1", Soon()), IsOk()) << repo;
    if (repo == "team/unsigned") continue;
    auto image = image::ImageReference::Parse(images.Ref(repo));
    ASSERT_THAT(image, IsOk());
    ASSERT_THAT(cosign::SignImage(**client, *image, *images.key, {}, Soon()), IsOk()) << repo;
  }
}

// Whether `serve` admits a Pod running `image`.
bool Admits(ServeProcess& serve, const std::string& image, const std::string& uid) {
  std::string error;
  json r = serve.Mutate(Review(Workload("Pod", uid, PodSpec({image})), uid), &error);
  EXPECT_TRUE(error.empty()) << error << serve.Log();
  return r.value("allowed", false);
}

// The value of the metric line starting with `series` ("name{labels}" or "name"), 0 if absent.
double Metric(ServeProcess& serve, const std::string& series) {
  auto metrics = serve.Get("/metrics");
  EXPECT_THAT(metrics, IsOk());
  if (!metrics.ok()) return -1;
  const std::string& body = metrics->body;
  const size_t at = body.find("\n" + series + " ");
  if (at == std::string::npos) return 0;
  return std::stod(body.substr(at + series.size() + 2));
}

const char kVerified[] =
    R"(connaisseur_validations_successful_total{type="cosign",validator_name="cosign"})";

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class SharedCacheE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!RegistryProcess::Available()) GTEST_SKIP() << "docker-registry is not installed";
    if (!RedisServerProcess::Available()) GTEST_SKIP() << "redis-server is not installed";
    net::GlobalInit();
    ASSERT_NE(TestCa::Shared(), nullptr);
    auto dir = MakeTempDir("cn-webhook-redis");
    ASSERT_THAT(dir, IsOk());
    dir_ = *dir;
    ASSERT_THAT(WriteFile(dir_ + "/entry.key", "entry-key-the-replicas-share-0123456789\n"),
                IsOk());
    PushImages(images_);
  }
  void TearDown() override {
    if (!dir_.empty()) RunCommand("rm -rf '" + dir_ + "'", "/dev/null").ok();
  }
  std::unique_ptr<ServeProcess> Serve(const std::string& name, int redis_port,
                                      const std::string& password_file = "", bool tls = false) {
    const std::string config = dir_ + "/" + name + ".yaml";
    EXPECT_THAT(WriteFile(config, Config(images_.host, images_.key->PublicPem(), redis_port,
                                         dir_ + "/entry.key", password_file, tls)),
                IsOk());
    ServeOptions options{config, dir_ + "/" + name + ".log"};
    // TLS to Redis trusts the system store, which SSL_CERT_FILE replaces with the test CA.
    if (tls) options.env = {"SSL_CERT_FILE=" + TestCa::Shared()->ca_cert_path()};
    auto serve = ServeProcess::Start(*TestCa::Shared(), options);
    EXPECT_THAT(serve, IsOk());
    return serve.ok() ? std::move(serve).value() : nullptr;
  }
  std::string dir_;
  SignedImages images_;
};

TEST_F(SharedCacheE2eTest, TwoReplicasVerifyAnImageOnceBetweenThemAndSurviveRedisDying) {
  auto redis = RedisServerProcess::Start({});
  ASSERT_THAT(redis, IsOk());
  auto one = Serve("one", (*redis)->port());
  auto two = Serve("two", (*redis)->port());
  ASSERT_TRUE(one && two);
  const std::string a = images_.Ref("team/a"), b = images_.Ref("team/b"), c = images_.Ref("team/c"),
                    u = images_.Ref("team/unsigned");

  EXPECT_TRUE(Admits(*one, a, "one-a"));
  EXPECT_TRUE(Admits(*two, a, "two-a"));
  EXPECT_EQ(Metric(*one, kVerified), 1);
  EXPECT_EQ(Metric(*two, kVerified), 0) << "replica two verified again";
  EXPECT_EQ(Metric(*two, "connaisseur_cache_shared_hits_total"), 1);
  EXPECT_FALSE(Admits(*one, u, "one-u"));
  EXPECT_FALSE(Admits(*two, u, "two-u"));  // failures are not shared: denied on its own
  EXPECT_TRUE(Admits(*one, b, "one-b"));

  (*redis)->Kill();
  EXPECT_TRUE(Admits(*one, a, "one-a2"));  // its in-process cache
  EXPECT_TRUE(Admits(*two, b, "two-b"));   // verified itself: Redis is gone
  EXPECT_TRUE(Admits(*two, c, "two-c"));
  EXPECT_FALSE(Admits(*two, u, "two-u2"));  // never an admit for want of the cache
  EXPECT_EQ(Metric(*two, kVerified), 2);
  EXPECT_GE(Metric(*two, "connaisseur_redis_errors_total"), 1);
  EXPECT_EQ(Count(two->Log(), "shared cache unavailable"), 1u) << two->Log();
  auto ready = two->Get("/ready");
  ASSERT_THAT(ready, IsOk());
  EXPECT_EQ(ready->status, 200) << "Redis is an optimisation, not a back-end: " << ready->body;
}

TEST_F(SharedCacheE2eTest, WrongPasswordDegradesToVerifyingAndIsLogged) {
  auto redis = RedisServerProcess::Start({.password = "pw-right"});
  ASSERT_THAT(redis, IsOk());
  const std::string password_file = dir_ + "/redis-password";
  ASSERT_THAT(WriteFile(password_file, "pw-wrong\n"), IsOk());
  auto serve = Serve("locked-out", (*redis)->port(), password_file);
  ASSERT_TRUE(serve);
  EXPECT_TRUE(Admits(*serve, images_.Ref("team/a"), "a"));
  EXPECT_FALSE(Admits(*serve, images_.Ref("team/unsigned"), "u"));
  EXPECT_EQ(Metric(*serve, kVerified), 1);
  EXPECT_GE(Metric(*serve, "connaisseur_redis_errors_total"), 1);
  EXPECT_NE(serve->Log().find("AUTH refused"), std::string::npos) << serve->Log();
  EXPECT_EQ(serve->Log().find("pw-wrong"), std::string::npos) << "the password was logged";
  EXPECT_EQ((*redis)->Command({"DBSIZE"})->integer, 0);

  // The right password: the entry is shared.
  ASSERT_THAT(WriteFile(password_file, "pw-right\n"), IsOk());
  auto fixed = Serve("right", (*redis)->port(), password_file);
  ASSERT_TRUE(fixed);
  EXPECT_TRUE(Admits(*fixed, images_.Ref("team/b"), "b"));
  EXPECT_EQ((*redis)->Command({"DBSIZE"})->integer, 1);
}

TEST_F(SharedCacheE2eTest, ReplicasShareOverTlsWithAPassword) {
  auto redis = RedisServerProcess::Start({.password = "pw-tls", .tls = true});
  ASSERT_THAT(redis, IsOk());
  const std::string password_file = dir_ + "/redis-password";
  ASSERT_THAT(WriteFile(password_file, "pw-tls"), IsOk());
  auto one = Serve("tls-one", (*redis)->port(), password_file, /*tls=*/true);
  auto two = Serve("tls-two", (*redis)->port(), password_file, /*tls=*/true);
  ASSERT_TRUE(one && two);
  EXPECT_TRUE(Admits(*one, images_.Ref("team/c"), "one-c"));
  EXPECT_TRUE(Admits(*two, images_.Ref("team/c"), "two-c"));
  EXPECT_EQ(Metric(*one, kVerified), 1);
  EXPECT_EQ(Metric(*two, kVerified), 0) << two->Log();
  EXPECT_EQ(Metric(*two, "connaisseur_cache_shared_hits_total"), 1);
  EXPECT_EQ(Metric(*two, "connaisseur_redis_errors_total"), 0);
}

}  // namespace
}  // namespace connaisseur::testing
