// FakeAws's SigV4 check is what makes the KMS client tests mean something: requests signed by
// libcurl with the right secret, region and clock pass; every other one gets AWS's 400.
#include "tests/runtime/aws/fake_aws.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/crypto/encoding.h"
#include "runtime/net/http_client.h"
#include "tests/runtime/aws/sigv4_check.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class FakeAwsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::GlobalInit();
    auto aws = FakeAws::Start();
    ASSERT_THAT(aws, IsOk());
    aws_ = std::move(aws).value();
    key_id_ = aws_->AddKey(crypto::KeyType::kEcdsaP256, "alias/cosign");
    auto http = net::HttpClient::Create({.extra_ca_pem = aws_->ca_pem()});
    ASSERT_THAT(http, IsOk());
    http_ = std::move(http).value();
  }

  // A GetPublicKey request for the key, signed by libcurl with `secret` for `region`.
  net::HttpRequest Request(const std::string& secret, const std::string& region) {
    net::HttpRequest r;
    r.method = "POST";
    r.url = aws_->kms_url() + "/";
    r.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "TrentService.GetPublicKey"}};
    r.body = "{\"KeyId\":\"alias/cosign\"}";
    r.deadline = Deadline::In(std::chrono::seconds(20));
    r.aws_sigv4 =
        net::AwsSigV4{"aws:amz:" + region + ":kms", aws_->options().access_key_id, secret};
    return r;
  }

  std::unique_ptr<FakeAws> aws_;
  std::unique_ptr<net::HttpClient> http_;
  std::string key_id_;
};

TEST_F(FakeAwsTest, AcceptsRequestSignedWithTheRightSecretRegionAndClock) {
  auto response = http_->Send(Request(aws_->options().secret_access_key, "us-east-1"));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_THAT(response->body, HasSubstr(aws_->KeyArn(key_id_)));
  EXPECT_THAT(aws_->rejections(), IsEmpty());
}

TEST_F(FakeAwsTest, RejectsWrongSecret) {
  auto response = http_->Send(Request("not-the-secret", "us-east-1"));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 400);
  EXPECT_THAT(response->body, HasSubstr("InvalidSignatureException"));
  EXPECT_THAT(response->body, HasSubstr("signature we calculated does not match"));
}

TEST_F(FakeAwsTest, RejectsWrongRegion) {
  auto response = http_->Send(Request(aws_->options().secret_access_key, "eu-west-1"));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 400);
  EXPECT_THAT(response->body, HasSubstr("Credential should be scoped to a valid region"));
}

TEST_F(FakeAwsTest, RejectsStaleDate) {
  net::HttpRequest r = Request(aws_->options().secret_access_key, "us-east-1");
  // libcurl signs with a date the caller sets; one from 2020 is long past AWS's 15 minutes.
  r.headers.emplace_back("X-Amz-Date", "20200101T000000Z");
  auto response = http_->Send(r);
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 400);
  EXPECT_THAT(response->body, HasSubstr("Signature expired"));
}

TEST_F(FakeAwsTest, RejectsUnknownAccessKeyAndUnsignedRequests) {
  net::HttpRequest r = Request(aws_->options().secret_access_key, "us-east-1");
  r.aws_sigv4->access_key_id = "AKIAUNKNOWN";
  auto unknown = http_->Send(r);
  ASSERT_THAT(unknown, IsOk());
  EXPECT_EQ(unknown->status, 400);
  EXPECT_THAT(unknown->body, HasSubstr("UnrecognizedClientException"));
  r.aws_sigv4.reset();
  auto unsigned_request = http_->Send(r);
  ASSERT_THAT(unsigned_request, IsOk());
  EXPECT_EQ(unsigned_request->status, 400);
  EXPECT_THAT(unsigned_request->body, HasSubstr("MissingAuthenticationTokenException"));
  EXPECT_EQ(aws_->get_public_key_calls(), 0u);
}

TEST_F(FakeAwsTest, RejectsRequestChangedAfterSigning) {
  // Capture what libcurl sends, check it as sent, then change one signed part at a time.
  TestRequest captured;
  auto recorder = TestHttpsServer::Start("", "", [&](const TestRequest& r) {
    captured = r;
    return TestResponse{};
  });
  ASSERT_THAT(recorder, IsOk());
  auto plain = net::HttpClient::Create({.allow_plain_http = true});
  ASSERT_THAT(plain, IsOk());
  net::HttpRequest r = Request(aws_->options().secret_access_key, "us-east-1");
  r.url = (*recorder)->url() + "/";
  r.headers.emplace_back("X-Amz-Security-Token", "session-token");
  ASSERT_THAT((*plain)->Send(r), IsOk());
  SigV4Expectation expect{"us-east-1", "kms", [&](std::string_view) {
                            return std::optional<std::string>(aws_->options().secret_access_key);
                          }};
  SigV4Result as_sent = CheckSigV4(captured, expect);
  EXPECT_FALSE(as_sent.rejection.has_value()) << as_sent.rejection->message;
  EXPECT_EQ(as_sent.access_key_id, aws_->options().access_key_id);

  TestRequest body = captured;
  body.body = "{\"KeyId\":\"alias/other\"}";
  TestRequest target = captured;
  for (auto& [name, value] : target.headers) {
    if (name == "x-amz-target") value = "TrentService.Sign";
  }
  TestRequest token = captured;
  for (auto& [name, value] : token.headers) {
    if (name == "x-amz-security-token") value = "another-session";
  }
  TestRequest path = captured;
  path.path = "/other";
  for (const TestRequest* changed : {&body, &target, &token, &path}) {
    SigV4Result result = CheckSigV4(*changed, expect);
    ASSERT_TRUE(result.rejection.has_value()) << changed->path << " " << changed->body;
    EXPECT_EQ(result.rejection->type, "InvalidSignatureException");
  }
}

TEST_F(FakeAwsTest, SigV4CheckMatchesTheDocumentedKeyDerivation) {
  // The AWS documentation's example of deriving a SigV4 signing key.
  EXPECT_EQ(crypto::HexEncode(SigV4SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                              "20120215", "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  // HMAC-SHA256 and SHA-256 against their well-known vectors.
  EXPECT_EQ(HmacSha256("key", "The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  EXPECT_EQ(Sha256HexOf(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_F(FakeAwsTest, StsIssuesSessionCredentialsForTheRightTokenAndRole) {
  net::HttpRequest r;
  r.method = "POST";
  r.url = aws_->sts_url() + "/";
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r.body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleSessionName=test&RoleArn=" +
           aws_->options().role_arn + "&WebIdentityToken=wrong";
  r.deadline = Deadline::In(std::chrono::seconds(20));
  auto wrong = http_->Send(r);
  ASSERT_THAT(wrong, IsOk());
  EXPECT_EQ(wrong->status, 400);
  EXPECT_THAT(wrong->body, HasSubstr("InvalidIdentityToken"));
  EXPECT_THAT(aws_->rejections(), Contains(HasSubstr("InvalidIdentityToken")));
}

}  // namespace
}  // namespace connaisseur::testing
