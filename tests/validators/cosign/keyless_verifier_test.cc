// Keyless cosign verification (validators/cosign/keyless_verifier.h and the checks it runs:
// certificate_chain, sct, keyless_identity) against a test Fulcio, CT log and Rekor made by
// KeylessFixture, one tampering case per check, and against a real signature that the
// public-good Fulcio, CT log and Rekor issued.
#include "validators/cosign/keyless_verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <optional>

#include "runtime/crypto/encoding.h"
#include "tests/testing/case_name.h"
#include "tests/testing/status_matchers.h"
#include "tests/validators/cosign/keyless_fixture.h"
#include "tests/validators/cosign/keyless_tamper_cases.h"
#include "tests/validators/cosign/test_data.h"
#include "validators/cosign/signature_manifest.h"
#include "validators/cosign/simple_signing.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::cosign::testing::Identity;
using ::connaisseur::cosign::testing::KeylessFixture;
using ::connaisseur::cosign::testing::KeylessTamperCases;
using ::connaisseur::cosign::testing::kIssuedAt;
using ::connaisseur::cosign::testing::LayerOptions;
using ::connaisseur::cosign::testing::Leaf;
using ::connaisseur::cosign::testing::LeafOptions;
using ::connaisseur::cosign::testing::ReadTestData;
using ::connaisseur::cosign::testing::RegexIdentity;
using ::connaisseur::cosign::testing::TamperCase;
using ::testing::HasSubstr;

constexpr char kDigest[] =
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class KeylessVerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto f = KeylessFixture::Create();
    ASSERT_THAT(f, IsOk());
    fixture_ = new KeylessFixture(std::move(f).value());  // NOLINT: suite-lifetime fixture
  }
  static void TearDownTestSuite() {
    delete fixture_;  // NOLINT
    fixture_ = nullptr;
  }
  void SetUp() override {
    auto rekor = crypto::PublicKey::FromPem(fixture_->RekorPublicPem());
    ASSERT_THAT(rekor, IsOk());
    rekor_.emplace(std::move(rekor).value());
  }

  std::shared_ptr<const KeylessVerifier> Verifier(const config::Keyless& identity,
                                                  std::optional<config::CosignHost> host = {}) {
    auto v = KeylessVerifier::Create(identity, host ? *host : fixture_->Host());
    EXPECT_THAT(v, IsOk());
    return v.ok() ? *v : nullptr;
  }

  KeylessChecks Checks(bool verify_sct = true) const {
    return KeylessChecks{verify_sct, /*transparency_log=*/true, &*rekor_};
  }

  Leaf IssueLeaf(const LeafOptions& options = {}) {
    auto leaf = fixture_->IssueLeaf(options);
    EXPECT_THAT(leaf, IsOk());
    return std::move(leaf).value();
  }

  SignedLayer SignLayer(const Leaf& leaf, const LayerOptions& options = {}) {
    auto layer = fixture_->SignLayer(kDigest, leaf, options);
    EXPECT_THAT(layer, IsOk());
    return std::move(layer).value();
  }

  Status Verify(const config::Keyless& identity, const SignedLayer& layer, bool verify_sct = true) {
    auto v = Verifier(identity);
    if (!v) return InternalError("no verifier");
    return v->VerifyLayer(layer, kDigest, Checks(verify_sct));
  }

  static KeylessFixture* fixture_;
  std::optional<crypto::PublicKey> rekor_;
};

KeylessFixture* KeylessVerifierTest::fixture_ = nullptr;

TEST_F(KeylessVerifierTest, AcceptsAKeylessSignatureOfTheExpectedIdentity) {
  EXPECT_THAT(Verify(Identity(), SignLayer(IssueLeaf())), IsOk());
}

TEST_F(KeylessVerifierTest, AcceptsIdentitiesMatchedByRegex) {
  const SignedLayer layer = SignLayer(IssueLeaf());
  EXPECT_THAT(
      Verify(RegexIdentity(R"(.*@example\.com)", R"(https://accounts\.example\.(com|org))"), layer),
      IsOk());
}

TEST_F(KeylessVerifierTest, RegexesMustMatchTheWholeValue) {
  const SignedLayer layer = SignLayer(IssueLeaf());
  EXPECT_THAT(Verify(RegexIdentity(R"(alice@example)", ".*"), layer),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("none of the expected identities matched")));
  EXPECT_THAT(Verify(RegexIdentity(".*", R"(https://accounts)"), layer),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("issuer")));
}

