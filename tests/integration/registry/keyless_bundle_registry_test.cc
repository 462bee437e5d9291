// Keyless sigstore bundles and keyless attestations against the real docker-registry: bundles
// signed with a test Fulcio certificate (KeylessFixture: CA, CT log and Rekor made by the test),
// stored as OCI referrers (distribution 2.8 has no referrers API: the referrers tag), admit the
// image for the identity they name and pin it; every keyless tampering case is denied with the
// message of its check. Keyless `.att` layers and attestation bundles reach the rule's result
// only when they verify; tampered ones are left out, named in attestation_errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>

#include "tests/integration/registry/cosign_registry_fixture.h"
#include "tests/testing/case_name.h"
#include "tests/testing/status_matchers.h"
#include "tests/validators/cosign/keyless_fixture.h"
#include "tests/validators/cosign/keyless_tamper_cases.h"
#include "validators/cosign/bundle_verifier.h"
#include "validators/cosign/cosign_validator.h"
#include "validators/cosign/referrers.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::cosign::testing::BundleOptions;
using ::connaisseur::cosign::testing::Identity;
using ::connaisseur::cosign::testing::KeylessFixture;
using ::connaisseur::cosign::testing::KeylessTamperCases;
using ::connaisseur::cosign::testing::LayerOptions;
using ::connaisseur::cosign::testing::Leaf;
using ::connaisseur::cosign::testing::LeafOptions;
using ::connaisseur::cosign::testing::TamperCase;
using ::connaisseur::testing::CosignHostYaml;
using ::connaisseur::testing::CosignRegistryFixture;
using ::connaisseur::testing::CosignValues;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// A keyless trust root's keys in the values, as a user writes them (only the fields set).
std::string KeylessYaml(const config::Keyless& identity) {
  std::string yaml = "keyless:\n";
  const std::pair<const char*, const std::string*> fields[] = {
      {"issuer", &identity.issuer},
      {"issuerRegex", &identity.issuer_regex},
      {"subject", &identity.subject},
      {"subjectRegex", &identity.subject_regex}};
  for (const auto& [name, value] : fields) {
    if (!value->empty()) yaml += std::string("  ") + name + ": '" + *value + "'\n";
  }
  return yaml;
}

config::RuleOptions Rule(bool attestations = false) {
  config::RuleOptions rule;  // verifyInTransparencyLog and verifySCT: true, the defaults
  rule.trust_root = "ci";
  rule.attestations = attestations;
  return rule;
}

// A repository name for a case ("SCT missing" -> "sctmissing").
std::string RepoName(const std::string& case_name) {
  std::string out;
  for (char ch : ::connaisseur::testing::CaseName(case_name)) {
    if (std::isalnum(static_cast<unsigned char>(ch))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
  }
  return out;
}

// An in-toto SLSA provenance statement about `digest`.
std::string Provenance(const std::string& digest) {
  return R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"app","digest":{"sha256":")" +
         digest.substr(7) +
         R"("}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{"builder":{"id":"https://ci.example/builder"}}})";
}

class KeylessBundleRegistryTest : public CosignRegistryFixture {
 protected:
  static void SetUpTestSuite() {
    CosignRegistryFixture::SetUpTestSuite();
    auto f = KeylessFixture::Create();
    ASSERT_THAT(f, IsOk());
    fixture_ = new KeylessFixture(std::move(f).value());  // NOLINT: suite-lifetime fixture
  }
  static void TearDownTestSuite() {
    delete fixture_;  // NOLINT
    fixture_ = nullptr;
    CosignRegistryFixture::TearDownTestSuite();
  }

  // Pushes `repo:v1`; returns the image manifest as the registry serves it.
  registry::Manifest PushImage(const std::string& repo) {
    CosignRegistryFixture::PushImage(repo);
    auto m = client_->GetManifest(host(), repo, "v1", Soon());
    EXPECT_THAT(m, IsOk());
    return m.ok() ? *m : registry::Manifest{};
  }

  void Publish(const std::string& repo, const registry::Manifest& image,
               const StatusOr<SigstoreBundle>& bundle) {
    ASSERT_THAT(bundle, IsOk());
    ASSERT_THAT(PublishBundle(*client_, host(), repo, image, *bundle, Soon()), IsOk());
  }

