// AWS KMS end to end against the real docker-registry and FakeAws (KMS + STS on loopback, every
// SigV4 signature checked): `connaisseur sign --key awskms://...` signs through KMS Sign, and the
// cosign validator with an awskms:// trust root admits and pins the image, denies one signed by
// another key, and denies naming the KMS failure when KMS cannot be reached.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "runtime/cli/commands.h"
#include "runtime/crypto/digest.h"
#include "tests/integration/registry/cosign_registry_fixture.h"
#include "tests/runtime/aws/fake_aws.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/testing/scoped_environment.h"
#include "tests/testing/status_matchers.h"
#include "validators/cosign/cosign_validator.h"
#include "validators/cosign/signature_manifest.h"
#include "validators/cosign/signer.h"
#include "validators/cosign/simple_signing.h"
#include "validators/validator_set.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::testing::CosignRegistryFixture;
using ::connaisseur::testing::FakeAws;
using ::connaisseur::testing::ScopedEnvironment;
using ::testing::HasSubstr;
using Variables = ScopedEnvironment::Variables;

class CosignKmsRegistryTest : public CosignRegistryFixture {
 protected:
  void SetUp() override {
    CosignRegistryFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto aws = FakeAws::Start();
    ASSERT_THAT(aws, IsOk());
    aws_ = std::move(aws).value();
    key_id_ = aws_->AddKey(crypto::KeyType::kEcdsaP256, "alias/cosign");
  }

  // A CI job's (or the webhook Pod's) AWS settings with static keys, everything at the fake.
  Variables Env() const {
    return {{"AWS_ACCESS_KEY_ID", aws_->options().access_key_id},
            {"AWS_SECRET_ACCESS_KEY", aws_->options().secret_access_key},
            {"AWS_REGION", aws_->options().region},
            {"AWS_ENDPOINT_URL_KMS", aws_->kms_url()},
            {"AWS_ENDPOINT_URL_STS", aws_->sts_url()},
            {"AWS_CA_BUNDLE", aws_->ca_path()}};
  }

  // `connaisseur sign --key KEY --insecure-http IMAGE` with `env`; the exit code.
  int SignCli(const std::string& key, const std::string& image, const Variables& env) {
    ScopedEnvironment scoped(env);
    const std::vector<std::string_view> args = {"--key", key, "--insecure-http", image};
    return cli::RunSign(args);
  }

  // The webhook's verifier: a validator set with one cosign validator whose trust root is `key`.
  std::unique_ptr<validators::ValidatorSet> Verifier(const std::string& key, Variables env) {
    CosignValidator::Options options = PlainHttp();
    options.kms.aws_env = aws::MapEnvironment(std::move(env));
    return CosignRegistryFixture::Verifier(DefaultKeyValues("kms", key), std::move(options));
  }

  config::Rule RuleFor(const std::string& pattern) const {
    return CosignRegistryFixture::RuleFor("kms", pattern);
  }

  std::unique_ptr<FakeAws> aws_;
  std::string key_id_;
};

TEST_F(CosignKmsRegistryTest, SignedThroughKmsIsAdmittedAndPinned) {
  const std::string digest = PushImage("kms/app", "v1", "kms-signed");
  const std::string image = host() + "/kms/app:v1";
  ASSERT_EQ(SignCli("awskms:///alias/cosign", image, Env()), 0);
  EXPECT_EQ(aws_->sign_calls(), 1u);

  // The layer is cosign's: a signature by the KMS key's public key over the payload.
  auto sig = client_->GetManifest(host(), "kms/app", "sha256-" + digest.substr(7) + ".sig", Soon());
  ASSERT_THAT(sig, IsOk());
  auto manifest = SignatureManifest::Parse(sig->body);
  ASSERT_THAT(manifest, IsOk());
  ASSERT_EQ(manifest->layers.size(), 1u);
  EXPECT_EQ(manifest->layers[0].media_type, kSimpleSigningMediaType);

  // Verified by any form of the same key: the webhook pins the tag to the signed digest.
  for (const std::string& root :
       {std::string("awskms:///alias/cosign"), "awskms:///" + aws_->KeyArn(key_id_),
        "awskms:///" + aws_->AliasArn("alias/cosign")}) {
    auto verified = Verifier(root, Env())->Verify(RuleFor(host() + "/kms/*"), Ref(image), Soon());
    ASSERT_THAT(verified, IsOk()) << root;
    EXPECT_EQ(verified->digest, digest) << root;
  }
  EXPECT_THAT(aws_->rejections(), ::testing::IsEmpty());
}

