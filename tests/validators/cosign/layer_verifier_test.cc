// Per-layer verification on signatures the real cosign made (alice, bob, charlie over one
// payload), plus our own signatures in every key type cosign accepts.
#include "validators/cosign/layer_verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "runtime/crypto/private_key.h"
#include "tests/testing/case_name.h"
#include "tests/testing/status_matchers.h"
#include "tests/validators/cosign/test_data.h"
#include "validators/cosign/simple_signing.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::cosign::testing::ReadTestData;
using ::testing::HasSubstr;

constexpr char kDigest[] =
    "sha256:bfec161fecb0a887df7cb85e4da327c65986ccda7060cf3cd92171c6c90d7533";
const TlogPolicy kNoTlog{false, nullptr};

std::vector<SignedLayer> PublishedLayers() {
  auto m = SignatureManifest::Parse(ReadTestData("connaisseur/multi-signed.sig.json"));
  EXPECT_THAT(m, IsOk());
  std::vector<SignedLayer> layers;
  for (const auto& d : m->layers) {
    layers.push_back({d, ReadTestData("connaisseur/multi-signed.payload.json")});
  }
  return layers;
}

crypto::PublicKey Key(const std::string& name) {
  auto k = crypto::PublicKey::FromPem(ReadTestData("connaisseur/" + name + ".pub"));
  EXPECT_THAT(k, IsOk()) << name;
  return std::move(k).value();
}

TEST(LayerVerifierTest, EachPublishedKeyVerifiesExactlyItsOwnLayer) {
  const auto layers = PublishedLayers();
  const std::vector<std::string> names = {"alice", "bob", "charlie"};
  for (size_t k = 0; k < names.size(); ++k) {
    auto key = Key(names[k]);
    for (size_t l = 0; l < layers.size(); ++l) {
      EXPECT_EQ(VerifyLayer(layers[l], key, kDigest, kNoTlog).ok(), k == l)
          << names[k] << " on layer " << l;
    }
    EXPECT_TRUE(CheckRoot(names[k], key, layers, kDigest, kNoTlog).valid) << names[k];
  }
  auto outsider = CheckRoot("default", Key("default"), layers, kDigest, kNoTlog);
  EXPECT_FALSE(outsider.valid);
  EXPECT_THAT(outsider.reason, HasSubstr("does not verify"));
}

TEST(LayerVerifierTest, DeniesAPayloadNamingAnotherDigest) {
  const auto layers = PublishedLayers();
  auto out = CheckRoot("alice", Key("alice"), layers, "sha256:" + std::string(64, '0'), kNoTlog);
  EXPECT_FALSE(out.valid);
  EXPECT_THAT(out.reason, HasSubstr("names digest " + std::string(kDigest)));
}

TEST(LayerVerifierTest, DeniesWithoutBundleWhenTheTlogIsRequired) {
  auto rekor = crypto::PublicKey::FromPem(PublicGoodRekorKeyPem());
  ASSERT_THAT(rekor, IsOk());
  const auto layers = PublishedLayers();
  for (const TlogPolicy& tlog : {TlogPolicy{true, &*rekor}, TlogPolicy{true, nullptr}}) {
    EXPECT_THAT(VerifyLayer(layers[0], Key("alice"), kDigest, tlog),
                StatusIs(StatusCode::kVerificationFailed,
                         HasSubstr("signature not found in transparency log")));
  }
}

struct TamperCase {
  std::string name;
  std::function<void(SignedLayer&)> change;  // applied to alice's published layer
  std::string message;
  // What a failure prints for the parameter: its name, not its bytes.
  friend void PrintTo(const TamperCase& c, std::ostream* os) { *os << c.name; }
};

std::vector<TamperCase> Tampers() {
  const std::string annotation(kSignatureAnnotation);
  return {
      {"payload byte flipped", [](SignedLayer& l) { l.payload[l.payload.size() / 2] ^= 1; },
       "does not verify"},
      {"annotation changed",
       [annotation](SignedLayer& l) {
         auto& sig = l.descriptor.annotations[annotation];
         sig[sig.size() / 2] = sig[sig.size() / 2] == 'A' ? 'B' : 'A';
       },
       "does not verify"},
      {"annotation not base64",
       [annotation](SignedLayer& l) { l.descriptor.annotations[annotation] = "%%%"; },
       "not base64"},
      {"no annotation", [](SignedLayer& l) { l.descriptor.annotations.clear(); },
       "has no signature"},
  };
}

class LayerTamperTest : public ::testing::TestWithParam<TamperCase> {};

TEST_P(LayerTamperTest, IsDenied) {
  SignedLayer layer = PublishedLayers()[0];
  GetParam().change(layer);
  EXPECT_THAT(VerifyLayer(layer, Key("alice"), kDigest, kNoTlog),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(Tampers, LayerTamperTest, ::testing::ValuesIn(Tampers()),
                         ::connaisseur::testing::NameOfCase());

TEST(LayerVerifierTest, AcceptsEveryKeyTypeCosignSignsWith) {
  struct Case {
    crypto::KeyType type;
    crypto::SignatureScheme scheme;
  };
  using crypto::KeyType;
  using crypto::SignatureScheme;
  for (const Case& c : {Case{KeyType::kEcdsaP256, SignatureScheme::kEcdsaDer},
                        Case{KeyType::kEcdsaP384, SignatureScheme::kEcdsaDer},
                        Case{KeyType::kRsa, SignatureScheme::kRsaPkcs1Sha256},
                        Case{KeyType::kRsa, SignatureScheme::kRsaPssSha256},
                        Case{KeyType::kEd25519, SignatureScheme::kEd25519}}) {
    auto key = crypto::PrivateKey::Generate(c.type);
    ASSERT_THAT(key, IsOk());
    SimpleSigning s{"r/x", kDigest, std::string(kSimpleSigningType), {}};
    SignedLayer layer;
    layer.payload = s.Serialize();
    layer.descriptor = {std::string(kSimpleSigningMediaType),
                        crypto::OciDigest(layer.payload),
                        static_cast<int64_t>(layer.payload.size()),
                        {}};
    auto sig = key->Sign(layer.payload, c.scheme);
    ASSERT_THAT(sig, IsOk());
    layer.descriptor.annotations[std::string(kSignatureAnnotation)] = crypto::Base64Encode(*sig);
    auto pub = key->Public();
    ASSERT_THAT(pub, IsOk());
    EXPECT_THAT(VerifyLayer(layer, *pub, kDigest, kNoTlog), IsOk())
        << crypto::KeyTypeName(c.type) << " scheme " << static_cast<int>(c.scheme);
    SimpleSigning wrong_type = s;
    wrong_type.type = "something else";
    layer.payload = wrong_type.Serialize();
    sig = key->Sign(layer.payload, c.scheme);
    ASSERT_THAT(sig, IsOk());
    layer.descriptor.annotations[std::string(kSignatureAnnotation)] = crypto::Base64Encode(*sig);
    EXPECT_THAT(VerifyLayer(layer, *pub, kDigest, kNoTlog),
                StatusIs(StatusCode::kVerificationFailed, HasSubstr("has type")))
        << crypto::KeyTypeName(c.type);
  }
}

}  // namespace
}  // namespace connaisseur::cosign