TEST_F(KeylessVerifierTest, AcceptsAUriSubjectAmongSeveralNames) {
  LeafOptions options;
  options.emails = {};
  options.uris = {"https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main"};
  const SignedLayer layer = SignLayer(IssueLeaf(options));
  EXPECT_THAT(
      Verify(RegexIdentity(R"(https://github\.com/org/repo/\.github/workflows/.*)", ".*"), layer),
      IsOk());
  EXPECT_THAT(Verify(Identity(options.uris[0]), layer), IsOk());
}

TEST_F(KeylessVerifierTest, ReadsEitherFulcioIssuerExtension) {
  LeafOptions legacy;
  legacy.issuer_v2 = "";
  EXPECT_THAT(Verify(Identity(), SignLayer(IssueLeaf(legacy))), IsOk()) << "1.3.6.1.4.1.57264.1.1";
  LeafOptions current;
  current.issuer_v1 = "";
  EXPECT_THAT(Verify(Identity(), SignLayer(IssueLeaf(current))), IsOk()) << "1.3.6.1.4.1.57264.1.8";
}

TEST_F(KeylessVerifierTest, SctAbsentIsAllowedWhenVerifySctIsFalse) {
  LeafOptions options;
  options.sct = LeafOptions::Sct::kNone;
  const SignedLayer layer = SignLayer(IssueLeaf(options));
  EXPECT_THAT(Verify(Identity(), layer, /*verify_sct=*/false), IsOk());
  EXPECT_THAT(Verify(Identity(), layer, /*verify_sct=*/true),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("SCT: certificate has no")));
}

TEST_F(KeylessVerifierTest, FulcioCertMayHoldTheIntermediateInsteadOfTheChainAnnotation) {
  LayerOptions no_chain;
  no_chain.include_chain = false;
  const SignedLayer layer = SignLayer(IssueLeaf(), no_chain);
  EXPECT_THAT(Verify(Identity(), layer),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("does not chain")));
  config::CosignHost host = fixture_->Host();
  host.fulcio_cert = fixture_->RootPem() + fixture_->IntermediatePem();
  auto v = Verifier(Identity(), host);
  ASSERT_NE(v, nullptr);
  EXPECT_THAT(v->VerifyLayer(layer, kDigest, Checks()), IsOk());
}

class KeylessTamperTest : public KeylessVerifierTest,
                          public ::testing::WithParamInterface<TamperCase> {};

TEST_P(KeylessTamperTest, IsDeniedNamingTheCheck) {
  const TamperCase& c = GetParam();
  const Leaf leaf = IssueLeaf(c.leaf);
  LayerOptions options;
  c.layer(options, *fixture_, leaf);
  const SignedLayer layer = SignLayer(leaf, options);
  EXPECT_THAT(Verify(c.identity, layer),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr(c.message)));
}

INSTANTIATE_TEST_SUITE_P(Checks, KeylessTamperTest, ::testing::ValuesIn(KeylessTamperCases()),
                         ::connaisseur::testing::NameOfCase());

TEST_F(KeylessVerifierTest, PayloadForAnotherImageIsDenied) {
  auto v = Verifier(Identity());
  ASSERT_NE(v, nullptr);
  const SignedLayer layer = SignLayer(IssueLeaf());
  EXPECT_THAT(v->VerifyLayer(layer, "sha256:" + std::string(64, 'f'), Checks()),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("names digest")));
}

TEST_F(KeylessVerifierTest, AKeySignedLayerHasNoCertificate) {
  SignedLayer layer = SignLayer(IssueLeaf());
  layer.descriptor.annotations.erase(std::string(kCertificateAnnotation));
  EXPECT_THAT(Verify(Identity(), layer),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("has no signing certificate")));
}

TEST_F(KeylessVerifierTest, RootOutcomeNamesTheLayerThatGotFurthest) {
  auto v = Verifier(Identity("bob@example.com"));
  ASSERT_NE(v, nullptr);
  SignedLayer unsigned_layer = SignLayer(IssueLeaf());
  unsigned_layer.descriptor.annotations.erase(std::string(kCertificateAnnotation));
  const std::vector<SignedLayer> layers = {unsigned_layer, SignLayer(IssueLeaf())};
  RootOutcome outcome = v->CheckRoot("ci", layers, kDigest, Checks());
  EXPECT_FALSE(outcome.valid);
  EXPECT_THAT(outcome.reason, HasSubstr("none of the expected identities matched"));
  auto bob = Verifier(Identity());
  ASSERT_NE(bob, nullptr);
  EXPECT_TRUE(bob->CheckRoot("ci", layers, kDigest, Checks()).valid);
}