  // The values' validator `keyless` with the one root `ci` for `identity`. v0.3 bundles carry
  // no intermediate: fulcioCert holds it beside the root, as sigstore's trusted root does.
  std::unique_ptr<CosignValidator> Validator(const config::Keyless& identity = Identity()) {
    CosignValues values{.host = host(),
                        .validator = "keyless",
                        .validator_extra = CosignHostYaml(fixture_->HostWithIntermediate()),
                        .transparency_log = true};
    values.more_trust_roots.emplace_back("ci", KeylessYaml(identity));
    return CosignRegistryFixture::Validator(values);
  }

  Leaf IssueLeaf(const LeafOptions& options = {}) {
    auto leaf = fixture_->IssueLeaf(options);
    EXPECT_THAT(leaf, IsOk());
    return std::move(leaf).value();
  }

  static KeylessFixture* fixture_;
};

KeylessFixture* KeylessBundleRegistryTest::fixture_ = nullptr;

TEST_F(KeylessBundleRegistryTest, AKeylessDsseBundleAdmitsTheImageAndPinsItsDigest) {
  const auto image = PushImage("kbundle/dsse");
  Publish("kbundle/dsse", image,
          fixture_->DsseBundle(CosignSignStatement(image.digest), IssueLeaf(), {}));
  auto v = Validator();
  auto result = v->Verify(Ref(host() + "/kbundle/dsse:v1"), Rule(), Soon());
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->digest, image.digest);
  auto pinned = v->PinDigest(Ref(host() + "/kbundle/dsse:v1"), Soon());
  ASSERT_THAT(pinned, IsOk());
  EXPECT_EQ(*pinned, image.digest);
}

TEST_F(KeylessBundleRegistryTest, AKeylessMessageSignatureChainBundleAdmitsTheImage) {
  const auto image = PushImage("kbundle/message");
  BundleOptions chain;
  chain.chain_material = true;
  Publish("kbundle/message", image, fixture_->MessageBundle(image.body, IssueLeaf(), chain));
  auto result = Validator()->Verify(Ref(host() + "/kbundle/message:v1"), Rule(), Soon());
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->digest, image.digest);
}

TEST_F(KeylessBundleRegistryTest, ABundleForAnotherImageIsDenied) {
  const auto image = PushImage("kbundle/copied");
  const auto other = PushImage("kbundle/other");
  Publish("kbundle/copied", image,
          fixture_->DsseBundle(CosignSignStatement(other.digest), IssueLeaf(), {}));
  EXPECT_THAT(Validator()->Verify(Ref(host() + "/kbundle/copied:v1"), Rule(), Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("names " + other.digest + ", not the image's")));
}

TEST_F(KeylessBundleRegistryTest, ATlogEntryForAnotherSignatureIsDenied) {
  const auto image = PushImage("kbundle/entry");
  const Leaf leaf = IssueLeaf();
  auto bundle = fixture_->DsseBundle(CosignSignStatement(image.digest), leaf, {});
  auto other = fixture_->DsseBundle(CosignSignStatement(image.digest), leaf, {});
  ASSERT_THAT(bundle, IsOk());
  ASSERT_THAT(other, IsOk());
  bundle->tlog_entries = other->tlog_entries;  // logged, but for another signature
  Publish("kbundle/entry", image, bundle);
  EXPECT_THAT(
      Validator()->Verify(Ref(host() + "/kbundle/entry:v1"), Rule(), Soon()),
      StatusIs(StatusCode::kVerificationFailed, HasSubstr("entry does not name this signature")));
}

// Every keyless check, each tampered once in a bundle pushed to the registry.
class KeylessBundleTamperRegistryTest : public KeylessBundleRegistryTest,
                                        public ::testing::WithParamInterface<TamperCase> {};

