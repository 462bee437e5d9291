// VaultPayloadSigner against FakeVault: the transit sign request cosign's Vault provider makes
// (the payload's digest, prehashed, under the hash the key type wants; the latest version named;
// ECDSA as ASN.1), a signature that verifies with the version's public key for every key type
// cosign verifies, and every failure named and coded: a refused token, an encryption key, an
// answer that is malformed, signed by another version or does not verify, Vault unreachable.
#include "validators/cosign/vault_signer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "runtime/aws/environment.h"
#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "runtime/net/http_client.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/runtime/vault/fake_vault.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::testing::FakeVault;
using nlohmann::json;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using Variables = std::map<std::string, std::string, std::less<>>;

constexpr std::string_view kPayload = R"({"critical":{"type":"cosign container image signature"}})";

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

std::string Bytes(const auto& digest) {
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

class VaultSignerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::GlobalInit();
    auto vault = FakeVault::Start();
    ASSERT_THAT(vault, IsOk());
    vault_ = std::move(vault).value();
    ASSERT_TRUE(vault_->AddKey("cosign", crypto::KeyType::kEcdsaP256));
  }

  Variables Env() const {
    return {{"VAULT_ADDR", vault_->url()},
            {"VAULT_TOKEN", vault_->options().token},
            {"VAULT_CACERT", vault_->ca_path()}};
  }

  StatusOr<std::unique_ptr<PayloadSigner>> Signer(const std::string& reference,
                                                  Variables env) const {
    return VaultPayloadSigner(reference, aws::MapEnvironment(std::move(env)), Soon());
  }

  // Signs kPayload with hashivault://`name`; the signature.
  StatusOr<std::string> SignWith(const std::string& name) const {
    CN_ASSIGN_OR_RETURN(auto signer, Signer("hashivault://" + name, Env()));
    return signer->Sign(kPayload, Soon());
  }

  // OK when `signature` verifies over kPayload with version `version` of `name`, as cosign
  // verifies it.
  Status VerifiesWith(const std::string& name, size_t version, const std::string& signature) {
    const crypto::PrivateKey* key = vault_->PrivateKey(name, version);
    if (key == nullptr) return NotFoundError("no such version");
    CN_ASSIGN_OR_RETURN(crypto::PublicKey pub, key->Public());
    return pub.Verify(kPayload, signature, CosignScheme(key->type()));
  }

  std::unique_ptr<FakeVault> vault_;
};

TEST_F(VaultSignerTest, SignsThePayloadsDigestWithTheLatestVersionAsCosignAsks) {
  auto signature = SignWith("cosign");
  ASSERT_THAT(signature, IsOk());
  EXPECT_THAT(VerifiesWith("cosign", 1, *signature), IsOk());
  const auto requests = vault_->sign_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/v1/transit/sign/cosign/sha2-256");
  const json body = json::parse(requests[0].body);
  EXPECT_EQ(body["input"], crypto::Base64Encode(Bytes(crypto::Sha256(kPayload))))
      << "the input is the sha256 of the payload";
  EXPECT_EQ(body["prehashed"], true);
  EXPECT_EQ(body["key_version"], 1);
  EXPECT_EQ(body["marshaling_algorithm"], "asn1");
  EXPECT_EQ(body["signature_algorithm"], "pkcs1v15");
  EXPECT_THAT(vault_->rejections(), ::testing::IsEmpty());
}

TEST_F(VaultSignerTest, EveryKeyTypeCosignVerifiesIsSignedTheWayItsVerificationWants) {
  struct Case {
    crypto::KeyType type;
    std::string path;   // the sign request's path
    std::string input;  // what the request asks Vault to sign
    bool prehashed;
  };
  const std::vector<Case> cases = {
      {crypto::KeyType::kEcdsaP384, "/v1/transit/sign/k1/sha2-384", Bytes(crypto::Sha384(kPayload)),
       true},
      {crypto::KeyType::kRsa, "/v1/transit/sign/k2/sha2-256", Bytes(crypto::Sha256(kPayload)),
       true},
      {crypto::KeyType::kEd25519, "/v1/transit/sign/k3", std::string(kPayload), false},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string name = "k" + std::to_string(i + 1);
    ASSERT_TRUE(vault_->AddKey(name, cases[i].type));
    auto signature = SignWith(name);
    ASSERT_THAT(signature, IsOk()) << name;
    EXPECT_THAT(VerifiesWith(name, 1, *signature), IsOk()) << name;
    const auto request = vault_->sign_requests().back();
    EXPECT_EQ(request.path, cases[i].path) << name;
    const json body = json::parse(request.body);
    EXPECT_EQ(body["input"], crypto::Base64Encode(cases[i].input)) << name;
    EXPECT_EQ(body["prehashed"], cases[i].prehashed) << name;
    EXPECT_EQ(body.contains("marshaling_algorithm"), cases[i].type == crypto::KeyType::kEcdsaP384)
        << name << ": only ECDSA asks for asn1";
  }
}

TEST_F(VaultSignerTest, AfterARotationTheNewLatestVersionSigns) {
  ASSERT_TRUE(vault_->RotateKey("cosign"));
  auto signature = SignWith("cosign");
  ASSERT_THAT(signature, IsOk());
  EXPECT_THAT(VerifiesWith("cosign", 2, *signature), IsOk());
  EXPECT_THAT(VerifiesWith("cosign", 1, *signature), Not(IsOk()));
  EXPECT_EQ(json::parse(vault_->sign_requests().back().body)["key_version"], 2);
}