TEST_F(CosignKmsRegistryTest, SignedThroughKmsIsAdmittedWithWebIdentityCredentials) {
  // The EKS case: CI signs with its keys; the webhook reads the key as its IRSA role.
  const std::string digest = PushImage("kms/irsa", "v1", "kms-irsa");
  const std::string image = host() + "/kms/irsa:v1";
  ASSERT_EQ(SignCli("awskms:///alias/cosign", image, Env()), 0);
  auto dir = testing::MakeTempDir("cn-kms-irsa");
  ASSERT_THAT(dir, IsOk());
  ASSERT_THAT(testing::WriteFile(*dir + "/token", aws_->options().web_identity_token), IsOk());
  Variables pod = Env();
  pod.erase("AWS_ACCESS_KEY_ID");
  pod.erase("AWS_SECRET_ACCESS_KEY");
  pod["AWS_WEB_IDENTITY_TOKEN_FILE"] = *dir + "/token";
  pod["AWS_ROLE_ARN"] = aws_->options().role_arn;
  auto verified = Verifier("awskms:///alias/cosign", pod)
                      ->Verify(RuleFor(host() + "/kms/*"), Ref(image), Soon());
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->digest, digest);
  EXPECT_EQ(aws_->sts_calls(), 1u);
  std::filesystem::remove_all(*dir);
}

TEST_F(CosignKmsRegistryTest, SignedWithAnotherKeyIsDenied) {
  PushImage("kms/other", "v1", "kms-other");
  const std::string image = host() + "/kms/other:v1";
  // A local key, and another KMS key: neither is the trust root's.
  auto local = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(local, IsOk());
  ASSERT_THAT(SignImage(*client_, Ref(image), *local, {}, Soon()), IsOk());
  aws_->AddKey(crypto::KeyType::kEcdsaP256, "alias/other");
  ASSERT_EQ(SignCli("awskms:///alias/other", image, Env()), 0);
  EXPECT_THAT(Verifier("awskms:///alias/cosign", Env())
                  ->Verify(RuleFor(host() + "/kms/*"), Ref(image), Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("validation threshold not reached (0/1)")));
}

TEST_F(CosignKmsRegistryTest, KmsDownIsDeniedWithItsMessage) {
  PushImage("kms/down", "v1", "kms-down");
  const std::string image = host() + "/kms/down:v1";
  ASSERT_EQ(SignCli("awskms:///alias/cosign", image, Env()), 0);
  const std::string kms_url = aws_->kms_url();
  const Variables env = Env();
  aws_.reset();  // KMS (and STS) go away
  auto denied = Verifier("awskms:///alias/cosign", env)
                    ->Verify(RuleFor(host() + "/kms/*"), Ref(image), Soon());
  EXPECT_THAT(denied, StatusIs(StatusCode::kUnavailable,
                               HasSubstr("trust root default: AWS KMS key awskms:///alias/cosign: "
                                         "KMS GetPublicKey: POST " +
                                         kms_url + "/")));
}

TEST_F(CosignKmsRegistryTest, SignCliFailsWithoutPushingWhenKmsRefuses) {
  const std::string digest = PushImage("kms/refused", "v1", "kms-refused");
  const std::string image = host() + "/kms/refused:v1";
  Variables wrong = Env();
  wrong["AWS_SECRET_ACCESS_KEY"] = "not-the-secret";
  EXPECT_EQ(SignCli("awskms:///alias/cosign", image, wrong), 1);
  EXPECT_EQ(SignCli("awskms:///alias/missing", image, Env()), 1);
  EXPECT_EQ(SignCli("awskms:///not-a-key", image, Env()), 2);
  EXPECT_EQ(SignCli("gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k", image, Env()), 2);
  EXPECT_EQ(aws_->sign_calls(), 0u);
  auto sig =
      client_->GetManifest(host(), "kms/refused", "sha256-" + digest.substr(7) + ".sig", Soon());
  EXPECT_THAT(sig, StatusIs(StatusCode::kNotFound, ::testing::_)) << "nothing was pushed";
}

}  // namespace
}  // namespace connaisseur::cosign
