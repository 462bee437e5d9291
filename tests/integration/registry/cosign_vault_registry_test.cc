// HashiCorp Vault transit keys end to end against the real docker-registry and FakeVault (a
// loopback Vault that checks X-Vault-Token): an image signed with the Vault-held key (as `cosign
// sign --key hashivault://cosign` signs, through transit) is admitted and pinned by a cosign
// validator whose trust root is `hashivault://cosign`; one signed with another key is denied;
// after a rotation only the latest version is trusted, as cosign verifies; a refused token and
// a Vault that cannot be reached deny naming Vault's answer, and /ready (CheckReachable) fails.
// `connaisseur sign --key hashivault://cosign` signs through transit sign: admitted and pinned
// by that trust root, denied by another key's; a refusing, misbehaving or unreachable Vault
// fails the command (exit 1, naming Vault; 2 for settings and keys that cannot sign) and
// nothing is pushed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/cli/commands.h"
#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "tests/integration/registry/cosign_registry_fixture.h"
#include "tests/runtime/vault/fake_vault.h"
#include "tests/testing/scoped_environment.h"
#include "tests/testing/status_matchers.h"
#include "validators/cosign/cosign_validator.h"
#include "validators/cosign/signature_manifest.h"
#include "validators/cosign/signer.h"
#include "validators/validator_set.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::testing::CosignRegistryFixture;
using ::connaisseur::testing::FakeVault;
using ::connaisseur::testing::ScopedEnvironment;
using ::testing::HasSubstr;
using Variables = ScopedEnvironment::Variables;

class CosignVaultRegistryTest : public CosignRegistryFixture {
 protected:
  void SetUp() override {
    CosignRegistryFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto vault = FakeVault::Start();
    ASSERT_THAT(vault, IsOk());
    vault_ = std::move(vault).value();
    ASSERT_TRUE(vault_->AddKey("cosign", crypto::KeyType::kEcdsaP256));
  }

  // The webhook Pod's Vault settings.
  Variables Env() const {
    return {{"VAULT_ADDR", vault_->url()},
            {"VAULT_TOKEN", vault_->options().token},
            {"VAULT_CACERT", vault_->ca_path()}};
  }

  // Pushes `repo:v1`; returns "host/repo:v1".
  std::string Push(const std::string& repo) {
    digests_[repo] = PushImage(repo);
    return host() + "/" + repo + ":v1";
  }

  // Signs as transit signs with version `version` of the Vault key.
  void SignWithVaultKey(const std::string& image, size_t version) {
    const crypto::PrivateKey* key = vault_->PrivateKey("cosign", version);
    ASSERT_NE(key, nullptr);
    ASSERT_THAT(SignImage(*client_, Ref(image), *key, {}, Soon()), IsOk());
  }

  // `connaisseur sign --key KEY --insecure-http IMAGE` with `env`; the exit code. Its stderr
  // goes to `*errors` when given.
  int SignCli(const std::string& key, const std::string& image, const Variables& env,
              std::string* errors = nullptr) {
    ScopedEnvironment scoped(env);
    const std::vector<std::string_view> args = {"--key", key, "--insecure-http", image};
    ::testing::internal::CaptureStderr();
    const int code = cli::RunSign(args);
    const std::string text = ::testing::internal::GetCapturedStderr();
    if (errors != nullptr) *errors = text;
    return code;
  }

  // The .sig manifest of `repo:v1`, pushed by a signer.
  StatusOr<registry::Manifest> SignatureOf(const std::string& repo) {
    return client_->GetManifest(host(), repo, "sha256-" + digests_[repo].substr(7) + ".sig",
                                Soon());
  }

  // The webhook's verifier: one cosign validator whose trust root is `key`.
  std::unique_ptr<validators::ValidatorSet> Verifier(const std::string& key, Variables env) {
    CosignValidator::Options options = PlainHttp();
    options.kms.vault_env = aws::MapEnvironment(std::move(env));
    return CosignRegistryFixture::Verifier(DefaultKeyValues("vault", key), std::move(options));
  }

  config::Rule RuleFor(const std::string& pattern) const {
    return CosignRegistryFixture::RuleFor("vault", pattern);
  }

