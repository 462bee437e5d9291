// The cosign validator's AWS KMS trust roots against FakeAws, without a registry: keys come from
// KMS (and are fetched before any registry request), a KMS that cannot be reached denies and
// fails CheckReachable (what /ready asks) naming the root and the KMS failure, malformed
// references (awskms:// and hashivault://) fail at load, and the other KMS schemes keep denying
// as unsupported (Vault keys against a registry: cosign_vault_registry_test.cc). The signer
// side (KmsPayloadSigner) picks the algorithm the key offers. Signing and verifying through a
// real registry: tests/integration/registry/cosign_kms_registry_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/public_key.h"
#include "tests/runtime/aws/fake_aws.h"
#include "tests/testing/status_matchers.h"
#include "validators/cosign/cosign_validator.h"
#include "validators/cosign/kms_keys.h"

namespace connaisseur::cosign {
namespace {

using testing::FakeAws;
using ::testing::HasSubstr;

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

image::ImageReference Ref(const std::string& text) {
  auto r = image::ImageReference::Parse(text);
  EXPECT_THAT(r, IsOk()) << text;
  return std::move(r).value();
}

config::RuleOptions Rule(std::string root) {
  config::RuleOptions o;
  o.trust_root = std::move(root);
  o.verify_in_transparency_log = false;
  return o;
}

class KmsTrustRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::GlobalInit();
    auto aws = FakeAws::Start();
    ASSERT_THAT(aws, IsOk());
    aws_ = std::move(aws).value();
    key_id_ = aws_->AddKey(crypto::KeyType::kEcdsaP256, "alias/cosign");
  }

  KmsSettings Settings(std::map<std::string, std::string, std::less<>> overrides = {}) const {
    std::map<std::string, std::string, std::less<>> env = {
        {"AWS_ACCESS_KEY_ID", aws_->options().access_key_id},
        {"AWS_SECRET_ACCESS_KEY", aws_->options().secret_access_key},
        {"AWS_REGION", aws_->options().region},
        {"AWS_ENDPOINT_URL_KMS", aws_->kms_url()},
        {"AWS_CA_BUNDLE", aws_->ca_path()}};
    for (auto& [k, v] : overrides) env[k] = v;
    KmsSettings settings;
    settings.aws_env = aws::MapEnvironment(std::move(env));
    return settings;
  }

  StatusOr<std::unique_ptr<CosignValidator>> Validator(
      const std::vector<std::pair<std::string, std::string>>& roots, KmsSettings settings) {
    config::ValidatorConfig config;
    config.name = "kms";
    config.type = config::ValidatorType::kCosign;
    for (const auto& [name, key] : roots) {
      config::TrustRoot tr;
      tr.name = name;
      tr.key = key;
      config.trust_roots.push_back(tr);
    }
    CosignValidator::Options options;
    options.plain_http = true;
    options.kms = std::move(settings);
    return CosignValidator::Create(config, std::move(options));
  }

  std::unique_ptr<FakeAws> aws_;
  std::string key_id_;
};

TEST_F(KmsTrustRootTest, LoadingTouchesNoKmsAndReadinessFetchesTheKey) {
  auto v = Validator({{"default", "awskms:///alias/cosign"}}, Settings());
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(aws_->get_public_key_calls(), 0u);
  EXPECT_THAT((*v)->CheckReachable(Soon()), IsOk());
  EXPECT_EQ(aws_->get_public_key_calls(), 1u);
  EXPECT_THAT((*v)->CheckReachable(Soon()), IsOk());
  EXPECT_EQ(aws_->get_public_key_calls(), 1u) << "the key is cached";
}

TEST_F(KmsTrustRootTest, KmsDownFailsReadinessAndDeniesNamingTheKeyAndTheFailure) {
  auto settings = Settings({{"AWS_ENDPOINT_URL_KMS", "https://127.0.0.1:1"}});
  auto v = Validator({{"default", "awskms:///alias/cosign"}}, settings);
  ASSERT_THAT(v, IsOk());
  EXPECT_THAT((*v)->CheckReachable(Soon()),
              StatusIs(StatusCode::kUnavailable,
                       HasSubstr("trust root default: AWS KMS key awskms:///alias/cosign: KMS "
                                 "GetPublicKey: POST https://127.0.0.1:1/")));
  // The key is asked for before the registry, which does not exist either.
  EXPECT_THAT((*v)->Verify(Ref("127.0.0.1:1/team/app:v1"), Rule(""), Soon()),
              StatusIs(StatusCode::kUnavailable,
                       HasSubstr("trust root default: AWS KMS key awskms:///alias/cosign")));
}

