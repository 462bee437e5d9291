// WebhookEndpoints: routes and the plain-text error answers of docs/operations.md.
#include "runtime/admission/webhook_endpoints.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/metrics/webhook_metrics.h"
#include "tests/runtime/admission/admission_fixtures.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::admission {
namespace {

using testing::MakeRule;

class WebhookEndpointsTest : public ::testing::Test {
 protected:
  WebhookEndpointsTest()
      : config_(testing::MakeConfig()),
        verified_({}),
        reviewer_({&config_, &verifier_, &verified_, &metrics_, &logger_}, nullptr),
        runners_([] {
          return StatusOr<std::unique_ptr<PolicyRunner>>(
              std::make_unique<testing::FirstMatchPolicy>(
                  std::vector<config::Rule>{MakeRule("*", "allow")}));
        }),
        endpoints_({&reviewer_, &runners_, &metrics_, &ready_, &logger_, {}}) {
    metrics::DescribeWebhookMetrics(metrics_);
  }

  config::Config config_;
  testing::TableVerifier verifier_;
  VerifiedDigests verified_;
  metrics::Registry metrics_;
  log::NullLogger logger_;
  Reviewer reviewer_;
  RunnerPool runners_;
  std::atomic<bool> ready_{false};
  WebhookEndpoints endpoints_;
};

TEST_F(WebhookEndpointsTest, AnswersErrorsInPlainText) {
  const std::string review = testing::PodReview({"nginx"}).dump();
  struct Case {
    http::Request request;
    int status;
    std::string body;
  } cases[] = {
      {{"GET", "/mutate", "", ""}, 405, "Method not allowed.: GET"},
      {{"PUT", "/mutate", "application/json", review}, 405, "Method not allowed.: PUT"},
      {{"DELETE", "/mutate", "", ""}, 405, "Method not allowed.: DELETE"},
      {{"POST", "/mutate", "text/plain", review},
       400,
       "wrong content type: expected json, got text/plain"},
      {{"POST", "/mutate", "application/json; charset=iso-8859-1", review},
       400,
       "wrong content type: JSON must be UTF-8, got charset iso-8859-1"},
      {{"POST", "/mutate", "application/jsonx", review},
       400,
       "wrong content type: expected json, got application/jsonx"},
      {{"POST", "/mutate", "application/json", "{}"},
       400,
       "received invalid json: expected a non-empty JSON object"},
      {{"POST", "/mutate", "application/json",
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}"},
       400,
       "received empty admission request"},
      {{"POST", "/health", "", ""}, 405, "Method not allowed."},
      {{"GET", "/health", "", ""}, 200, ""},
      {{"GET", "/ready", "", ""}, 503, "not ready: loading"},
      {{"GET", "/nope", "", ""}, 404, "not found"},
  };
  for (const Case& c : cases) {
    http::Response r = endpoints_.Handle(c.request);
    EXPECT_EQ(r.status, c.status) << c.request.method << " " << c.request.path << " "
                                  << c.request.body;
    EXPECT_EQ(r.body, c.body) << c.request.method << " " << c.request.path;
  }
}

TEST(JsonContentTypeTest, AcceptsJsonWithParametersAndOnlyTheUtf8Charset) {
  const char* accept[] = {"application/json", "application/json; charset=utf-8",
                          "Application/JSON;charset=UTF-8", "application/json ; charset=\"utf-8\"",
                          "application/json; foo=bar"};
  for (const char* ct : accept) EXPECT_THAT(CheckJsonContentType(ct), IsOk()) << ct;
  const char* reject[] = {"",
                          "text/json",
                          "application/json-patch+json",
                          "application/json; charset=latin1",
                          "application/json; charset=utf-16",
                          "application/json; charset="};
  for (const char* ct : reject) {
    EXPECT_THAT(CheckJsonContentType(ct),
                StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("wrong content type")))
        << ct;
  }
}

TEST_F(WebhookEndpointsTest, ReadyOnceLoadedAndMutateAnswersJsonReusingRunners) {
  ready_ = true;
  EXPECT_EQ(endpoints_.Handle({"GET", "/ready", "", ""}).status, 200);
  for (int i = 0; i < 3; ++i) {
    http::Response r = endpoints_.Handle(
        {"POST", "/mutate", "application/json", testing::PodReview({"nginx"}).dump()});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(nlohmann::json::parse(r.body)["response"]["allowed"], true) << r.body;
  }
  EXPECT_EQ(runners_.idle(), 1u);
  http::Response m = endpoints_.Handle({"GET", "/metrics", "", ""});
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("connaisseur_requests_total 3\n"), std::string::npos) << m.body;
}

TEST_F(WebhookEndpointsTest, ReadyAsksTheBackendsOnceLoadedAndNamesTheUnreachableOne) {
  EndpointOptions options{&reviewer_, &runners_, &metrics_,  &ready_,
                          &logger_,   {},        &verifier_, std::chrono::milliseconds(1500)};
  WebhookEndpoints endpoints(options);
  const std::string down = "validator \"notary\": cannot connect to https://notary.local:4443";
  struct Case {
    bool loaded;
    Status backends;
    std::string path;
    int status;
    std::string body;
    int checks;  // CheckBackends calls this probe makes
  } cases[] = {
      {false, Status(), "/ready", 503, "not ready: loading", 0},
      {true, Status(), "/ready", 200, "", 1},
      {true, UnavailableError(down), "/ready", 503, "not ready: " + down, 1},
      {true, DeadlineExceededError("validator \"notary\": no answer"), "/ready", 503,
       "not ready: validator \"notary\": no answer", 1},
      {true, UnavailableError(down), "/health", 200, "", 0},  // liveness only
      {false, UnavailableError(down), "/health", 200, "", 0},
  };
  for (const Case& c : cases) {
    ready_ = c.loaded;
    verifier_.backends = c.backends;
    const int before = verifier_.backend_checks;
    http::Response r = endpoints.Handle({"GET", c.path, "", ""});
    EXPECT_EQ(r.status, c.status) << c.path << " loaded=" << c.loaded << " "
                                  << c.backends.ToString();
    EXPECT_EQ(r.body, c.body) << c.path << " loaded=" << c.loaded << " " << c.backends.ToString();
    EXPECT_EQ(verifier_.backend_checks - before, c.checks)
        << c.path << " " << c.backends.ToString();
  }
  EXPECT_FALSE(verifier_.last_backend_deadline.infinite());
  EXPECT_LE(verifier_.last_backend_deadline.remaining(), std::chrono::milliseconds(1500));
}

}  // namespace
}  // namespace connaisseur::admission