  std::unique_ptr<FakeVault> vault_;
  std::map<std::string, std::string> digests_;
};

TEST_F(CosignVaultRegistryTest, SignedWithTheVaultKeyIsAdmittedAndPinned) {
  const std::string image = Push("vault/app");
  SignWithVaultKey(image, 1);
  auto verified = Verifier("hashivault://cosign", Env())
                      ->Verify(RuleFor(host() + "/vault/*"), Ref(image), Soon());
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->digest, digests_["vault/app"]);
  EXPECT_EQ(vault_->key_reads(), 1u);
  EXPECT_THAT(vault_->rejections(), ::testing::IsEmpty());
}

TEST_F(CosignVaultRegistryTest, SignedWithAnotherKeyIsDenied) {
  const std::string image = Push("vault/other");
  auto other = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(other, IsOk());
  ASSERT_THAT(SignImage(*client_, Ref(image), *other, {}, Soon()), IsOk());
  EXPECT_THAT(Verifier("hashivault://cosign", Env())
                  ->Verify(RuleFor(host() + "/vault/*"), Ref(image), Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("validation threshold not reached (0/1)")));
}

TEST_F(CosignVaultRegistryTest, OnlyTheLatestVersionIsTrustedAfterARotation) {
  const std::string old_image = Push("vault/old");
  SignWithVaultKey(old_image, 1);
  ASSERT_TRUE(vault_->RotateKey("cosign"));
  const std::string new_image = Push("vault/new");
  SignWithVaultKey(new_image, 2);
  auto verifier = Verifier("hashivault://cosign", Env());
  EXPECT_THAT(verifier->Verify(RuleFor(host() + "/vault/*"), Ref(new_image), Soon()), IsOk());
  EXPECT_THAT(verifier->Verify(RuleFor(host() + "/vault/*"), Ref(old_image), Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("validation threshold not reached (0/1)")));
}

TEST_F(CosignVaultRegistryTest, ARefusedTokenIsDeniedWithVaultsAnswer) {
  const std::string image = Push("vault/token");
  SignWithVaultKey(image, 1);
  Variables env = Env();
  env["VAULT_TOKEN"] = "hvs.not-the-token";
  auto verifier = Verifier("hashivault://cosign", env);
  auto denied = verifier->Verify(RuleFor(host() + "/vault/*"), Ref(image), Soon());
  EXPECT_THAT(denied, StatusIs(StatusCode::kPermissionDenied,
                               HasSubstr("trust root default: Vault key hashivault://cosign: "
                                         "Vault key read GET " +
                                         vault_->url() +
                                         "/v1/transit/keys/cosign: HTTP 403: permission denied")));
  EXPECT_THAT(denied.status().message(), ::testing::Not(HasSubstr("hvs.")));
  EXPECT_THAT(verifier->CheckBackends(Soon()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("Vault key hashivault://cosign")));
}

TEST_F(CosignVaultRegistryTest, VaultDownIsDeniedWithItsMessage) {
  const std::string image = Push("vault/down");
  SignWithVaultKey(image, 1);
  const std::string url = vault_->url();
  const Variables env = Env();
  vault_.reset();  // Vault goes away
  auto verifier = Verifier("hashivault://cosign", env);
  EXPECT_THAT(verifier->Verify(RuleFor(host() + "/vault/*"), Ref(image), Soon()),
              StatusIs(StatusCode::kUnavailable,
                       HasSubstr("trust root default: Vault key hashivault://cosign: Vault key "
                                 "read GET " +
                                 url + "/v1/transit/keys/cosign")));
  EXPECT_THAT(verifier->CheckBackends(Soon()), StatusIs(StatusCode::kUnavailable, HasSubstr(url)));
}

