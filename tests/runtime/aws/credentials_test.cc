// The AWS credential chain (environment, then web identity through STS) and STS's XML answers.
#include "runtime/aws/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "runtime/aws/sts.h"
#include "tests/runtime/aws/fake_aws.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::aws {
namespace {

using testing::FakeAws;
using ::testing::HasSubstr;
using Clock = std::chrono::system_clock;

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

TEST(CredentialsChainTest, EnvironmentKeysComeFirst) {
  auto env = MapEnvironment({{"AWS_ACCESS_KEY_ID", "AKIA1"},
                             {"AWS_SECRET_ACCESS_KEY", "s3cret"},
                             {"AWS_SESSION_TOKEN", "tok"},
                             {"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent"},
                             {"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"}});
  auto chain = DefaultCredentialsChain(env, {"us-east-1", nullptr, nullptr});
  ASSERT_THAT(chain, IsOk());
  EXPECT_EQ((*chain)->Describe(), "environment");
  auto creds = (*chain)->Get(Soon());
  ASSERT_THAT(creds, IsOk());
  EXPECT_EQ(creds->access_key_id, "AKIA1");
  EXPECT_EQ(creds->secret_access_key, "s3cret");
  EXPECT_EQ(creds->session_token, "tok");
  EXPECT_FALSE(creds->expiration.has_value());
}

TEST(CredentialsChainTest, WebIdentityWhenNoKeysAreSet) {
  auto env = MapEnvironment({{"AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"},
                             {"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"},
                             {"AWS_ACCESS_KEY_ID", ""}});  // empty counts as unset
  auto chain = DefaultCredentialsChain(env, {"us-east-1", nullptr, nullptr});
  ASSERT_THAT(chain, IsOk());
  EXPECT_EQ((*chain)->Describe(), "web identity (role arn:aws:iam::1:role/r)");
}

TEST(CredentialsChainTest, RefusesHalfSetPairsAndNamesTheMissingVariable) {
  const std::pair<std::map<std::string, std::string, std::less<>>, std::string> cases[] = {
      {{{"AWS_ACCESS_KEY_ID", "AKIA1"}}, "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY"},
      {{{"AWS_SECRET_ACCESS_KEY", "s"}}, "AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID"},
      {{{"AWS_ROLE_ARN", "arn"}}, "AWS_ROLE_ARN is set without AWS_WEB_IDENTITY_TOKEN_FILE"},
      {{{"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"}},
       "AWS_WEB_IDENTITY_TOKEN_FILE is set without AWS_ROLE_ARN"},
  };
  for (const auto& [vars, message] : cases) {
    EXPECT_THAT(DefaultCredentialsChain(MapEnvironment(vars), {"us-east-1", nullptr, nullptr}),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(message)))
        << message;
  }
}

TEST(CredentialsChainTest, NoCredentialsNamesWhatToSet) {
  EXPECT_THAT(DefaultCredentialsChain(MapEnvironment({}), {"us-east-1", nullptr, nullptr}),
              StatusIs(StatusCode::kNotFound,
                       HasSubstr("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or (IRSA) "
                                 "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN")));
}

TEST(CredentialsChainTest, StsEndpointFromEnvironmentOrRegion) {
  EXPECT_EQ(StsUrl(MapEnvironment({}), "eu-west-1"), "https://sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(StsUrl(MapEnvironment({}), ""), "https://sts.amazonaws.com");
  EXPECT_EQ(StsUrl(MapEnvironment({{"AWS_ENDPOINT_URL", "https://local:1/"}}), "eu-west-1"),
            "https://local:1");
  EXPECT_EQ(StsUrl(MapEnvironment({{"AWS_ENDPOINT_URL", "https://local:1"},
                                   {"AWS_ENDPOINT_URL_STS", "https://sts.local:2"}}),
                   "eu-west-1"),
            "https://sts.local:2");
}

class WebIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::GlobalInit();
    auto aws = FakeAws::Start();
    ASSERT_THAT(aws, IsOk());
    aws_ = std::move(aws).value();
    auto http = net::HttpClient::Create({.extra_ca_pem = aws_->ca_pem()});
    ASSERT_THAT(http, IsOk());
    http_ = std::move(http).value();
    auto dir = testing::MakeTempDir("cn-aws-token");
    ASSERT_THAT(dir, IsOk());
    dir_ = *dir;
    token_file_ = dir_ + "/token";
    ASSERT_THAT(testing::WriteFile(token_file_, aws_->options().web_identity_token + "\n"), IsOk());
  }

  void TearDown() override {
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  std::unique_ptr<WebIdentityCredentials> Provider(std::string role_arn = "") {
    WebIdentityCredentials::Options options;
    options.token_file = token_file_;
    options.role_arn = role_arn.empty() ? aws_->options().role_arn : role_arn;
    options.sts_url = aws_->sts_url();
    options.http = http_;
    options.now = [this] { return now_; };
    return std::make_unique<WebIdentityCredentials>(std::move(options));
  }

  std::unique_ptr<FakeAws> aws_;
  std::shared_ptr<const net::HttpClient> http_;
  std::string dir_, token_file_;
  Clock::time_point now_ = Clock::now();
};

