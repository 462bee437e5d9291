// Offline Rekor bundle checks on a bundle the public Rekor log signed (containers/image vector).
#include "validators/cosign/rekor_bundle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/crypto/encoding.h"
#include "runtime/crypto/private_key.h"
#include "tests/testing/status_matchers.h"
#include "tests/validators/cosign/test_data.h"
#include "validators/cosign/layer_verifier.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::cosign::testing::ReadTestData;
using ::testing::HasSubstr;

class RekorBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rekor = crypto::PublicKey::FromPem(ReadTestData("rekor/rekor.pub"));
    ASSERT_THAT(rekor, IsOk());
    rekor_.emplace(std::move(rekor).value());
    auto signer = crypto::PublicKey::FromCertificatePem(ReadTestData("rekor/signing-cert.pem"));
    ASSERT_THAT(signer, IsOk());
    signer_.emplace(std::move(signer).value());
    auto sig = crypto::Base64Decode(ReadTestData("rekor/signature.b64"));
    ASSERT_THAT(sig, IsOk());
    signature_ = *sig;
    payload_ = ReadTestData("rekor/payload.json");
    bundle_ = ReadTestData("rekor/bundle.json");
  }
  std::optional<crypto::PublicKey> rekor_, signer_;
  std::string signature_, payload_, bundle_;
};

TEST_F(RekorBundleTest, AcceptsTheBundleRekorSigned) {
  EXPECT_THAT(VerifyRekorBundle(bundle_, *rekor_, signature_, payload_, *signer_), IsOk());
}

TEST_F(RekorBundleTest, TheEmbeddedPublicGoodKeyIsTheOneThatSignedIt) {
  auto key = crypto::PublicKey::FromPem(PublicGoodRekorKeyPem());
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(key->spki_der(), rekor_->spki_der());
}

TEST_F(RekorBundleTest, CanonicalPayloadSortsKeys) {
  auto b = RekorBundle::Parse(bundle_);
  ASSERT_THAT(b, IsOk());
  EXPECT_THAT(b->CanonicalPayload(), ::testing::StartsWith(R"({"body":")"));
  EXPECT_THAT(
      b->CanonicalPayload(),
      ::testing::EndsWith(
          R"(","integratedTime":1670870899,"logID":"c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d","logIndex":8949589})"));
}

TEST_F(RekorBundleTest, RejectsEveryMismatch) {
  auto other_key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(other_key, IsOk());
  auto other_pub = other_key->Public();
  ASSERT_THAT(other_pub, IsOk());
  auto edited = [&](const char* pointer, nlohmann::json v) {
    auto j = nlohmann::json::parse(bundle_);
    j[nlohmann::json::json_pointer(pointer)] = std::move(v);
    return j.dump();
  };
  std::string tampered_payload = payload_;
  tampered_payload[10] ^= 1;
  std::string other_signature = signature_;
  other_signature[20] ^= 1;
  struct Case {
    std::string name, bundle, signature, payload;
    const crypto::PublicKey* rekor;
    const crypto::PublicKey* signer;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"other rekor key", bundle_, signature_, payload_, &*other_pub, &*signer_, "timestamp"},
      {"integratedTime changed", edited("/Payload/integratedTime", 1670870900), signature_,
       payload_, &*rekor_, &*signer_, "timestamp"},
      {"logIndex changed", edited("/Payload/logIndex", 1), signature_, payload_, &*rekor_,
       &*signer_, "timestamp"},
      {"other signature", bundle_, other_signature, payload_, &*rekor_, &*signer_,
       "this signature"},
      {"other payload", bundle_, signature_, tampered_payload, &*rekor_, &*signer_, "sha256"},
      {"other signer", bundle_, signature_, payload_, &*rekor_, &*other_pub, "another key"},
      {"not json", "{", signature_, payload_, &*rekor_, &*signer_, "JSON"},
      {"no SET", edited("/SignedEntryTimestamp", 1), signature_, payload_, &*rekor_, &*signer_,
       "SignedEntryTimestamp"},
      {"body not string", edited("/Payload/body", 1), signature_, payload_, &*rekor_, &*signer_,
       "body"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(VerifyRekorBundle(c.bundle, *c.rekor, c.signature, c.payload, *c.signer),
                StatusIs(StatusCode::kVerificationFailed, HasSubstr(c.message)))
        << c.name;
  }
}

}  // namespace
}  // namespace connaisseur::cosign
