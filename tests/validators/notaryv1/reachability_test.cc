// CheckReachable: the notary host's health endpoint through the validator's TLS settings, with
// the registry-style /v2/ as the fallback when the health path is unknown.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/validators/notaryv1/notary_fixture.h"

namespace connaisseur::notaryv1 {
namespace {

constexpr char kHealthPath[] = "/_notary_server/health";

Deadline Soon() { return Deadline::In(std::chrono::seconds(10)); }

TEST_F(NotaryV1ValidatorTest, IsReachableWhenTheHealthEndpointOrTheV2BaseAnswers) {
  struct Case {
    std::string name;
    std::map<std::string, std::string> paths;  // path → body answered with 200
    std::string challenge;                     // non-empty: every other path answers 401
  };
  const std::vector<Case> cases = {
      {"health endpoint", {{kHealthPath, "{}"}}, ""},
      {"no health endpoint, /v2/ answers", {{"/v2/", "{}"}}, ""},
      {"every path wants a token", {}, "Bearer realm=\"https://auth/token\""},
  };
  for (const Case& c : cases) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      files_ = c.paths;
      challenge_ = c.challenge;
    }
    EXPECT_THAT(Validator()->CheckReachable(Soon()), IsOk()) << c.name;
  }
}

TEST_F(NotaryV1ValidatorTest, IsUnreachableNamingTheHostOtherwise) {
  const std::string host = server_->url();
  struct Case {
    std::string name;
    std::function<void()> arrange;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {"health answers 500", [&] { status_override_ = 500; }, StatusCode::kUnavailable},
      {"health and /v2/ answer 404", [] {}, StatusCode::kUnavailable},
      {"health answers 403", [&] { status_override_ = 403; }, StatusCode::kUnavailable},
      {"health answers 503",
       [&] {
         status_override_ = 503;
         files_[kHealthPath] = "{}";
       },
       StatusCode::kUnavailable},
  };
  for (const Case& c : cases) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      files_.clear();
      status_override_ = 0;
      c.arrange();
    }
    EXPECT_THAT(Validator()->CheckReachable(Soon()), StatusIs(c.code, HasSubstr(host))) << c.name;
  }
}

TEST_F(NotaryV1ValidatorTest, IsUnreachableWithAnotherCaASlowServerOrNoServer) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    files_[kHealthPath] = "{}";
  }
  const std::string host = server_->url();
  auto other = TestCa::Create();
  ASSERT_THAT(other, IsOk());
  auto wrong_ca = Config();
  wrong_ca.cert = (*other)->ca_cert_pem();
  EXPECT_THAT(Validator(wrong_ca)->CheckReachable(Soon()),
              StatusIs(StatusCode::kUnavailable, HasSubstr(host)))
      << "a CA that did not sign the server";

  delay_ = std::chrono::seconds(30);
  auto slow = Validator(Config(), {.request_timeout = std::chrono::milliseconds(300)});
  EXPECT_THAT(slow->CheckReachable(Soon()),
              StatusIs(StatusCode::kDeadlineExceeded, HasSubstr(host)))
      << "past the request timeout";
  EXPECT_THAT(Validator()->CheckReachable(Deadline::In(std::chrono::milliseconds(300))),
              StatusIs(StatusCode::kDeadlineExceeded, HasSubstr(host)))
      << "past the caller's deadline";
  delay_ = std::chrono::milliseconds(0);

  auto validator = Validator();
  ASSERT_THAT(validator->CheckReachable(Soon()), IsOk());
  server_.reset();
  EXPECT_THAT(validator->CheckReachable(Soon()),
              StatusIs(StatusCode::kUnavailable, HasSubstr(host)))
      << "the same validator once the server is gone";
}

}  // namespace
}  // namespace connaisseur::notaryv1
