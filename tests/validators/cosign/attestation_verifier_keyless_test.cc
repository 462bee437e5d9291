// Keyless attestations (validators/cosign/attestation_verifier.h VerifyKeylessAttestation and
// JudgeAttestations with a keyless root): `.att` layers and sigstore bundles signed with a test
// Fulcio certificate count for a keyless root only after the envelope checks of key
// attestations and the certificate checks of keyless signatures; the keyless tampering table
// runs against both forms, and none of its cases yields an attestation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>

#include "tests/testing/case_name.h"
#include "tests/testing/status_matchers.h"
#include "tests/validators/cosign/keyless_fixture.h"
#include "tests/validators/cosign/keyless_tamper_cases.h"
#include "validators/cosign/attestation_verifier.h"
#include "validators/cosign/attestations.h"
#include "validators/cosign/signature_manifest.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::cosign::testing::AttestationLayer;
using ::connaisseur::cosign::testing::BundleOptions;
using ::connaisseur::cosign::testing::Identity;
using ::connaisseur::cosign::testing::KeylessFixture;
using ::connaisseur::cosign::testing::KeylessTamperCases;
using ::connaisseur::cosign::testing::LayerOptions;
using ::connaisseur::cosign::testing::Leaf;
using ::connaisseur::cosign::testing::LeafOptions;
using ::connaisseur::cosign::testing::TamperCase;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const std::string kDigest = "sha256:" + std::string(64, 'a');
const std::string kOtherDigest = "sha256:" + std::string(64, 'b');

// An in-toto statement of SLSA provenance about `digest`.
std::string Statement(const std::string& digest = kDigest) {
  return R"({"_type":"https://in-toto.io/Statement/v0.1","subject":[{"name":"reg/app","digest":{"sha256":")" +
         digest.substr(7) +
         R"("}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{"builder":{"id":"ci"}}})";
}

class KeylessAttestationTest : public ::testing::Test {
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

  Leaf IssueLeaf(const LeafOptions& options = {}) {
    auto leaf = fixture_->IssueLeaf(options);
    EXPECT_THAT(leaf, IsOk());
    return std::move(leaf).value();
  }

  // A keyless `.att` layer as FindAttestationLayers reads it.
  FoundEnvelope AttLayer(const Leaf& leaf, const LayerOptions& options = {},
                         const std::string& statement = Statement()) {
    auto layer = fixture_->Attest(statement, leaf, options);
    EXPECT_THAT(layer, IsOk());
    FoundEnvelope f;
    f.source = "sha256-aaaa.att layer 0";
    f.envelope = layer->envelope;
    f.stored_envelope = layer->envelope.Serialize();  // the blob as pushed
    auto& a = layer->annotations;
    if (a.count(std::string(kBundleAnnotation))) f.rekor_bundle = a[std::string(kBundleAnnotation)];
    auto cert = SigningCertificate::FromPem(a[std::string(kCertificateAnnotation)],
                                            a[std::string(kChainAnnotation)]);
    EXPECT_THAT(cert, IsOk());
    f.certificate = std::move(cert).value();
    return f;
  }

  // A keyless attestation bundle as EnvelopesOfBundles reads it.
  FoundEnvelope Bundle(const Leaf& leaf, const BundleOptions& options = {}) {
    auto bundle = fixture_->DsseBundle(Statement(), leaf, options);
    EXPECT_THAT(bundle, IsOk());
    std::vector<FetchedBundle> fetched;
    fetched.push_back({"sha256:bbbb", std::move(bundle).value()});
    auto found = EnvelopesOfBundles(fetched);
    EXPECT_THAT(found, SizeIs(1));
    return found.front();
  }

  std::shared_ptr<const KeylessVerifier> Root(const config::Keyless& identity = Identity()) {
    auto v = KeylessVerifier::Create(identity, fixture_->HostWithIntermediate());
    EXPECT_THAT(v, IsOk());
    return v.ok() ? *v : nullptr;
  }

  StatusOr<InTotoStatement> Verify(const FoundEnvelope& f,
                                   const config::Keyless& identity = Identity(),
                                   bool transparency_log = true) {
    auto root = Root(identity);
    if (!root) return InternalError("no verifier");
    return VerifyKeylessAttestation(f, *root, kDigest,
                                    KeylessChecks{true, transparency_log, &*rekor_});
  }

  static KeylessFixture* fixture_;
  std::optional<crypto::PublicKey> rekor_;
};

KeylessFixture* KeylessAttestationTest::fixture_ = nullptr;

TEST_F(KeylessAttestationTest, AKeylessAttLayerOfTheIdentityIsVerified) {
  auto statement = Verify(AttLayer(IssueLeaf()));
  ASSERT_THAT(statement, IsOk());
  EXPECT_EQ(statement->predicate_type, "https://slsa.dev/provenance/v1");
}

TEST_F(KeylessAttestationTest, AnAttLayerLoggedAsIntotoAsCosignAttestDoesIsVerified) {
  for (auto kind : {LayerOptions::AttEntry::kIntotoV2, LayerOptions::AttEntry::kIntotoV1}) {
    LayerOptions options;
    options.att_entry = kind;
    EXPECT_THAT(Verify(AttLayer(IssueLeaf(), options)), IsOk()) << static_cast<int>(kind);
  }
}

