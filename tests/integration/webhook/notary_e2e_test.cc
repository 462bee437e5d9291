// `connaisseur serve` over TLS on loopback with a notaryv1 validator pointing at the real
// notary-server, trust data published by the real `notary` client: pinning for every kind and
// container path, denial of unsigned tags, detection mode, child approval without trusting
// ownerReferences, metrics after the sequence, and /ready following the notary server.
// One test per server set-up: starting notary-server and publishing costs seconds, and CI runs
// these serially on 2 cores.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/private_key.h"
#include "tests/integration/notary/notary_server.h"
#include "tests/integration/webhook/e2e_objects.h"
#include "tests/integration/webhook/serve_process.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::testing {
namespace {

using nlohmann::json;

constexpr char kGun[] = "registry.example.com/team/app";

std::string NotaryConfig(const std::string& host, const std::string& root_pem,
                         bool detection_mode) {
  return R"(application:
  features:
    detectionMode: )" +
         std::string(detection_mode ? "true" : "false") + R"(
    automaticChildApproval: true
  validators:
    - name: deny
      type: static
      approve: false
    - name: notary
      type: notaryv1
      host: )" +
         host + R"(
      cert: |
)" + IndentLines(TestCa::Shared()->ca_cert_pem(), 8) +
         R"(      trustRoots:
        - name: default
          key: |
)" + IndentLines(root_pem, 12) +
         R"(  policy:
    - pattern: "*:*"
      validator: deny
    - pattern: "registry.example.com/*:*"
      validator: notary
  timeoutSeconds: 20
)";
}

// Counter value of the exposition line starting with `series` ("name{labels}"), or -1.
double Metric(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

class NotaryE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NotaryServer::Available()) {
      GTEST_SKIP() << "notary-server / notary not installed (scripts/test installs them)";
    }
    net::GlobalInit();
    ca_ = TestCa::Shared();
    ASSERT_NE(ca_, nullptr);
    auto dir = MakeTempDir("cn-webhook-notary");
    ASSERT_THAT(dir, IsOk());
    dir_ = *dir;
  }
  void TearDown() override {
    serve_.reset();
    notary_.reset();
    if (!dir_.empty()) RunCommand("rm -rf '" + dir_ + "'", "/dev/null").ok();
  }

  // Starts notary-server and publishes v1 and v2 of kGun.
  void StartNotary() {
    auto notary = NotaryServer::Start(*ca_);
    ASSERT_THAT(notary, IsOk());
    notary_ = std::move(notary).value();
    ASSERT_THAT(notary_->InitAndSign(kGun, "v1", "manifest one"), IsOk());
    auto v2 = notary_->File("target-v2", "manifest two");
    ASSERT_THAT(v2, IsOk());
    ASSERT_THAT(notary_->Notary(std::string("add ") + kGun + " v2 '" + *v2 + "'"), IsOk());
    ASSERT_THAT(notary_->Notary(std::string("publish ") + kGun), IsOk());
    auto root = notary_->RootPublicKeyPem(kGun);
    ASSERT_THAT(root, IsOk());
    root_pem_ = *root;
  }

  void StartServe(const std::string& host, bool detection_mode) {
    serve_.reset();
    const std::string config = dir_ + "/values.yaml";
    ASSERT_THAT(WriteFile(config, NotaryConfig(host, root_pem_, detection_mode)), IsOk());
    auto serve = ServeProcess::Start(*ca_, {config, dir_ + "/serve.log", {}, {}});
    ASSERT_THAT(serve, IsOk());
    serve_ = std::move(serve).value();
  }

  json Mutate(const json& object, const std::string& uid) {
    std::string error;
    json r = serve_->Mutate(Review(object, uid), &error);
    EXPECT_TRUE(error.empty()) << error << "\n" << serve_->Log();
    EXPECT_EQ(r.value("uid", ""), uid) << r;
    return r;
  }

  const TestCa* ca_ = nullptr;
  std::string dir_, root_pem_;
  std::unique_ptr<NotaryServer> notary_;
  std::unique_ptr<ServeProcess> serve_;
};