TEST_F(WebIdentityTest, ExchangesTheTokenAtStsAndCachesTheSession) {
  auto provider = Provider();
  auto first = provider->Get(Soon());
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(first->access_key_id, ::testing::StartsWith("ASIA"));
  EXPECT_FALSE(first->secret_access_key.empty());
  EXPECT_FALSE(first->session_token.empty());
  ASSERT_TRUE(first->expiration.has_value());
  EXPECT_NEAR(
      std::chrono::duration_cast<std::chrono::seconds>(*first->expiration - Clock::now()).count(),
      3600, 5);
  auto again = provider->Get(Soon());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->access_key_id, first->access_key_id);
  EXPECT_EQ(aws_->sts_calls(), 1u);
}

TEST_F(WebIdentityTest, RefreshesBeforeExpiryAndRereadsTheTokenFile) {
  auto provider = Provider();
  auto first = provider->Get(Soon());
  ASSERT_THAT(first, IsOk());
  now_ = *first->expiration - std::chrono::minutes(10);  // outside the 5-minute margin
  ASSERT_THAT(provider->Get(Soon()), IsOk());
  EXPECT_EQ(aws_->sts_calls(), 1u);
  now_ = *first->expiration - std::chrono::minutes(4);  // inside it: exchange again
  auto refreshed = provider->Get(Soon());
  ASSERT_THAT(refreshed, IsOk());
  EXPECT_EQ(aws_->sts_calls(), 2u);
  EXPECT_NE(refreshed->access_key_id, first->access_key_id);

  // The kubelet rotated the token to one STS does not accept: the refresh fails, and since the
  // cached session expired, so does Get, naming STS's error and the role but not the token.
  ASSERT_THAT(testing::WriteFile(token_file_, "rotated-but-wrong"), IsOk());
  now_ = *refreshed->expiration + std::chrono::seconds(1);
  auto failed = provider->Get(Soon());
  EXPECT_THAT(failed, StatusIs(StatusCode::kPermissionDenied,
                               HasSubstr("InvalidIdentityToken: Couldn't verify")));
  EXPECT_THAT(failed.status().message(), HasSubstr(aws_->options().role_arn));
  EXPECT_THAT(failed.status().message(), ::testing::Not(HasSubstr("rotated-but-wrong")));
}

TEST_F(WebIdentityTest, KeepsUnexpiredSessionWhenTheRefreshFails) {
  auto provider = Provider();
  auto first = provider->Get(Soon());
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(testing::WriteFile(token_file_, "wrong"), IsOk());
  now_ = *first->expiration - std::chrono::minutes(1);
  auto kept = provider->Get(Soon());
  ASSERT_THAT(kept, IsOk());
  EXPECT_EQ(kept->access_key_id, first->access_key_id);
  EXPECT_EQ(aws_->sts_calls(), 2u) << "the refresh was tried";
}

TEST_F(WebIdentityTest, WrongRoleAndMissingTokenFileAreErrors) {
  EXPECT_THAT(Provider("arn:aws:iam::111122223333:role/other")->Get(Soon()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("HTTP 403 AccessDenied")));
  token_file_ += ".missing";
  EXPECT_THAT(Provider()->Get(Soon()),
              StatusIs(StatusCode::kUnavailable, HasSubstr("cannot read the web identity token")));
}

