// Cosign's encrypted private key files: published vectors of securesystemslib and keys written
// by the real cosign, round trips of our own writer, and a table of malformed files.
#include "validators/cosign/encrypted_key.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/crypto/public_key.h"
#include "tests/testing/status_matchers.h"
#include "tests/validators/cosign/test_data.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::cosign::testing::ReadTestData;
using ::testing::HasSubstr;

TEST(EncryptedKeyTest, OpensEveryPublishedSecureSystemsLibBox) {
  auto vectors = nlohmann::json::parse(ReadTestData("keys/securesystemslib-vectors.json"));
  for (const auto& vector : vectors["boxes"]) {
    const auto& box = vector["box"];
    auto plain = OpenBox(box.dump(), vectors["passphrase"].get<std::string>());
    ASSERT_THAT(plain, IsOk()) << box.dump();
    EXPECT_EQ(*plain, vector["plaintext"].get<std::string>()) << box.dump();
    EXPECT_THAT(OpenBox(box.dump(), "supersecreT"),
                StatusIs(StatusCode::kPermissionDenied, HasSubstr("wrong passphrase")))
        << box.dump();
  }
}

TEST(EncryptedKeyTest, RefusesScryptParametersSecureSystemsLibRefuses) {
  auto vectors = nlohmann::json::parse(ReadTestData("keys/securesystemslib-vectors.json"));
  EXPECT_THAT(OpenBox(vectors["unsupported_parameters"].dump(), "supersecret"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unsupported scrypt parameters")));
}

TEST(EncryptedKeyTest, DecryptsKeyWrittenByCosignWithSigstoreLabel) {
  auto key = DecryptCosignKey(ReadTestData("keys/sigstore-label-empty-password.key"), "");
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(key->type(), crypto::KeyType::kEcdsaP256);
}

TEST(EncryptedKeyTest, DecryptsKeyWrittenByCosignWithCosignLabelToItsPublishedPublicKey) {
  auto key = DecryptCosignKey(ReadTestData("keys/cosign-label-empty-password.key"), "");
  ASSERT_THAT(key, IsOk());
  auto published = crypto::PublicKey::FromPem(ReadTestData("keys/cosign-label-empty-password.pub"));
  ASSERT_THAT(published, IsOk());
  auto derived = key->Public();
  ASSERT_THAT(derived, IsOk());
  EXPECT_EQ(derived->spki_der(), published->spki_der());
  EXPECT_THAT(DecryptCosignKey(ReadTestData("keys/cosign-label-empty-password.key"), "x"),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("wrong passphrase")));
}

TEST(EncryptedKeyTest, RoundTripsOwnKeysUnderBothLabels) {
  for (std::string_view label : {kSigstoreKeyLabel, kCosignKeyLabel}) {
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
    ASSERT_THAT(key, IsOk());
    auto pem = EncryptCosignKey(*key, "correct horse", label);
    ASSERT_THAT(pem, IsOk()) << label;
    EXPECT_THAT(*pem, HasSubstr("-----BEGIN " + std::string(label) + "-----\n")) << label;
    EXPECT_TRUE(IsEncryptedCosignKey(*pem)) << label;
    auto back = LoadSigningKey(*pem, "correct horse");
    ASSERT_THAT(back, IsOk()) << label;
    EXPECT_EQ(back->PublicPem(), key->PublicPem()) << label;
    EXPECT_FALSE(DecryptCosignKey(*pem, "correct horsE").ok()) << label;
  }
}

TEST(EncryptedKeyTest, WritesTheBoxLayoutCosignReads) {
  auto box = SealBox("payload", "pw");
  ASSERT_THAT(box, IsOk());
  auto j = nlohmann::json::parse(*box);
  EXPECT_EQ(j["kdf"]["name"], "scrypt");
  EXPECT_EQ(j["kdf"]["params"]["N"], 65536);
  EXPECT_EQ(j["kdf"]["params"]["r"], 8);
  EXPECT_EQ(j["kdf"]["params"]["p"], 1);
  EXPECT_EQ(j["cipher"]["name"], "nacl/secretbox");
  EXPECT_EQ(j["kdf"]["salt"].get<std::string>().size(), 44u);      // 32 bytes
  EXPECT_EQ(j["cipher"]["nonce"].get<std::string>().size(), 32u);  // 24 bytes
  auto plain = OpenBox(*box, "pw");
  ASSERT_THAT(plain, IsOk());
  EXPECT_EQ(*plain, "payload");
}

TEST(EncryptedKeyTest, LoadsUnencryptedPemKeys) {
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(key, IsOk());
  auto loaded = LoadSigningKey(key->PrivatePem(), "");
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->PublicPem(), key->PublicPem());
}

TEST(EncryptedKeyTest, RejectsMalformedKeyFiles) {
  auto good =
      nlohmann::json::parse(ReadTestData("keys/securesystemslib-vectors.json"))["boxes"][0]["box"];
  auto with = [&](const std::string& path, nlohmann::json value) {
    nlohmann::json b = good;
    b[nlohmann::json::json_pointer(path)] = std::move(value);
    return b.dump();
  };
  const std::vector<std::string> bad_boxes = {
      "",
      "not json",
      "[]",
      "{}",
      with("/kdf/name", "argon2"),
      with("/kdf/name", 7),
      with("/cipher/name", "aes-gcm"),
      with("/kdf/params/N", 1024),
      with("/kdf/params/r", 4294967304.0),
      with("/kdf/params/N", "32768"),
      with("/kdf/salt", "%%%"),
      with("/cipher/nonce", "AAAA"),
      with("/ciphertext", "AAAA"),
      with("/ciphertext", 12),
  };
  for (const auto& box : bad_boxes) {
    auto r = OpenBox(box, "supersecret");
    EXPECT_FALSE(r.ok()) << box;
    EXPECT_THAT(r.status().code(),
                ::testing::AnyOf(StatusCode::kInvalidArgument, StatusCode::kPermissionDenied))
        << box;
  }
  const std::vector<std::string> bad_pems = {
      "",
      "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
      "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nbm90IGEga2V5\n"
      "-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
      "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n%%%%\n"
      "-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
      "-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\neyJ9\n",
  };
  for (const auto& pem : bad_pems) {
    EXPECT_THAT(DecryptCosignKey(pem, ""), StatusIs(StatusCode::kInvalidArgument, ::testing::_))
        << pem;
  }
}

}  // namespace
}  // namespace connaisseur::cosign