TEST_F(NotaryE2eTest, PinsSignedTagsInEveryKindDeniesUnsignedAndApprovesOnlyVerifiedChildren) {
  StartNotary();
  if (HasFatalFailure()) return;
  StartServe(notary_->url(), /*detection_mode=*/false);
  if (HasFatalFailure()) return;
  auto ready = serve_->Get("/ready");
  ASSERT_THAT(ready, IsOk());
  EXPECT_EQ(ready->status, 200) << ready->body;

  const std::string v1 = std::string(kGun) + ":v1", v2 = std::string(kGun) + ":v2";
  const std::map<std::string, std::string> pinned = {
      {v1, v1 + "@" + crypto::OciDigest("manifest one")},
      {v2, v2 + "@" + crypto::OciDigest("manifest two")},
  };
  const json objects[] = {
      Workload("Pod", "pod", PodSpec({v1, v2}, {v2}, {v1})),
      Workload("Deployment", "deploy", PodSpec({v2}, {v1})),
      Workload("CronJob", "cron", PodSpec({v1, v2})),
      Workload("StatefulSet", "sts", PodSpec({pinned.at(v1)}, {v2})),
  };
  int uid = 0;
  for (const json& object : objects) {
    json r = Mutate(object, "uid-" + std::to_string(++uid));
    ASSERT_EQ(r.value("allowed", false), true) << object["kind"] << ": " << r;
    const std::vector<std::string> before = ImagesOf(object);
    const std::vector<std::string> after = ImagesOf(ApplyPatch(object, r));
    ASSERT_EQ(after.size(), before.size()) << object["kind"];
    for (size_t i = 0; i < before.size(); ++i) {
      const std::string want = pinned.contains(before[i]) ? pinned.at(before[i]) : before[i];
      EXPECT_EQ(after[i], want) << object["kind"] << " image " << i << ": " << before[i];
    }
  }

  // Unsigned tag, unknown repository: denied, the message names the image.
  const std::string unsigned_images[] = {std::string(kGun) + ":v9",
                                         "registry.example.com/team/other:v1"};
  for (const std::string& image : unsigned_images) {
    json r = Mutate(Workload("Pod", "bad", PodSpec({v1, image})), "uid-" + std::to_string(++uid));
    EXPECT_EQ(r.value("allowed", true), false) << image << ": " << r;
    EXPECT_EQ(r["status"]["code"], 403) << image;
    EXPECT_NE(r["status"].value("message", "").find(image), std::string::npos) << image << r;
    EXPECT_FALSE(r.contains("patch")) << image;
  }

  // Child approval: a ReplicaSet whose images are exactly what the Deployment was pinned to is
  // approved from memory; a forged ownerReference beside a digest nobody verified gains nothing.
  json child =
      Workload("ReplicaSet", "deploy-1", PodSpec({pinned.at(v2)}, {pinned.at(v1)}), "Deployment");
  json r = Mutate(child, "uid-child");
  EXPECT_EQ(r.value("allowed", false), true) << r;
  EXPECT_FALSE(r.contains("patch")) << r;
  const std::string forged_image = std::string(kGun) + "@" + crypto::OciDigest("never signed");
  json forged = Workload("ReplicaSet", "forged", PodSpec({forged_image}), "Deployment");
  r = Mutate(forged, "uid-forged");
  EXPECT_EQ(r.value("allowed", true), false) << r;
  EXPECT_NE(r["status"].value("message", "").find(forged_image), std::string::npos) << r;

  // Metrics after that sequence: 4 admitted kinds + child, 2 unsigned + forged denied.
  auto metrics = serve_->Get("/metrics");
  ASSERT_THAT(metrics, IsOk());
  const std::string& m = metrics->body;
  EXPECT_EQ(Metric(m, "connaisseur_requests_total"), 8) << m;
  EXPECT_EQ(Metric(m, "connaisseur_requests_admitted_total"), 5) << m;
  EXPECT_EQ(Metric(m, "connaisseur_requests_denied_total{timeout=\"false\"}"), 3) << m;
  EXPECT_EQ(Metric(m,
                   "connaisseur_validations_skipped_total{type=\"notaryv1\",validator_name="
                   "\"notary\",reason=\"automatic approval of child image reference\"}"),
            2)
      << m;
  EXPECT_EQ(Metric(m,
                   "connaisseur_validations_failed_total{type=\"notaryv1\",validator_name="
                   "\"notary\"}"),
            3)
      << m;
  auto status = serve_->Terminate();
  ASSERT_THAT(status, IsOk());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << serve_->Log();
}

TEST_F(NotaryE2eTest, DetectionModeAdmitsUnsignedWithAWarningAndReadyFollowsTheServer) {
  StartNotary();
  if (HasFatalFailure()) return;
  StartServe(notary_->url(), /*detection_mode=*/true);
  if (HasFatalFailure()) return;
  const std::string unsigned_image = std::string(kGun) + ":v9";
  json object = Workload("Pod", "pod", PodSpec({std::string(kGun) + ":v1", unsigned_image}));
  json r = Mutate(object, "uid-detect");
  EXPECT_EQ(r.value("allowed", false), true) << r;
  EXPECT_FALSE(r.contains("patch")) << "never a patch in a request that was not verified: " << r;
  ASSERT_TRUE(r.contains("warnings")) << r;
  ASSERT_EQ(r["warnings"].size(), 2u) << r;
  EXPECT_EQ(r["warnings"][0], "detection mode active");
  EXPECT_NE(r["warnings"][1].get<std::string>().find(unsigned_image), std::string::npos) << r;

  auto ready = serve_->Get("/ready");
  ASSERT_THAT(ready, IsOk());
  EXPECT_EQ(ready->status, 200) << ready->body;
  notary_.reset();  // stops notary-server by PID
  // The validator set reuses a readiness answer for a few seconds: poll, bounded.
  int status = 0;
  std::string body;
  for (int i = 0; i < 60 && status != 503; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(250));
    auto probe = serve_->Get("/ready");
    ASSERT_THAT(probe, IsOk());
    status = probe->status;
    body = probe->body;
  }
  EXPECT_EQ(status, 503) << body;
  EXPECT_NE(body.find("notary"), std::string::npos) << body;
  auto health = serve_->Get("/health");
  ASSERT_THAT(health, IsOk());
  EXPECT_EQ(health->status, 200) << "liveness does not depend on back-ends";
}

TEST_F(NotaryE2eTest, ReadyIs503WhileTheNotaryHostRefusesConnections) {
  // Needs no notary-server: a port nothing listens on.
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(key, IsOk());
  root_pem_ = key->PublicPem();
  StartServe("https://127.0.0.1:9", /*detection_mode=*/false);
  if (HasFatalFailure()) return;
  auto ready = serve_->Get("/ready");
  ASSERT_THAT(ready, IsOk());
  EXPECT_EQ(ready->status, 503) << ready->body;
  EXPECT_EQ(ready->body.rfind("not ready: ", 0), 0u) << ready->body;
  EXPECT_NE(ready->body.find("\"notary\""), std::string::npos) << ready->body;
}

}  // namespace
}  // namespace connaisseur::testing
