// `connaisseur serve` and `review` end to end: the real config parser, default Lua policy,
// validator set and civetweb over TLS on loopback; a loopback alert receiver; a slow loopback
// notary for the request deadline. The server runs as a child process of the test.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "runtime/crypto/encoding.h"
#include "runtime/net/http_client.h"
#include "tests/integration/webhook/serve_process.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/runtime/net/test_https_server.h"
#include "tests/testing/source_dirs.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur {
namespace {

using nlohmann::json;

json PodReview(const std::vector<std::string>& images, bool dry_run = false) {
  json containers = json::array();
  for (size_t i = 0; i < images.size(); ++i) {
    containers.push_back({{"name", "c" + std::to_string(i)}, {"image", images[i]}});
  }
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", "uid-e2e"},
            {"kind", {{"group", ""}, {"version", "v1"}, {"kind", "Pod"}}},
            {"namespace", "team-a"},
            {"operation", "CREATE"},
            {"dryRun", dry_run},
            {"object", {{"metadata", {{"name", "p"}}}, {"spec", {{"containers", containers}}}}}}}};
}

std::string Config(const std::string& receiver_url, const std::string& slow_notary_url,
                   const std::string& ca_pem) {
  return R"(application:
  validators:
    - name: allow
      type: static
      approve: true
    - name: deny
      type: static
      approve: false
    - name: slow-notary
      type: notaryv1
      host: )" +
         slow_notary_url + R"(
      cert: |
)" + testing::IndentLines(ca_pem, 8) +
         R"(      trustRoots:
        - name: default
          key: |
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOXYta5TgdCwXTCnLU09W5T4M4r9f
            QQrqJuADP6U7g5r9ICgPSmZuRHP/1AYUfOQW3baveKsT969EfELKj1lfCA==
            -----END PUBLIC KEY-----
  policy:
    - pattern: "*:*"
      validator: deny
    - pattern: "docker.io/library/*:*"
      validator: allow
    - pattern: "slow.example.com/*:*"
      validator: slow-notary
  timeoutSeconds: 1
alerting:
  clusterIdentifier: e2e-cluster
  admitRequest:
    receivers:
      - template: opsgenie
        receiverUrl: )" +
         receiver_url + R"(/admit
        customHeaders: ["X-Token:  s3cret "]
  rejectRequest:
    receivers:
      - template: slack
        receiverUrl: )" +
         receiver_url + R"(/reject
)";
}

