// KmsClient against FakeAws: settings from the URI and the environment, GetPublicKey by every
// key form, Sign, and each way a call can fail (wrong secret, wrong region, unknown key, an
// expired session, KMS down), each with a message naming the operation and KMS's error.
#include "runtime/aws/kms_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/public_key.h"
#include "tests/runtime/aws/fake_aws.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::aws {
namespace {

using testing::FakeAws;
using ::testing::HasSubstr;
using Variables = std::map<std::string, std::string, std::less<>>;

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

KmsKeyUri Uri(const std::string& text) {
  auto uri = ParseKmsKeyUri(text);
  EXPECT_THAT(uri, IsOk()) << text;
  return uri.ok() ? *uri : KmsKeyUri{};
}

TEST(KmsSettingsTest, RegionFromTheArnThenTheEnvironment) {
  const Variables keys = {{"AWS_ACCESS_KEY_ID", "AKIA1"}, {"AWS_SECRET_ACCESS_KEY", "s"}};
  auto with = [&](Variables extra) {
    extra.insert(keys.begin(), keys.end());
    return KmsClient::Options{MapEnvironment(std::move(extra)), nullptr};
  };
  const std::string arn =
      "awskms:///arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  auto from_arn = KmsClient::Create(Uri(arn), with({{"AWS_REGION", "us-west-2"}}));
  ASSERT_THAT(from_arn, IsOk());
  EXPECT_EQ((*from_arn)->region(), "eu-central-1");
  EXPECT_EQ((*from_arn)->endpoint_url(), "https://kms.eu-central-1.amazonaws.com");

  auto from_env = KmsClient::Create(
      Uri("awskms:///alias/k"), with({{"AWS_REGION", "us-west-2"}, {"AWS_DEFAULT_REGION", "x"}}));
  ASSERT_THAT(from_env, IsOk());
  EXPECT_EQ((*from_env)->region(), "us-west-2");
  auto from_default =
      KmsClient::Create(Uri("awskms:///alias/k"), with({{"AWS_DEFAULT_REGION", "ap-south-1"}}));
  ASSERT_THAT(from_default, IsOk());
  EXPECT_EQ((*from_default)->region(), "ap-south-1");

  EXPECT_THAT(KmsClient::Create(Uri("awskms:///alias/k"), with({})),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no AWS region")));
}

TEST(KmsSettingsTest, EndpointFromTheUriThenTheEnvironment) {
  const Variables base = {{"AWS_ACCESS_KEY_ID", "AKIA1"},
                          {"AWS_SECRET_ACCESS_KEY", "s"},
                          {"AWS_REGION", "us-east-1"},
                          {"AWS_ENDPOINT_URL", "https://all.local:1/"},
                          {"AWS_ENDPOINT_URL_KMS", "https://kms.local:2"}};
  auto create = [](const std::string& uri, Variables vars) {
    return KmsClient::Create(Uri(uri), {MapEnvironment(std::move(vars)), nullptr});
  };
  auto uri = create("awskms://localhost:4566/alias/k", base);
  ASSERT_THAT(uri, IsOk());
  EXPECT_EQ((*uri)->endpoint_url(), "https://localhost:4566");
  auto kms = create("awskms:///alias/k", base);
  ASSERT_THAT(kms, IsOk());
  EXPECT_EQ((*kms)->endpoint_url(), "https://kms.local:2");
  Variables no_kms = base;
  no_kms.erase("AWS_ENDPOINT_URL_KMS");
  auto all = create("awskms:///alias/k", no_kms);
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ((*all)->endpoint_url(), "https://all.local:1");
  no_kms["AWS_ENDPOINT_URL"] = "http://localstack:4566";
  EXPECT_THAT(create("awskms:///alias/k", no_kms),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("AWS_ENDPOINT_URL must be an https:// URL")));
}

TEST(KmsSettingsTest, MissingCredentialsAndUnreadableCaBundleFailAtCreate) {
  EXPECT_THAT(KmsClient::Create(Uri("awskms:///alias/k"),
                                {MapEnvironment({{"AWS_REGION", "us-east-1"}}), nullptr}),
              StatusIs(StatusCode::kNotFound, HasSubstr("no AWS credentials")));
  EXPECT_THAT(KmsClient::Create(Uri("awskms:///alias/k"),
                                {MapEnvironment({{"AWS_REGION", "us-east-1"},
                                                 {"AWS_ACCESS_KEY_ID", "AKIA1"},
                                                 {"AWS_SECRET_ACCESS_KEY", "s"},
                                                 {"AWS_CA_BUNDLE", "/nonexistent/ca.pem"}}),
                                 nullptr}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("AWS_CA_BUNDLE: cannot read")));
}

class KmsClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::GlobalInit();
    auto aws = FakeAws::Start();
    ASSERT_THAT(aws, IsOk());
    aws_ = std::move(aws).value();
    ec_key_ = aws_->AddKey(crypto::KeyType::kEcdsaP256, "alias/cosign");
    rsa_key_ = aws_->AddKey(crypto::KeyType::kRsa, "alias/rsa");
  }

  // The environment of a pod with static keys, KMS and STS at the fake, its CA trusted.
  Variables Env() const {
    return {{"AWS_ACCESS_KEY_ID", aws_->options().access_key_id},
            {"AWS_SECRET_ACCESS_KEY", aws_->options().secret_access_key},
            {"AWS_REGION", aws_->options().region},
            {"AWS_ENDPOINT_URL_KMS", aws_->kms_url()},
            {"AWS_ENDPOINT_URL_STS", aws_->sts_url()},
            {"AWS_CA_BUNDLE", aws_->ca_path()}};
  }

  std::unique_ptr<KmsClient> Client(const std::string& uri, Variables env) {
    auto client = KmsClient::Create(Uri(uri), {MapEnvironment(std::move(env)), nullptr});
    EXPECT_THAT(client, IsOk()) << uri;
    return client.ok() ? std::move(client).value() : nullptr;
  }
  std::unique_ptr<KmsClient> Client(const std::string& uri) { return Client(uri, Env()); }

  std::unique_ptr<FakeAws> aws_;
  std::string ec_key_, rsa_key_;
};

