// Keyless sigstore bundles (KeylessVerifier::VerifyBundle and CheckRootBundles): DSSE and
// messageSignature bundles signed with a test Fulcio certificate, in the v0.3 `certificate` and
// the v0.1/v0.2 `x509CertificateChain` material, each verified with the checks of the `.sig`
// path, and the keyless tampering table run against both forms.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>

#include "runtime/crypto/digest.h"
#include "tests/testing/case_name.h"
#include "tests/testing/status_matchers.h"
#include "tests/validators/cosign/keyless_fixture.h"
#include "tests/validators/cosign/keyless_tamper_cases.h"
#include "validators/cosign/bundle_verifier.h"
#include "validators/cosign/keyless_verifier.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::cosign::testing::BundleOptions;
using ::connaisseur::cosign::testing::Identity;
using ::connaisseur::cosign::testing::KeylessFixture;
using ::connaisseur::cosign::testing::KeylessTamperCases;
using ::connaisseur::cosign::testing::Leaf;
using ::connaisseur::cosign::testing::LeafOptions;
using ::connaisseur::cosign::testing::TamperCase;
using ::testing::HasSubstr;

constexpr char kOtherDigest[] =
    "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

class KeylessBundleTest : public ::testing::Test {
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

  // v0.3 bundles carry no intermediate: the host holds it, as sigstore's trusted root does.
  Status Verify(const SigstoreBundle& bundle, const config::Keyless& identity = Identity(),
                bool host_with_intermediate = true, bool transparency_log = true) {
    auto v = KeylessVerifier::Create(
        identity, host_with_intermediate ? fixture_->HostWithIntermediate() : fixture_->Host());
    if (!v.ok()) return v.status();
    const BundleSubject subject{digest_, &manifest_};
    return (*v)->VerifyBundle(bundle, subject, KeylessChecks{true, transparency_log, &*rekor_});
  }

  Leaf IssueLeaf(const LeafOptions& options = {}) {
    auto leaf = fixture_->IssueLeaf(options);
    EXPECT_THAT(leaf, IsOk());
    return std::move(leaf).value();
  }
  SigstoreBundle Dsse(const Leaf& leaf, const BundleOptions& options = {},
                      const std::string& digest = "") {
    auto b =
        fixture_->DsseBundle(CosignSignStatement(digest.empty() ? digest_ : digest), leaf, options);
    EXPECT_THAT(b, IsOk());
    return std::move(b).value();
  }
  SigstoreBundle Message(const Leaf& leaf, const BundleOptions& options = {}) {
    auto b = fixture_->MessageBundle(manifest_, leaf, options);
    EXPECT_THAT(b, IsOk());
    return std::move(b).value();
  }

  static KeylessFixture* fixture_;
  std::optional<crypto::PublicKey> rekor_;
  // Stands in for the image manifest: messageSignature bundles sign these bytes.
  std::string manifest_ = R"({"schemaVersion":2})";
  std::string digest_ = crypto::OciDigest(manifest_);  // the image's digest
};

KeylessFixture* KeylessBundleTest::fixture_ = nullptr;

TEST_F(KeylessBundleTest, AcceptsAV03DsseBundleWhenTheHostHoldsTheIntermediate) {
  EXPECT_THAT(Verify(Dsse(IssueLeaf())), IsOk());
}

TEST_F(KeylessBundleTest, AV03BundleDoesNotChainWithTheRootAlone) {
  EXPECT_THAT(
      Verify(Dsse(IssueLeaf()), Identity(), /*host_with_intermediate=*/false),
      StatusIs(StatusCode::kVerificationFailed, HasSubstr("does not chain to host.fulcioCert")));
}

TEST_F(KeylessBundleTest, AcceptsAV02ChainBundleWithTheRootAlone) {
  BundleOptions chain;
  chain.chain_material = true;
  EXPECT_THAT(Verify(Dsse(IssueLeaf(), chain), Identity(), /*host_with_intermediate=*/false),
              IsOk());
}

TEST_F(KeylessBundleTest, AChainBundleSurvivesSerializeAndParse) {
  BundleOptions chain;
  chain.chain_material = true;
  auto again = SigstoreBundle::Parse(Dsse(IssueLeaf(), chain).Serialize());
  ASSERT_THAT(again, IsOk());
  ASSERT_EQ(again->chain_der.size(), 1u);
  EXPECT_THAT(Verify(*again, Identity(), /*host_with_intermediate=*/false), IsOk());
}