TEST_F(VaultSignerTest, ARefusedTokenIsPermissionDeniedWithoutTheToken) {
  Variables env = Env();
  env["VAULT_TOKEN"] = "hvs.not-the-token";
  auto signer = Signer("hashivault://cosign", env);
  EXPECT_THAT(signer, StatusIs(StatusCode::kPermissionDenied,
                               AllOf(HasSubstr("Vault key read GET " + vault_->url() +
                                               "/v1/transit/keys/cosign: HTTP 403"),
                                     HasSubstr("permission denied"))));
  EXPECT_THAT(signer.status().message(), Not(HasSubstr("hvs.")));
}

TEST_F(VaultSignerTest, ASignRequestRefusedWith403IsPermissionDenied) {
  auto signer = Signer("hashivault://cosign", Env());
  ASSERT_THAT(signer, IsOk());
  vault_->FailWith(403);
  EXPECT_THAT((*signer)->Sign(kPayload, Soon()),
              StatusIs(StatusCode::kPermissionDenied,
                       HasSubstr("Vault sign POST " + vault_->url() +
                                 "/v1/transit/sign/cosign/sha2-256: HTTP 403")));
}

TEST_F(VaultSignerTest, AnEncryptionKeyIsNotASigningKey) {
  vault_->AddEncryptionKey("secrets");
  EXPECT_THAT(Signer("hashivault://secrets", Env()),
              StatusIs(StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("aes256-gcm96"), HasSubstr("is it a signing key?"))));
  EXPECT_THAT(vault_->sign_requests(), ::testing::IsEmpty());
}

TEST_F(VaultSignerTest, MalformedSignAnswersAreVaultFailures) {
  const std::vector<std::pair<std::string, std::string>> answers = {
      {"not json", "no \"data.signature\""},
      {R"({"data":{}})", "no \"data.signature\""},
      {R"({"data":{"signature":7}})", "no \"data.signature\""},
      {R"({"data":{"signature":"MEUCIQ=="}})", "not of the form vault:v<N>:<base64>"},
      {R"({"data":{"signature":"vault:v0:MEUCIQ=="}})", "not of the form"},
      {R"({"data":{"signature":"vault:vx:MEUCIQ=="}})", "not of the form"},
      {R"({"data":{"signature":"vault:v1:not*base64"}})", "is not base64"},
      {R"({"data":{"signature":"vault:v1:"}})", "is not base64"},
  };
  auto signer = Signer("hashivault://cosign", Env());
  ASSERT_THAT(signer, IsOk());
  for (const auto& [answer, error] : answers) {
    vault_->AnswerSignWith(answer);
    EXPECT_THAT(
        (*signer)->Sign(kPayload, Soon()),
        StatusIs(StatusCode::kUnavailable, AllOf(HasSubstr("Vault sign POST"), HasSubstr(error))))
        << answer;
  }
}

TEST_F(VaultSignerTest, ASignatureByAnotherVersionOrThatDoesNotVerifyIsRefused) {
  auto signer = Signer("hashivault://cosign", Env());
  ASSERT_THAT(signer, IsOk());
  auto other = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(other, IsOk());
  auto forged = other->Sign(kPayload, crypto::SignatureScheme::kEcdsaDer);
  ASSERT_THAT(forged, IsOk());
  const std::string b64 = crypto::Base64Encode(*forged);
  vault_->AnswerSignWith(json{{"data", {{"signature", "vault:v2:" + b64}}}}.dump());
  EXPECT_THAT((*signer)->Sign(kPayload, Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("Vault signed with version 2, not version 1 of "
                                 "hashivault://cosign")));
  vault_->AnswerSignWith(json{{"data", {{"signature", "vault:v1:" + b64}}}}.dump());
  EXPECT_THAT((*signer)->Sign(kPayload, Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("Vault returned a signature that does not verify with version 1 "
                                 "of hashivault://cosign's public key")));
}

TEST_F(VaultSignerTest, SettingsAndReferencesAreCheckedBeforeAnyRequest) {
  Variables no_addr = Env();
  no_addr.erase("VAULT_ADDR");
  EXPECT_THAT(Signer("hashivault://cosign", no_addr),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("VAULT_ADDR is not set")));
  EXPECT_THAT(Signer("hashivault://a/b", Env()),
              StatusIs(StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(Signer("hashivault://missing", Env()), StatusIs(StatusCode::kNotFound, ::testing::_));
  EXPECT_EQ(vault_->key_reads(), 1u) << "only the existing reference reached Vault";
}

TEST_F(VaultSignerTest, VaultDownIsUnavailableNamingVault) {
  const std::string url = vault_->url();
  auto signer = Signer("hashivault://cosign", Env());
  ASSERT_THAT(signer, IsOk());
  const Variables env = Env();
  vault_.reset();
  EXPECT_THAT((*signer)->Sign(kPayload, Soon()),
              StatusIs(StatusCode::kUnavailable,
                       HasSubstr("Vault sign POST " + url + "/v1/transit/sign/cosign/sha2-256")));
  EXPECT_THAT(Signer("hashivault://cosign", env),
              StatusIs(StatusCode::kUnavailable,
                       HasSubstr("Vault key read GET " + url + "/v1/transit/keys/cosign")));
}

}  // namespace
}  // namespace connaisseur::cosign