TEST_F(KmsClientTest, GetsThePublicKeyByEveryKeyForm) {
  const std::string forms[] = {
      "awskms:///" + ec_key_,
      "awskms:///alias/cosign",
      "awskms:///" + aws_->KeyArn(ec_key_),
      "awskms:///" + aws_->AliasArn("alias/cosign"),
  };
  auto expected = crypto::PublicKey::FromPem(aws_->PublicPem(ec_key_));
  ASSERT_THAT(expected, IsOk());
  for (const std::string& uri : forms) {
    auto client = Client(uri);
    ASSERT_NE(client, nullptr);
    auto key = client->GetPublicKey(Soon());
    ASSERT_THAT(key, IsOk()) << uri;
    EXPECT_EQ(key->spki_der, expected->spki_der()) << uri;
    EXPECT_EQ(key->key_arn, aws_->KeyArn(ec_key_)) << uri;
    EXPECT_EQ(key->key_spec, "ECC_NIST_P256") << uri;
    EXPECT_EQ(key->key_usage, "SIGN_VERIFY") << uri;
    EXPECT_EQ(key->signing_algorithms, std::vector<std::string>{"ECDSA_SHA_256"}) << uri;
  }
  EXPECT_EQ(aws_->get_public_key_calls(), 4u);
  EXPECT_THAT(aws_->rejections(), ::testing::IsEmpty());
}

TEST_F(KmsClientTest, EndpointInTheUriWins) {
  Variables env = Env();
  env["AWS_ENDPOINT_URL_KMS"] = "https://127.0.0.1:1";  // nothing listens there
  auto client =
      Client("awskms://127.0.0.1:" + std::to_string(aws_->kms_port()) + "/alias/cosign", env);
  ASSERT_NE(client, nullptr);
  EXPECT_THAT(client->GetPublicKey(Soon()), IsOk());
}

TEST_F(KmsClientTest, SignsDigestsThatVerifyWithThePublicKey) {
  const std::string message = "payload";
  const auto digest = crypto::Sha256(message);
  const std::string digest_bytes(reinterpret_cast<const char*>(digest.data()), digest.size());
  struct Case {
    std::string uri, key_id, algorithm;
    crypto::SignatureScheme scheme;
  };
  const Case cases[] = {
      {"awskms:///alias/cosign", ec_key_, "ECDSA_SHA_256", crypto::SignatureScheme::kEcdsaDer},
      {"awskms:///alias/rsa", rsa_key_, "RSASSA_PKCS1_V1_5_SHA_256",
       crypto::SignatureScheme::kRsaPkcs1Sha256},
      {"awskms:///alias/rsa", rsa_key_, "RSASSA_PSS_SHA_256",
       crypto::SignatureScheme::kRsaPssSha256},
  };
  for (const Case& c : cases) {
    auto signature = Client(c.uri)->Sign(digest_bytes, c.algorithm, Soon());
    ASSERT_THAT(signature, IsOk()) << c.algorithm;
    auto key = crypto::PublicKey::FromPem(aws_->PublicPem(c.key_id));
    ASSERT_THAT(key, IsOk());
    EXPECT_THAT(key->Verify(message, *signature, c.scheme), IsOk()) << c.algorithm;
    EXPECT_THAT(key->Verify("other", *signature, c.scheme), ::testing::Not(IsOk())) << c.algorithm;
  }
  EXPECT_THAT(Client("awskms:///alias/cosign")->Sign(digest_bytes, "RSASSA_PSS_SHA_256", Soon()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("InvalidKeyUsageException")));
}