TEST_F(KeylessBundleTest, AcceptsAMessageSignatureBundle) {
  EXPECT_THAT(Verify(Message(IssueLeaf())), IsOk());
}

TEST_F(KeylessBundleTest, AStatementAboutAnotherImageIsDenied) {
  EXPECT_THAT(Verify(Dsse(IssueLeaf(), {}, kOtherDigest)),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("names sha256:fedcba")));
}

TEST_F(KeylessBundleTest, ATlogEntryForAnotherSignatureIsDenied) {
  const Leaf leaf = IssueLeaf();
  SigstoreBundle bundle = Dsse(leaf);
  bundle.tlog_entries = Dsse(leaf).tlog_entries;  // same statement, another signature's entry
  EXPECT_THAT(Verify(bundle), StatusIs(StatusCode::kVerificationFailed,
                                       HasSubstr("entry does not name this signature")));
}

TEST_F(KeylessBundleTest, AKeySignedBundleIsNotKeyless) {
  SigstoreBundle bundle = Dsse(IssueLeaf());
  bundle.key_material = SigstoreBundle::KeyMaterial::kPublicKey;
  EXPECT_THAT(Verify(bundle), StatusIs(StatusCode::kVerificationFailed,
                                       HasSubstr("signed with a key, not a certificate")));
}

TEST_F(KeylessBundleTest, ACertificateThatIsNotDerIsDenied) {
  SigstoreBundle bundle = Dsse(IssueLeaf());
  bundle.certificate_der = "not DER";
  EXPECT_THAT(Verify(bundle), StatusIs(StatusCode::kVerificationFailed,
                                       HasSubstr("signing certificate is not a DER certificate")));
}

TEST_F(KeylessBundleTest, RootOutcomeNamesTheBundleThatGotFurthest) {
  auto v = KeylessVerifier::Create(Identity("bob@example.com"), fixture_->HostWithIntermediate());
  ASSERT_THAT(v, IsOk());
  std::vector<FetchedBundle> bundles;
  bundles.push_back({"sha256:aaa", InvalidArgumentError("not JSON")});
  bundles.push_back({"sha256:bbb", Dsse(IssueLeaf())});
  const RootOutcome outcome = (*v)->CheckRootBundles(
      "ci", bundles, BundleSubject{digest_, &manifest_}, KeylessChecks{true, true, &*rekor_});
  EXPECT_FALSE(outcome.valid);
  EXPECT_THAT(outcome.reason, HasSubstr("bundle sha256:bbb: none of the expected identities"));
  const RootOutcome no_log = (*v)->CheckRootBundles(
      "ci", bundles, BundleSubject{digest_, &manifest_}, KeylessChecks{true, false, &*rekor_});
  EXPECT_THAT(no_log.reason, HasSubstr("verifyInTransparencyLog must not be false"));
}

// The keyless tampering table, once per bundle form.
class KeylessBundleTamperTest : public KeylessBundleTest,
                                public ::testing::WithParamInterface<TamperCase> {
 protected:
  BundleOptions OptionsFor(const Leaf& leaf, bool chain_material) {
    BundleOptions options;
    options.chain_material = chain_material;
    GetParam().layer(options.log, *fixture_, leaf);
    return options;
  }
};

TEST_P(KeylessBundleTamperTest, DsseV03BundleIsDeniedNamingTheCheck) {
  const Leaf leaf = IssueLeaf(GetParam().leaf);
  EXPECT_THAT(Verify(Dsse(leaf, OptionsFor(leaf, false)), GetParam().identity),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr(GetParam().message)));
}

TEST_P(KeylessBundleTamperTest, MessageV02BundleIsDeniedNamingTheCheck) {
  const Leaf leaf = IssueLeaf(GetParam().leaf);
  EXPECT_THAT(Verify(Message(leaf, OptionsFor(leaf, true)), GetParam().identity,
                     /*host_with_intermediate=*/false),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(Checks, KeylessBundleTamperTest, ::testing::ValuesIn(KeylessTamperCases()),
                         ::connaisseur::testing::NameOfCase());

}  // namespace
}  // namespace connaisseur::cosign