TEST_F(KeylessAttestationTest, AnIntotoEntryNamingAnotherCertificateIsDropped) {
  for (auto kind : {LayerOptions::AttEntry::kIntotoV2, LayerOptions::AttEntry::kIntotoV1}) {
    const Leaf leaf = IssueLeaf();
    LayerOptions options;
    options.att_entry = kind;
    // Same key, another certificate (another identity): only the certificate check sees it.
    auto other = fixture_->IssueLeafPem(leaf.key, LeafOptions{.emails = {"mallory@example.com"}});
    ASSERT_THAT(other, IsOk());
    options.entry_certificate_pem = *other;
    EXPECT_THAT(
        Verify(AttLayer(leaf, options)),
        StatusIs(StatusCode::kVerificationFailed,
                 HasSubstr("transparency log entry does not name this signing certificate")))
        << static_cast<int>(kind);
  }
}

TEST_F(KeylessAttestationTest, AKeylessBundleOfTheIdentityIsVerifiedInEitherMaterial) {
  EXPECT_THAT(Verify(Bundle(IssueLeaf())), IsOk());
  BundleOptions chain;
  chain.chain_material = true;
  EXPECT_THAT(Verify(Bundle(IssueLeaf(), chain)), IsOk());
}

TEST_F(KeylessAttestationTest, JudgingHandsOnlyTheVerifiedStatementToThePolicy) {
  auto root = Root();
  ASSERT_NE(root, nullptr);
  AttestationRoot keyless{"ci", nullptr, root.get(), KeylessChecks{true, true, &*rekor_}};
  std::vector<FoundEnvelope> found = {
      AttLayer(IssueLeaf()), AttLayer(IssueLeaf(LeafOptions{.emails = {"mallory@example.com"}})),
      Bundle(IssueLeaf())};
  const AttestationOutcome outcome =
      JudgeAttestations(found, {keyless}, kDigest, TlogPolicy{true, &*rekor_});
  ASSERT_THAT(outcome.attestations, SizeIs(2));
  EXPECT_EQ(outcome.attestations[0].signed_by, "ci");
  EXPECT_EQ(outcome.attestations[1].source, "bundle sha256:bbbb");
  ASSERT_THAT(outcome.errors, SizeIs(1));
  EXPECT_THAT(outcome.errors[0], HasSubstr("none of the expected identities matched"));
}

TEST_F(KeylessAttestationTest, AKeyRootNeverVerifiesAKeylessEnvelope) {
  const Leaf leaf = IssueLeaf();
  auto key = leaf.key.Public();
  ASSERT_THAT(key, IsOk());
  AttestationRoot by_key{"release", &*key, nullptr, {}};
  const AttestationOutcome outcome =
      JudgeAttestations({AttLayer(leaf)}, {by_key}, kDigest, TlogPolicy{true, &*rekor_});
  EXPECT_THAT(outcome.attestations, IsEmpty());
  ASSERT_THAT(outcome.errors, SizeIs(1));
  EXPECT_THAT(outcome.errors[0], HasSubstr("only a keyless root does"));
}

TEST_F(KeylessAttestationTest, AKeylessRootNeverVerifiesAKeySignedEnvelope) {
  FoundEnvelope f = AttLayer(IssueLeaf());
  f.certificate.reset();
  EXPECT_THAT(Verify(f), StatusIs(StatusCode::kVerificationFailed,
                                  HasSubstr("a keyless root does not verify it")));
}

TEST_F(KeylessAttestationTest, AStatementAboutAnotherImageIsDropped) {
  EXPECT_THAT(
      Verify(AttLayer(IssueLeaf(), {}, Statement(kOtherDigest))),
      StatusIs(StatusCode::kVerificationFailed, HasSubstr("statement is about sha256:bbb")));
}

TEST_F(KeylessAttestationTest, TheTransparencyLogCannotBeSwitchedOff) {
  EXPECT_THAT(Verify(AttLayer(IssueLeaf()), Identity(), /*transparency_log=*/false),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("verifyInTransparencyLog must not be false")));
}

TEST_F(KeylessAttestationTest, ABundleWithoutTlogEntryIsDropped) {
  BundleOptions unlogged;
  unlogged.log.include_bundle = false;
  EXPECT_THAT(Verify(Bundle(IssueLeaf(), unlogged)),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("signature not found in transparency log")));
}

class KeylessAttestationTamperTest : public KeylessAttestationTest,
                                     public ::testing::WithParamInterface<TamperCase> {};

TEST_P(KeylessAttestationTamperTest, AttLayerIsDroppedNamingTheCheck) {
  const Leaf leaf = IssueLeaf(GetParam().leaf);
  LayerOptions options;
  GetParam().layer(options, *fixture_, leaf);
  EXPECT_THAT(Verify(AttLayer(leaf, options), GetParam().identity),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr(GetParam().message)));
}

TEST_P(KeylessAttestationTamperTest, BundleIsDroppedNamingTheCheck) {
  const Leaf leaf = IssueLeaf(GetParam().leaf);
  BundleOptions options;
  GetParam().layer(options.log, *fixture_, leaf);
  EXPECT_THAT(Verify(Bundle(leaf, options), GetParam().identity),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(Checks, KeylessAttestationTamperTest,
                         ::testing::ValuesIn(KeylessTamperCases()),
                         ::connaisseur::testing::NameOfCase());

}  // namespace
}  // namespace connaisseur::cosign