TEST_F(KmsClientTest, WrongSecretIsDeniedWithKmsMessage) {
  Variables env = Env();
  env["AWS_SECRET_ACCESS_KEY"] = "wrong";
  auto key = Client("awskms:///alias/cosign", env)->GetPublicKey(Soon());
  EXPECT_THAT(key, StatusIs(StatusCode::kPermissionDenied,
                            HasSubstr("KMS GetPublicKey at " + aws_->kms_url() +
                                      ": HTTP 400 InvalidSignatureException: The request "
                                      "signature we calculated does not match")));
  EXPECT_THAT(key.status().message(), ::testing::Not(HasSubstr("wrong")));
}

TEST_F(KmsClientTest, WrongRegionIsDenied) {
  // The key ARN names eu-west-1; the fake serves us-east-1 (so would the real one at this URL).
  const std::string arn =
      "awskms:///arn:aws:kms:eu-west-1:" + aws_->options().account + ":key/" + ec_key_;
  EXPECT_THAT(Client(arn)->GetPublicKey(Soon()),
              StatusIs(StatusCode::kPermissionDenied,
                       HasSubstr("InvalidSignatureException: Credential should be scoped to a "
                                 "valid region, not 'eu-west-1'")));
}

TEST_F(KmsClientTest, UnknownKeyIsNotFound) {
  EXPECT_THAT(Client("awskms:///alias/missing")->GetPublicKey(Soon()),
              StatusIs(StatusCode::kNotFound,
                       HasSubstr("NotFoundException: Key 'alias/missing' does not exist")));
}

TEST_F(KmsClientTest, KmsDownOrFailingIsUnavailable) {
  Variables env = Env();
  env["AWS_ENDPOINT_URL_KMS"] = "https://127.0.0.1:1";
  EXPECT_THAT(
      Client("awskms:///alias/cosign", env)->GetPublicKey(Soon()),
      StatusIs(StatusCode::kUnavailable, HasSubstr("KMS GetPublicKey: POST https://127.0.0.1:1/")));
  aws_->FailKmsWith(503);
  EXPECT_THAT(Client("awskms:///alias/cosign")->GetPublicKey(Soon()),
              StatusIs(StatusCode::kUnavailable, HasSubstr("HTTP 503 KMSInternalException")));
}

TEST_F(KmsClientTest, UntrustedKmsCertificateIsRefused) {
  Variables env = Env();
  env.erase("AWS_CA_BUNDLE");
  EXPECT_THAT(Client("awskms:///alias/cosign", env)->GetPublicKey(Soon()),
              StatusIs(StatusCode::kUnavailable, HasSubstr("KMS GetPublicKey")));
  EXPECT_EQ(aws_->get_public_key_calls(), 0u);
}

TEST_F(KmsClientTest, WebIdentitySessionSignsWithItsTokenUntilItExpires) {
  auto dir = testing::MakeTempDir("cn-kms-irsa");
  ASSERT_THAT(dir, IsOk());
  ASSERT_THAT(testing::WriteFile(*dir + "/token", aws_->options().web_identity_token), IsOk());
  Variables env = Env();
  env.erase("AWS_ACCESS_KEY_ID");
  env.erase("AWS_SECRET_ACCESS_KEY");
  env["AWS_WEB_IDENTITY_TOKEN_FILE"] = *dir + "/token";
  env["AWS_ROLE_ARN"] = aws_->options().role_arn;
  env["AWS_ROLE_SESSION_NAME"] = "connaisseur-test";
  auto client = Client("awskms:///alias/cosign", env);
  ASSERT_THAT(client->GetPublicKey(Soon()), IsOk());
  ASSERT_THAT(client->GetPublicKey(Soon()), IsOk());
  EXPECT_EQ(aws_->sts_calls(), 1u);
  EXPECT_EQ(aws_->get_public_key_calls(), 2u);
  // AWS revokes the session early (it "expires" at the fake): KMS says so, and the message
  // carries it. (The client only exchanges again once its own clock says the session ends.)
  aws_->ExpireSessions();
  EXPECT_THAT(client->GetPublicKey(Soon()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("ExpiredTokenException")));
  std::error_code ignored;
  std::filesystem::remove_all(*dir, ignored);
}

}  // namespace
}  // namespace connaisseur::aws