TEST_P(KeylessBundleTamperRegistryTest, IsDeniedNamingTheCheck) {
  const TamperCase& c = GetParam();
  const std::string repo = "kbundle/tamper-" + RepoName(c.name);
  const auto image = PushImage(repo);
  const Leaf leaf = IssueLeaf(c.leaf);
  BundleOptions options;
  c.layer(options.log, *fixture_, leaf);
  Publish(repo, image, fixture_->DsseBundle(CosignSignStatement(image.digest), leaf, options));
  EXPECT_THAT(Validator(c.identity)->Verify(Ref(host() + "/" + repo + ":v1"), Rule(), Soon()),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr(c.message)));
}

INSTANTIATE_TEST_SUITE_P(Checks, KeylessBundleTamperRegistryTest,
                         ::testing::ValuesIn(KeylessTamperCases()),
                         ::connaisseur::testing::NameOfCase());

TEST_F(KeylessBundleRegistryTest, KeylessAttestationsReachTheResultOnlyWhenVerified) {
  const std::string repo = "kbundle/attested";
  const auto image = PushImage(repo);
  const Leaf leaf = IssueLeaf();
  Publish(repo, image, fixture_->DsseBundle(CosignSignStatement(image.digest), leaf, {}));
  auto att = fixture_->Attest(Provenance(image.digest), leaf, {});
  ASSERT_THAT(att, IsOk());
  ASSERT_THAT(fixture_->PushAttestation(*client_, host(), repo, image.digest, *att, Soon()),
              IsOk());
  Publish(repo, image, fixture_->DsseBundle(Provenance(image.digest), leaf, {}));
  // Signed by another identity: left out, named.
  Publish(repo, image,
          fixture_->DsseBundle(Provenance(image.digest),
                               IssueLeaf(LeafOptions{.emails = {"mallory@example.com"}}), {}));
  auto result = Validator()->Verify(Ref(host() + "/" + repo + ":v1"), Rule(true), Soon());
  ASSERT_THAT(result, IsOk());
  ASSERT_THAT(result->attestations, SizeIs(2));
  for (const auto& a : result->attestations) {
    EXPECT_EQ(a.predicate_type, "https://slsa.dev/provenance/v1");
    EXPECT_EQ(a.signed_by, "ci");
  }
  EXPECT_THAT(result->attestations[0].source, HasSubstr(".att layer 0"));
  EXPECT_THAT(result->attestation_errors,
              ElementsAre(HasSubstr("none of the expected identities matched")));
}

// Every keyless check, each tampered once in a `.att` layer pushed to the registry: the image
// is admitted (its signature is good) but the statement never reaches the result.
class KeylessAttestationTamperRegistryTest : public KeylessBundleRegistryTest,
                                             public ::testing::WithParamInterface<TamperCase> {};

TEST_P(KeylessAttestationTamperRegistryTest, IsLeftOutNamingTheCheck) {
  const TamperCase& c = GetParam();
  const std::string repo = "katt/tamper-" + RepoName(c.name);
  const auto image = PushImage(repo);
  const Leaf leaf = IssueLeaf(c.leaf);
  LayerOptions options;
  c.layer(options, *fixture_, leaf);
  auto att = fixture_->Attest(Provenance(image.digest), leaf, options);
  ASSERT_THAT(att, IsOk());
  ASSERT_THAT(fixture_->PushAttestation(*client_, host(), repo, image.digest, *att, Soon()),
              IsOk());
  // The image's signature: good, for the tamper case's identity.
  const std::string subject = c.identity.subject.empty() ? "alice@example.com" : c.identity.subject;
  auto signer = fixture_->IssueLeaf(LeafOptions{.emails = {subject}});
  ASSERT_THAT(signer, IsOk());
  Publish(repo, image, fixture_->DsseBundle(CosignSignStatement(image.digest), *signer, {}));
  auto result = Validator(c.identity)->Verify(Ref(host() + "/" + repo + ":v1"), Rule(true), Soon());
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->attestations, IsEmpty());
  EXPECT_THAT(result->attestation_errors, ElementsAre(HasSubstr(c.message)));
}

INSTANTIATE_TEST_SUITE_P(Checks, KeylessAttestationTamperRegistryTest,
                         ::testing::ValuesIn(KeylessTamperCases()),
                         ::connaisseur::testing::NameOfCase());

}  // namespace
}  // namespace connaisseur::cosign