TEST_F(KmsTrustRootTest, KmsRefusalDeniesWithKmsMessage) {
  auto wrong_secret = Validator({{"default", "awskms:///alias/cosign"}},
                                Settings({{"AWS_SECRET_ACCESS_KEY", "wrong"}}));
  ASSERT_THAT(wrong_secret, IsOk());
  EXPECT_THAT((*wrong_secret)->Verify(Ref("127.0.0.1:1/team/app:v1"), Rule(""), Soon()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("InvalidSignatureException")));
  auto missing = Validator({{"default", "awskms:///alias/missing"}}, Settings());
  ASSERT_THAT(missing, IsOk());
  EXPECT_THAT((*missing)->Verify(Ref("127.0.0.1:1/team/app:v1"), Rule(""), Soon()),
              StatusIs(StatusCode::kNotFound, HasSubstr("NotFoundException")));
  auto no_credentials =
      Validator({{"default", "awskms:///alias/cosign"}},
                Settings({{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}}));
  ASSERT_THAT(no_credentials, IsOk()) << "credentials are looked for when the key is needed";
  EXPECT_THAT((*no_credentials)->CheckReachable(Soon()),
              StatusIs(StatusCode::kNotFound,
                       HasSubstr("AWS KMS key awskms:///alias/cosign: no AWS credentials")));
}

TEST_F(KmsTrustRootTest, OnlyConsultedRootsAreAskedButReadinessAsksEveryKmsRoot) {
  auto pem = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(pem, IsOk());
  auto v = Validator({{"local", pem->PublicPem()}, {"kms", "awskms:///alias/missing"}}, Settings());
  ASSERT_THAT(v, IsOk());
  // A rule naming the PEM root never asks KMS (the registry is down: that is the error).
  auto local = (*v)->Verify(Ref("127.0.0.1:1/team/app:v1"), Rule("local"), Soon());
  EXPECT_THAT(local.status().message(), ::testing::Not(HasSubstr("KMS")));
  EXPECT_EQ(aws_->get_public_key_calls(), 0u);
  EXPECT_THAT((*v)->CheckReachable(Soon()),
              StatusIs(StatusCode::kNotFound, HasSubstr("trust root kms: AWS KMS key")));
}

TEST_F(KmsTrustRootTest, MalformedReferenceFailsAtLoadAndOtherSchemesStayUnsupported) {
  EXPECT_THAT(Validator({{"default", "awskms:///not-a-key"}}, Settings()),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("trust root default: invalid awskms key reference")));
  EXPECT_THAT(Validator({{"default", "hashivault://transit/keys/cosign"}}, Settings()),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("trust root default: invalid Vault key reference")));
  auto gcp = Validator({{"default", "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k"}},
                       Settings());
  ASSERT_THAT(gcp, IsOk());
  EXPECT_THAT((*gcp)->Verify(Ref("127.0.0.1:1/team/app:v1"), Rule(""), Soon()),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("gcpkms:// KMS key verification is not supported yet")));
  EXPECT_THAT((*gcp)->CheckReachable(Soon()), IsOk()) << "nothing to reach";
}

TEST_F(KmsTrustRootTest, SignerPicksTheFirstAlgorithmCosignVerifies) {
  const std::string payload = "{\"critical\":{}}";
  struct Case {
    crypto::KeyType type;
    std::vector<std::string> offered;
    crypto::SignatureScheme scheme;
  };
  const Case cases[] = {
      {crypto::KeyType::kEcdsaP256, {}, crypto::SignatureScheme::kEcdsaDer},
      {crypto::KeyType::kEcdsaP384, {}, crypto::SignatureScheme::kEcdsaDer},
      {crypto::KeyType::kRsa, {}, crypto::SignatureScheme::kRsaPkcs1Sha256},
      {crypto::KeyType::kRsa,
       {"RSASSA_PSS_SHA_512", "RSASSA_PSS_SHA_256", "RSASSA_PKCS1_V1_5_SHA_256"},
       crypto::SignatureScheme::kRsaPssSha256},
  };
  for (const Case& c : cases) {
    const std::string id = aws_->AddKey(c.type, "", c.offered);
    auto signer = KmsPayloadSigner("awskms:///" + id, Settings(), Soon());
    ASSERT_THAT(signer, IsOk()) << id;
    auto signature = (*signer)->Sign(payload, Soon());
    ASSERT_THAT(signature, IsOk()) << id;
    auto key = crypto::PublicKey::FromPem(aws_->PublicPem(id));
    ASSERT_THAT(key, IsOk());
    EXPECT_THAT(key->Verify(payload, *signature, c.scheme), IsOk()) << id;
  }
  const std::string only_512 = aws_->AddKey(crypto::KeyType::kRsa, "", {"RSASSA_PSS_SHA_512"});
  EXPECT_THAT(KmsPayloadSigner("awskms:///" + only_512, Settings(), Soon()),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("offers no signing algorithm cosign verifies")));
  EXPECT_THAT(
      KmsPayloadSigner("gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k", Settings(),
                       Soon()),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("gcpkms:// keys are not supported yet")));
  // hashivault:// signs (vault_signer_test.cc); a malformed reference is refused before Vault.
  EXPECT_THAT(KmsPayloadSigner("hashivault://transit/keys/k", Settings(), Soon()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid Vault key reference")));
}

}  // namespace
}  // namespace connaisseur::cosign
