// PublicKey / PrivateKey: parsing, and signatures in every scheme, made by real OpenSSL keys.
#include "runtime/crypto/public_key.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/crypto/private_key.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::crypto {
namespace {

using ::testing::HasSubstr;

struct SchemeCase {
  KeyType type;
  SignatureScheme scheme;
};

class SignatureRoundTripTest : public ::testing::TestWithParam<SchemeCase> {};

TEST_P(SignatureRoundTripTest, AcceptsOwnSignatureAndRejectsTampering) {
  auto key = PrivateKey::Generate(GetParam().type);
  ASSERT_THAT(key, IsOk());
  auto pub = PublicKey::FromPem(key->PublicPem());
  ASSERT_THAT(pub, IsOk());
  EXPECT_EQ(pub->type(), GetParam().type);

  const std::string message = R"({"signed":{"_type":"Targets"}})";
  auto sig = key->Sign(message, GetParam().scheme);
  ASSERT_THAT(sig, IsOk());
  EXPECT_THAT(pub->Verify(message, *sig, GetParam().scheme), IsOk());

  std::string tampered_message = message;
  tampered_message[5] ^= 1;
  EXPECT_THAT(pub->Verify(tampered_message, *sig, GetParam().scheme),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("does not verify")));

  std::string tampered_sig = *sig;
  tampered_sig[tampered_sig.size() / 2] ^= 0x40;
  EXPECT_FALSE(pub->Verify(message, tampered_sig, GetParam().scheme).ok());

  EXPECT_FALSE(pub->Verify(message, sig->substr(0, sig->size() - 1), GetParam().scheme).ok());
  EXPECT_FALSE(pub->Verify(message, "", GetParam().scheme).ok());

  auto other = PrivateKey::Generate(GetParam().type);
  ASSERT_THAT(other, IsOk());
  auto other_pub = other->Public();
  ASSERT_THAT(other_pub, IsOk());
  EXPECT_FALSE(other_pub->Verify(message, *sig, GetParam().scheme).ok());
}

INSTANTIATE_TEST_SUITE_P(
    AllSchemes, SignatureRoundTripTest,
    ::testing::Values(SchemeCase{KeyType::kEcdsaP256, SignatureScheme::kEcdsaDer},
                      SchemeCase{KeyType::kEcdsaP256, SignatureScheme::kEcdsaRaw},
                      SchemeCase{KeyType::kEcdsaP384, SignatureScheme::kEcdsaDer},
                      SchemeCase{KeyType::kRsa, SignatureScheme::kRsaPkcs1Sha256},
                      SchemeCase{KeyType::kRsa, SignatureScheme::kRsaPssSha256},
                      SchemeCase{KeyType::kEd25519, SignatureScheme::kEd25519}));

TEST(PublicKeyTest, RawEcdsaSignatureMustBeSixtyFourBytes) {
  auto key = PrivateKey::Generate(KeyType::kEcdsaP256);
  ASSERT_THAT(key, IsOk());
  auto der = key->Sign("m", SignatureScheme::kEcdsaDer);
  ASSERT_THAT(der, IsOk());
  auto pub = key->Public();
  ASSERT_THAT(pub, IsOk());
  // A DER signature presented as raw r‖s has the wrong length.
  EXPECT_THAT(pub->Verify("m", *der, SignatureScheme::kEcdsaRaw),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("expected 64")));
}

TEST(PublicKeyTest, SchemeMustFitTheKey) {
  auto key = PrivateKey::Generate(KeyType::kEd25519);
  ASSERT_THAT(key, IsOk());
  auto pub = key->Public();
  ASSERT_THAT(pub, IsOk());
  EXPECT_THAT(pub->Verify("m", std::string(64, 'x'), SignatureScheme::kEcdsaRaw),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("non-ECDSA")));
}

TEST(PublicKeyTest, PemParsingIsStrict) {
  auto key = PrivateKey::Generate(KeyType::kEcdsaP256);
  ASSERT_THAT(key, IsOk());
  const std::string pem = key->PublicPem();
  EXPECT_THAT(PublicKey::FromPem("\n  " + pem + "\n\n"), IsOk());

  struct Bad {
    std::string text;
    const char* fragment;
  };
  std::string body = pem.substr(pem.find('\n') + 1);
  body = body.substr(0, body.find("-----END"));
  const Bad bad[] = {
      {pem + "trailing", "extraneous characters"},
      {pem + pem, "extraneous characters"},
      {body, "wrong format"},
      {"", "wrong format"},
      {"-----BEGIN PUBLIC KEY-----\nAAAA\n", "not terminated"},
      {"-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----", "error parsing public key"},
      {key->PrivatePem(), "wrong format"},
  };
  for (const auto& b : bad) {
    EXPECT_THAT(PublicKey::FromPem(b.text),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(b.fragment)))
        << b.text;
  }
}

TEST(PublicKeyTest, SpkiDerRoundTripsAndRejectsTrailingBytes) {
  auto key = PrivateKey::Generate(KeyType::kEcdsaP256);
  ASSERT_THAT(key, IsOk());
  auto pub = key->Public();
  ASSERT_THAT(pub, IsOk());
  auto again = PublicKey::FromSpkiDer(pub->spki_der());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->spki_der(), pub->spki_der());
  EXPECT_FALSE(PublicKey::FromSpkiDer(pub->spki_der() + "x").ok());
}

TEST(PrivateKeyTest, PemRoundTripKeepsTheKey) {
  auto key = PrivateKey::Generate(KeyType::kEcdsaP256);
  ASSERT_THAT(key, IsOk());
  auto again = PrivateKey::FromPem(key->PrivatePem());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->PublicPem(), key->PublicPem());
  auto from_der = PrivateKey::FromPkcs8Der(key->PrivatePkcs8Der());
  ASSERT_THAT(from_der, IsOk());
  EXPECT_EQ(from_der->PublicPem(), key->PublicPem());
}

}  // namespace
}  // namespace connaisseur::crypto