TEST_F(KeylessVerifierTest, TransparencyLogCannotBeSwitchedOff) {
  auto v = Verifier(Identity());
  ASSERT_NE(v, nullptr);
  KeylessChecks checks = Checks();
  checks.transparency_log = false;
  RootOutcome outcome = v->CheckRoot("ci", {SignLayer(IssueLeaf())}, kDigest, checks);
  EXPECT_FALSE(outcome.valid);
  EXPECT_THAT(outcome.reason, HasSubstr("verifyInTransparencyLog must not be false"));
}

TEST_F(KeylessVerifierTest, MissingTrustMaterialIsNamed) {
  config::CosignHost no_fulcio = fixture_->Host();
  no_fulcio.fulcio_cert.clear();
  EXPECT_THAT(
      KeylessVerifier::Create(Identity(), no_fulcio),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("host.fulcioCert is not configured")));
  EXPECT_THAT(KeylessVerifier::Create(RegexIdentity("(", ".*"), fixture_->Host()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("keyless.subjectRegex")));
  config::CosignHost no_ct_log = fixture_->Host();
  no_ct_log.ct_log_pubkey.clear();
  auto v = Verifier(Identity(), no_ct_log);
  ASSERT_NE(v, nullptr);
  const SignedLayer layer = SignLayer(IssueLeaf());
  EXPECT_THAT(
      v->VerifyLayer(layer, kDigest, Checks(true)),
      StatusIs(StatusCode::kVerificationFailed, HasSubstr("host.ctLogPubkey is not configured")));
  EXPECT_THAT(v->VerifyLayer(layer, kDigest, Checks(false)), IsOk());
}

// A signature made by `cosign sign` against the public-good instance (containers/image test
// data): the Fulcio chain, the CT log's SCT and the Rekor SET are all real.
TEST(KeylessPublicGoodTest, VerifiesASignatureFromTheSigstoreInstance) {
  config::CosignHost host;
  host.fulcio_cert = ReadTestData("keyless/fulcio_v1.crt.pem");
  host.ct_log_pubkey = ReadTestData("keyless/ctfe_2022.pub");
  auto rekor = crypto::PublicKey::FromPem(ReadTestData("rekor/rekor.pub"));
  ASSERT_THAT(rekor, IsOk());
  SignedLayer layer;
  layer.payload = ReadTestData("rekor/payload.json");
  layer.descriptor.media_type = std::string(kSimpleSigningMediaType);
  layer.descriptor.annotations = {
      {std::string(kSignatureAnnotation), ReadTestData("rekor/signature.b64")},
      {std::string(kCertificateAnnotation), ReadTestData("rekor/signing-cert.pem")},
      {std::string(kChainAnnotation), ReadTestData("keyless/fulcio_intermediate_v1.crt.pem")},
      {std::string(kBundleAnnotation), ReadTestData("rekor/bundle.json")}};
  auto payload = SimpleSigning::Parse(layer.payload);
  ASSERT_THAT(payload, IsOk());
  const KeylessChecks checks{true, true, &*rekor};
  auto ok =
      KeylessVerifier::Create(Identity("mitr@redhat.com", "https://github.com/login/oauth"), host);
  ASSERT_THAT(ok, IsOk());
  EXPECT_THAT((*ok)->VerifyLayer(layer, payload->manifest_digest, checks), IsOk());
  auto other = KeylessVerifier::Create(
      Identity("someone@redhat.com", "https://github.com/login/oauth"), host);
  ASSERT_THAT(other, IsOk());
  EXPECT_THAT((*other)->VerifyLayer(layer, payload->manifest_digest, checks),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("none of the expected identities matched")));
  // The 2022 CT log's key is what vouches for this certificate; another log's key must not.
  host.ct_log_pubkey = ReadTestData("rekor/rekor.pub");
  auto wrong_log =
      KeylessVerifier::Create(Identity("mitr@redhat.com", "https://github.com/login/oauth"), host);
  ASSERT_THAT(wrong_log, IsOk());
  EXPECT_THAT((*wrong_log)->VerifyLayer(layer, payload->manifest_digest, checks),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("SCT: no SCT from the CT log")));
}

}  // namespace
}  // namespace connaisseur::cosign