TEST_F(CosignVaultRegistryTest, SignCliThroughVaultIsAdmittedAndPinned) {
  const std::string image = Push("vault/cli");
  ASSERT_EQ(SignCli("hashivault://cosign", image, Env()), 0);

  // What Vault was asked to sign is the sha256 of the payload the .sig layer carries.
  auto sig = SignatureOf("vault/cli");
  ASSERT_THAT(sig, IsOk());
  auto manifest = SignatureManifest::Parse(sig->body);
  ASSERT_THAT(manifest, IsOk());
  ASSERT_EQ(manifest->layers.size(), 1u);
  auto payload = client_->GetBlob(host(), "vault/cli", manifest->layers[0].digest,
                                  manifest->layers[0].size, Soon());
  ASSERT_THAT(payload, IsOk());
  const auto requests = vault_->sign_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/v1/transit/sign/cosign/sha2-256");
  const auto digest = crypto::Sha256(*payload);
  EXPECT_EQ(nlohmann::json::parse(requests[0].body)["input"],
            crypto::Base64Encode(
                std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size())));

  auto verified = Verifier("hashivault://cosign", Env())
                      ->Verify(RuleFor(host() + "/vault/*"), Ref(image), Soon());
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->digest, digests_["vault/cli"]);
  EXPECT_THAT(vault_->rejections(), ::testing::IsEmpty());
}

TEST_F(CosignVaultRegistryTest, SignedThroughVaultIsDeniedByAnotherKey) {
  const std::string image = Push("vault/cli-other");
  ASSERT_EQ(SignCli("hashivault://cosign", image, Env()), 0);
  ASSERT_TRUE(vault_->AddKey("other", crypto::KeyType::kEcdsaP256));
  EXPECT_THAT(Verifier("hashivault://other", Env())
                  ->Verify(RuleFor(host() + "/vault/*"), Ref(image), Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("validation threshold not reached (0/1)")));
}

TEST_F(CosignVaultRegistryTest, SignCliFailsWithoutPushingWhenVaultRefusesOrMisbehaves) {
  const std::string image = Push("vault/cli-refused");
  Variables wrong_token = Env(), no_address = Env();
  wrong_token["VAULT_TOKEN"] = "hvs.not-the-token";
  no_address.erase("VAULT_ADDR");
  vault_->AddEncryptionKey("secrets");
  std::string errors;
  EXPECT_EQ(SignCli("hashivault://cosign", image, wrong_token, &errors), 1);
  EXPECT_THAT(errors, HasSubstr("HTTP 403: permission denied"));
  EXPECT_THAT(errors, ::testing::Not(HasSubstr("hvs.")));
  EXPECT_EQ(SignCli("hashivault://secrets", image, Env(), &errors), 2);
  EXPECT_THAT(errors, HasSubstr("is it a signing key?"));
  EXPECT_EQ(SignCli("hashivault://cosign", image, no_address, &errors), 2);
  EXPECT_THAT(errors, HasSubstr("VAULT_ADDR is not set"));
  EXPECT_EQ(SignCli("hashivault://no/such", image, Env()), 2);
  vault_->AnswerSignWith(R"({"data":{"signature":"not a vault signature"}})");
  EXPECT_EQ(SignCli("hashivault://cosign", image, Env(), &errors), 1);
  EXPECT_THAT(errors, HasSubstr("not of the form vault:v<N>:<base64>"));
  vault_->AnswerSignWith(R"({"data":{"signature":"vault:v1:MEUCIQDu"}})");
  EXPECT_EQ(SignCli("hashivault://cosign", image, Env(), &errors), 1);
  EXPECT_THAT(errors, HasSubstr("does not verify with version 1 of hashivault://cosign"));
  EXPECT_THAT(SignatureOf("vault/cli-refused"), StatusIs(StatusCode::kNotFound, ::testing::_))
      << "nothing was pushed";
}

TEST_F(CosignVaultRegistryTest, SignCliWithVaultDownFailsNamingVault) {
  const std::string image = Push("vault/cli-down");
  const std::string url = vault_->url();
  const Variables env = Env();
  vault_.reset();  // Vault goes away
  std::string errors;
  EXPECT_EQ(SignCli("hashivault://cosign", image, env, &errors), 1);
  EXPECT_THAT(errors, HasSubstr("hashivault://cosign: Vault key read GET " + url +
                                "/v1/transit/keys/cosign"));
  EXPECT_THAT(SignatureOf("vault/cli-down"), StatusIs(StatusCode::kNotFound, ::testing::_));
}

}  // namespace
}  // namespace connaisseur::cosign