class WebhookE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { net::GlobalInit(); }

  void SetUp() override {
    ca_ = testing::TestCa::Shared();
    ASSERT_NE(ca_, nullptr);
    auto dir = testing::MakeTempDir("cn-webhook-e2e");
    ASSERT_THAT(dir, IsOk());
    dir_ = *dir;
    auto receiver = testing::TestHttpsServer::Start("", "", [this](const testing::TestRequest& r) {
      std::lock_guard lock(mu_);
      alerts_.push_back(r);
      return testing::TestResponse{};
    });
    ASSERT_THAT(receiver, IsOk());
    receiver_ = std::move(receiver).value();
    auto slow = testing::TestHttpsServer::Start(
        ca_->server_cert_pem(), ca_->server_key_pem(), [](const testing::TestRequest&) {
          testing::TestResponse r;
          r.status = 404;
          r.delay = std::chrono::seconds(20);  // far beyond timeoutSeconds: 1
          return r;
        });
    ASSERT_THAT(slow, IsOk());
    slow_ = std::move(slow).value();
    ASSERT_THAT(testing::WriteFile(dir_ + "/values.yaml",
                                   Config(receiver_->url(), slow_->url(), ca_->ca_cert_pem())),
                IsOk());
  }

  void TearDown() override {
    serve_.reset();  // SIGKILL by PID if a test left it running
    testing::RunCommand("rm -rf " + dir_, "/dev/null").ok();
  }

  // Starts `serve` on a free port over TLS. /ready stays 503 here (the slow notary does not
  // answer its health check), so ServeProcess waits for /health.
  void StartServe() {
    std::string templates = std::string("CONNAISSEUR_ALERT_TEMPLATES=") +
                            ::connaisseur::testing::SourceDir() + "/runtime/alerting/templates";
    auto serve = testing::ServeProcess::Start(*ca_, {dir_ + "/values.yaml",
                                                     dir_ + "/serve.log",
                                                     {"--ready-timeout", "0.5"},
                                                     {templates, "POD_NAME=connaisseur-e2e"}});
    ASSERT_THAT(serve, IsOk());
    serve_ = std::move(serve).value();
  }

  std::string Log() { return serve_ ? serve_->Log() : "<not started>"; }
  StatusOr<net::HttpResponse> Get(const std::string& path) { return serve_->Get(path); }
  StatusOr<net::HttpResponse> Send(const std::string& path, std::string body,
                                   std::string content_type = "application/json") {
    return serve_->Post(path, std::move(body), content_type);
  }
  json Mutate(const json& review) {
    std::string error;
    json r = serve_->Mutate(review, &error);
    EXPECT_TRUE(error.empty()) << error;
    return r;
  }
  size_t AlertCount() {
    std::lock_guard lock(mu_);
    return alerts_.size();
  }

  const testing::TestCa* ca_ = nullptr;
  std::string dir_;
  std::unique_ptr<testing::TestHttpsServer> receiver_, slow_;
  std::unique_ptr<testing::ServeProcess> serve_;
  std::mutex mu_;
  std::vector<testing::TestRequest> alerts_;
};