TEST_F(WebIdentityTest, StsDownIsUnavailable) {
  WebIdentityCredentials::Options options;
  options.token_file = token_file_;
  options.role_arn = aws_->options().role_arn;
  options.sts_url = "https://127.0.0.1:1";
  options.http = http_;
  EXPECT_THAT(WebIdentityCredentials(std::move(options)).Get(Soon()),
              StatusIs(StatusCode::kUnavailable, HasSubstr("STS AssumeRoleWithWebIdentity")));
}

TEST(StsResponseTest, ParsesCredentialsAndRefusesMalformedAnswers) {
  const std::string good =
      "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
      "<SessionToken>a+b/c=&amp;</SessionToken><SecretAccessKey>sk</SecretAccessKey>"
      "<Expiration>2030-01-02T03:04:05Z</Expiration><AccessKeyId>ASIA1</AccessKeyId>"
      "</Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
  auto parsed = ParseAssumeRoleWithWebIdentityResponse(good);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->access_key_id, "ASIA1");
  EXPECT_EQ(parsed->secret_access_key, "sk");
  EXPECT_EQ(parsed->session_token, "a+b/c=&");
  EXPECT_EQ(Clock::to_time_t(*parsed->expiration), 1893553445);

  auto replace = [&](const std::string& from, const std::string& to) {
    std::string xml = good;
    xml.replace(xml.find(from), from.size(), to);
    return xml;
  };
  const std::string bad[] = {
      "",
      "<ErrorResponse/>",
      replace("<AccessKeyId>ASIA1</AccessKeyId>", ""),
      replace("<SecretAccessKey>sk</SecretAccessKey>", "<SecretAccessKey></SecretAccessKey>"),
      replace("sk</Secret", "s<b>k</b></Secret"),
      replace("&amp;", "&unknown;"),
      replace("2030-01-02T03:04:05Z", "tomorrow"),
      replace("2030-01-02T03:04:05Z", "2030-13-02T03:04:05Z"),
      replace("<AccessKeyId>ASIA1</AccessKeyId>",
              "<AccessKeyId>ASIA1</AccessKeyId><AccessKeyId>ASIA2</AccessKeyId>"),
      replace("</Credentials>", "</Credentials><Credentials></Credentials>"),
  };
  for (const std::string& xml : bad) {
    EXPECT_THAT(ParseAssumeRoleWithWebIdentityResponse(xml),
                StatusIs(StatusCode::kInvalidArgument, ::testing::_))
        << xml;
  }
}

TEST(StsResponseTest, SummarisesErrorResponses) {
  EXPECT_EQ(StsErrorSummary("<ErrorResponse><Error><Code>ExpiredTokenException</Code><Message>"
                            "Token expired: current date/time 1 &gt; 0</Message></Error>"
                            "</ErrorResponse>"),
            "ExpiredTokenException: Token expired: current date/time 1 > 0");
  EXPECT_EQ(StsErrorSummary("not xml"), "");
}

TEST(StsResponseTest, ParsesIso8601UtcTimes) {
  EXPECT_EQ(Clock::to_time_t(*ParseIso8601Utc("1970-01-01T00:00:00Z")), 0);
  EXPECT_EQ(Clock::to_time_t(*ParseIso8601Utc("2019-11-09T13:34:41.123Z")), 1573306481);
  for (const char* bad :
       {"", "2019-11-09 13:34:41Z", "2019-11-09T13:34:41", "2019-11-09T25:00:00Z",
        "2019-11-09T13:34:41.Z", "2019-11-09T13:34:41+01:00", "x019-11-09T13:34:41Z"}) {
    EXPECT_THAT(ParseIso8601Utc(bad), StatusIs(StatusCode::kInvalidArgument, ::testing::_)) << bad;
  }
}

// Found by tests/fuzz/key_service_fuzz.cc: year 1013 overflowed system_clock's nanoseconds.
TEST(StsResponseTest, RefusesYearsSystemClockCannotHold) {
  EXPECT_EQ(Clock::to_time_t(*ParseIso8601Utc("2200-12-31T23:59:59Z")), 7289654399);
  for (const char* far : {"1013-12-03T18:00:00Z", "1969-12-31T23:59:59Z", "2201-01-01T00:00:00Z",
                          "9999-12-31T23:59:59Z"}) {
    EXPECT_THAT(ParseIso8601Utc(far), StatusIs(StatusCode::kInvalidArgument, HasSubstr("years")))
        << far;
  }
}

}  // namespace
}  // namespace connaisseur::aws
