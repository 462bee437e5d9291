// Offline Rekor bundle checks on a bundle the public Rekor log signed (containers/image vector).
#include "validators/cosign/rekor_bundle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/crypto/encoding.h"
#include "runtime/crypto/private_key.h"
#include "tests/testing/case_name.h"
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

// What VerifyRekorBundle is given; a mismatch case changes one of them.
struct BundleInputs {
  std::string bundle, signature, payload;
  const crypto::PublicKey* rekor;
  const crypto::PublicKey* signer;
};

struct MismatchCase {
  std::string name;
  // Changes `in`; `stranger` is a key neither Rekor nor the signer ever used.
  std::function<void(BundleInputs& in, const crypto::PublicKey& stranger)> change;
  std::string message;
  // What a failure prints for the parameter: its name, not its bytes.
  friend void PrintTo(const MismatchCase& c, std::ostream* os) { *os << c.name; }
};

std::string Edited(const std::string& bundle, const char* pointer, nlohmann::json v) {
  auto j = nlohmann::json::parse(bundle);
  j[nlohmann::json::json_pointer(pointer)] = std::move(v);
  return j.dump();
}

using Key = crypto::PublicKey;

std::vector<MismatchCase> Mismatches() {
  return {
      {"other rekor key", [](BundleInputs& in, const Key& k) { in.rekor = &k; }, "timestamp"},
      {"integratedTime changed",
       [](BundleInputs& in, const Key&) {
         in.bundle = Edited(in.bundle, "/Payload/integratedTime", 1670870900);
       },
       "timestamp"},
      {"logIndex changed",
       [](BundleInputs& in, const Key&) { in.bundle = Edited(in.bundle, "/Payload/logIndex", 1); },
       "timestamp"},
      {"other signature", [](BundleInputs& in, const Key&) { in.signature[20] ^= 1; },
       "this signature"},
      {"other payload", [](BundleInputs& in, const Key&) { in.payload[10] ^= 1; }, "sha256"},
      {"other signer", [](BundleInputs& in, const Key& k) { in.signer = &k; }, "another key"},
      {"not json", [](BundleInputs& in, const Key&) { in.bundle = "{"; }, "JSON"},
      {"no SET",
       [](BundleInputs& in, const Key&) {
         in.bundle = Edited(in.bundle, "/SignedEntryTimestamp", 1);
       },
       "SignedEntryTimestamp"},
      {"body not string",
       [](BundleInputs& in, const Key&) { in.bundle = Edited(in.bundle, "/Payload/body", 1); },
       "body"},
  };
}

class RekorBundleMismatchTest : public RekorBundleTest,
                                public ::testing::WithParamInterface<MismatchCase> {};

TEST_P(RekorBundleMismatchTest, IsRejected) {
  auto stranger_key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(stranger_key, IsOk());
  auto stranger = stranger_key->Public();
  ASSERT_THAT(stranger, IsOk());
  BundleInputs in{bundle_, signature_, payload_, &*rekor_, &*signer_};
  GetParam().change(in, *stranger);
  EXPECT_THAT(VerifyRekorBundle(in.bundle, *in.rekor, in.signature, in.payload, *in.signer),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(Mismatches, RekorBundleMismatchTest, ::testing::ValuesIn(Mismatches()),
                         ::connaisseur::testing::NameOfCase());

}  // namespace
}  // namespace connaisseur::cosign