TEST_F(WebhookE2eTest, ServeAdmitsDeniesAlertsCountsAndDrainsOnSigterm) {
  StartServe();
  if (HasFatalFailure()) return;

  json r = Mutate(PodReview({"nginx:1.25", "redis"}));
  EXPECT_EQ(r["allowed"], true) << r;
  EXPECT_EQ(r["uid"], "uid-e2e");
  EXPECT_FALSE(r.contains("patch")) << "a static allow of a tag keeps the image";

  r = Mutate(PodReview({"nginx", "quay.io/evil/miner:1"}));
  EXPECT_EQ(r["allowed"], false) << r;
  EXPECT_EQ(r["status"]["code"], 403);
  EXPECT_NE(r["status"]["message"].get<std::string>().find("quay.io/evil/miner:1"),
            std::string::npos)
      << r;

  // Alerts: one admit (opsgenie, filled and with the trimmed custom header), one reject (slack).
  for (int i = 0; i < 200 && AlertCount() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  {
    std::lock_guard lock(mu_);
    ASSERT_EQ(alerts_.size(), 2u);
    const testing::TestRequest* admit = alerts_[0].path == "/admit" ? &alerts_[0] : &alerts_[1];
    const testing::TestRequest* reject = admit == &alerts_[0] ? &alerts_[1] : &alerts_[0];
    json body = json::parse(admit->body);
    EXPECT_EQ(body["message"], "CONNAISSEUR admitted a request");
    EXPECT_EQ(body["details"]["cluster"], "e2e-cluster");
    EXPECT_EQ(body["details"]["namespace"], "team-a");
    EXPECT_EQ(body["details"]["pod"], "connaisseur-e2e");
    EXPECT_EQ(body["details"]["request_id"], "uid-e2e");
    ASSERT_NE(admit->Header("x-token"), nullptr);
    EXPECT_EQ(*admit->Header("x-token"), "s3cret");
    EXPECT_NE(reject->body.find("CONNAISSEUR rejected a request"), std::string::npos)
        << reject->body;
  }

  // Dry-run: validated the same, no alert.
  r = Mutate(PodReview({"quay.io/evil/miner:1"}, /*dry_run=*/true));
  EXPECT_EQ(r["allowed"], false);

  // Malformed requests: plain-text 4xx, the server keeps serving.
  auto bad = Send("/mutate", "not json");
  ASSERT_THAT(bad, IsOk());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->body.rfind("received invalid json", 0), 0u) << bad->body;
  bad = Send("/mutate", std::string(100000, '[') + std::string(100000, ']'));
  ASSERT_THAT(bad, IsOk());
  EXPECT_EQ(bad->status, 400);
  bad = Send("/mutate", PodReview({"nginx"}).dump(), "text/plain");
  ASSERT_THAT(bad, IsOk());
  EXPECT_EQ(bad->body, "wrong content type: expected json, got text/plain");
  bad = Get("/mutate");
  ASSERT_THAT(bad, IsOk());
  EXPECT_EQ(bad->status, 405);

  // The deadline: the slow notary never answers within timeoutSeconds (1 s).
  r = Mutate(PodReview({"slow.example.com/app:1"}));
  EXPECT_EQ(r["allowed"], false) << r;
  EXPECT_EQ(
      r["status"]
          .value("message", "")
          .rfind("validation of admission request uid-e2e timed out after validating 0/1 images: "
                 "slow.example.com/app:1: not decided (",
                 0),
      0u)
      << r;

  // Metrics after the known sequence: 4 reviews (malformed bodies are not reviews).
  auto metrics = Get("/metrics");
  ASSERT_THAT(metrics, IsOk());
  EXPECT_NE(metrics->body.find("connaisseur_requests_total 4\n"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("connaisseur_requests_admitted_total 1\n"), std::string::npos);
  EXPECT_NE(metrics->body.find("connaisseur_requests_denied_total{timeout=\"false\"} 2\n"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("connaisseur_requests_denied_total{timeout=\"true\"} 1\n"),
            std::string::npos);
  // The timeout's alert leaves in the background (its request's deadline had passed): wait for
  // it, bounded.
  for (int i = 0; i < 200 && AlertCount() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_EQ(AlertCount(), 3u) << "dry-run sent no alert; the timeout sent one";

  // /ready names the back-end that does not answer; /health is liveness only.
  auto ready = Get("/ready");
  ASSERT_THAT(ready, IsOk());
  EXPECT_EQ(ready->status, 503) << ready->body;
  EXPECT_NE(ready->body.find("\"slow-notary\""), std::string::npos) << ready->body;

  auto status = serve_->Terminate();
  ASSERT_THAT(status, IsOk());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status << Log();
  EXPECT_EQ(Log().find("s3cret"), std::string::npos) << "a header value reached the log";
}

// Runs `review` with `input` on stdin; returns the exit code and stdout.
std::pair<int, std::string> RunReview(const std::string& dir, const std::string& input) {
  const std::string in = dir + "/review.json", out = dir + "/review.out";
  EXPECT_THAT(testing::WriteFile(in, input), IsOk());
  int rc = std::system((std::string(CN_WEBHOOK_DRIVER) + " review --config " + dir +
                        "/values.yaml < " + in + " > " + out + " 2>/dev/null")
                           .c_str());
  auto text = testing::ReadFile(out);
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, text.ok() ? *text : ""};
}

TEST_F(WebhookE2eTest, ReviewPrintsTheSameResponseAndExits2OnInvalidInput) {
  auto [rc, out] = RunReview(dir_, PodReview({"nginx", "quay.io/x/y:1"}).dump());
  EXPECT_EQ(rc, 0) << out;
  json r = json::parse(out, nullptr, false);
  ASSERT_FALSE(r.is_discarded()) << out;
  EXPECT_EQ(r["response"]["allowed"], false);
  EXPECT_EQ(r["response"]["uid"], "uid-e2e");
  EXPECT_EQ(AlertCount(), 0u) << "review sends no alerts";
  for (const std::string& input : {std::string("nope"), std::string("{}")}) {
    EXPECT_EQ(RunReview(dir_, input).first, 2) << input;
  }
}

}  // namespace
}  // namespace connaisseur
