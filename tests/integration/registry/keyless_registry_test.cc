// Keyless cosign signatures against the real docker-registry: an image whose `.sig` manifest
// holds a layer signed with a test Fulcio certificate (KeylessFixture: CA, CT log and Rekor made
// by the test) is admitted for the identity it names and pinned to its digest; another identity
// is denied; a keyless root counts beside a key root toward the threshold.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/crypto/digest.h"
#include "tests/integration/registry/cosign_registry_fixture.h"
#include "tests/testing/status_matchers.h"
#include "tests/validators/cosign/keyless_fixture.h"
#include "validators/cosign/cosign_validator.h"
#include "validators/cosign/signature_manifest.h"
#include "validators/cosign/signer.h"
#include "validators/cosign/simple_signing.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::cosign::testing::KeylessFixture;
using ::connaisseur::cosign::testing::Leaf;
using ::connaisseur::testing::CosignHostYaml;
using ::connaisseur::testing::CosignRegistryFixture;
using ::connaisseur::testing::KeyTrustRoot;
using ::connaisseur::testing::RegistryProcess;
using ::testing::HasSubstr;

// A keyless trust root `name` for `subject` as issued by the test issuer, as values YAML.
std::pair<std::string, std::string> KeylessRoot(const std::string& name,
                                                const std::string& subject) {
  return {name, "keyless:\n  issuer: https://accounts.example.com\n  subject: " + subject + "\n"};
}

class KeylessRegistryTest : public CosignRegistryFixture {
 protected:
  static void SetUpTestSuite() {
    CosignRegistryFixture::SetUpTestSuite();
    if (!RegistryProcess::Available()) return;
    auto f = KeylessFixture::Create();
    ASSERT_THAT(f, IsOk());
    fixture_ = std::make_unique<KeylessFixture>(std::move(f).value());
  }
  static void TearDownTestSuite() {
    CosignRegistryFixture::TearDownTestSuite();
    fixture_.reset();
  }

  std::string Payload(const std::string& repo, const std::string& digest) const {
    SimpleSigning payload;
    payload.docker_reference = DockerReference(host(), repo);
    payload.manifest_digest = digest;
    payload.type = std::string(kSimpleSigningType);
    return payload.Serialize();
  }

  // Writes a `.sig` manifest whose layers all carry `payload`, each with its annotations.
  void PushSignatures(const std::string& repo, const std::string& digest,
                      const std::string& payload,
                      const std::vector<std::map<std::string, std::string>>& layers) {
    ASSERT_THAT(client_->PutBlob(host(), repo, payload, Soon()), IsOk());
    std::vector<std::string> digests(layers.size(), crypto::OciDigest(payload));
    const std::string config = SignatureConfig(digests);
    ASSERT_THAT(client_->PutBlob(host(), repo, config, Soon()), IsOk());
    SignatureManifest m;
    m.config = {std::string(kOciConfigMediaType),
                crypto::OciDigest(config),
                static_cast<int64_t>(config.size()),
                {}};
    for (const auto& annotations : layers) {
      m.layers.push_back({std::string(kSimpleSigningMediaType), crypto::OciDigest(payload),
                          static_cast<int64_t>(payload.size()), annotations});
    }
    auto tag = SignatureTag(digest);
    ASSERT_THAT(tag, IsOk());
    ASSERT_THAT(
        client_->PutManifest(host(), repo, *tag, m.Serialize(), kOciManifestMediaType, Soon()),
        IsOk());
  }

  // The `.sig` manifest cosign's keyless signing writes: one layer, signed with `leaf`'s key,
  // with certificate, chain and Rekor bundle annotations.
  void SignKeyless(const std::string& repo, const std::string& digest, const Leaf& leaf) {
    ASSERT_THAT(fixture_->PushSignature(*client_, host(), repo, digest, leaf, Soon()), IsOk());
  }

  // A validator with these roots (name, values YAML) and the fixture's Fulcio, CT log and Rekor.
  std::unique_ptr<CosignValidator> Validator(
      std::vector<std::pair<std::string, std::string>> roots) {
    return CosignRegistryFixture::Validator({.host = host(),
                                             .validator = "keyless",
                                             .validator_extra = CosignHostYaml(fixture_->Host()),
                                             .more_trust_roots = std::move(roots)});
  }

  Leaf IssueLeaf(const std::string& email) {
    testing::LeafOptions options;
    options.emails = {email};
    auto leaf = fixture_->IssueLeaf(options);
    EXPECT_THAT(leaf, IsOk());
    return std::move(leaf).value();
  }

  static inline std::unique_ptr<KeylessFixture> fixture_;
};

TEST_F(KeylessRegistryTest, KeylessSignedImageIsAdmittedAndPinnedToItsDigest) {
  const std::string digest = PushImage("keyless/app", "v1");
  SignKeyless("keyless/app", digest, IssueLeaf("ci@example.com"));
  auto v = Validator({KeylessRoot("ci", "ci@example.com")});
  config::RuleOptions rule;  // verifyInTransparencyLog and verifySCT: true, the defaults
  rule.trust_root = "ci";
  auto result = v->Verify(Ref(host() + "/keyless/app:v1"), rule, Soon());
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->digest, digest);
  auto pinned = v->PinDigest(Ref(host() + "/keyless/app:v1"), Soon());
  ASSERT_THAT(pinned, IsOk());
  EXPECT_EQ(*pinned, digest);
}

TEST_F(KeylessRegistryTest, AnotherIdentityIsDenied) {
  const std::string digest = PushImage("keyless/other", "v1");
  SignKeyless("keyless/other", digest, IssueLeaf("mallory@example.com"));
  auto v = Validator({KeylessRoot("ci", "ci@example.com")});
  config::RuleOptions rule;
  rule.trust_root = "ci";
  EXPECT_THAT(v->Verify(Ref(host() + "/keyless/other:v1"), rule, Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("none of the expected identities matched")));
}

TEST_F(KeylessRegistryTest, TransparencyLogOffDeniesKeylessRoots) {
  const std::string digest = PushImage("keyless/notlog", "v1");
  SignKeyless("keyless/notlog", digest, IssueLeaf("ci@example.com"));
  auto v = Validator({KeylessRoot("ci", "ci@example.com")});
  config::RuleOptions rule;
  rule.trust_root = "ci";
  rule.verify_in_transparency_log = false;
  EXPECT_THAT(v->Verify(Ref(host() + "/keyless/notlog:v1"), rule, Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("verifyInTransparencyLog must not be false")));
}

TEST_F(KeylessRegistryTest, KeylessAndKeyRootsCountTogetherTowardTheThreshold) {
  const std::string repo = "keyless/both";
  const std::string digest = PushImage(repo, "v1");
  const std::string payload = Payload(repo, digest);
  auto keyless = fixture_->Annotations(payload, IssueLeaf("ci@example.com"), {});
  ASSERT_THAT(keyless, IsOk());
  // A key-signed layer with a Rekor bundle naming the key (what `cosign sign --key` uploads).
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(key, IsOk());
  const std::string key_pem = key->PublicPem();
  testing::LayerOptions no_chain;
  no_chain.include_chain = false;
  auto keyed = fixture_->Annotations(payload, Leaf{std::move(key).value(), key_pem}, no_chain);
  ASSERT_THAT(keyed, IsOk());
  keyed->erase(std::string(kCertificateAnnotation));
  auto v = Validator({KeylessRoot("ci", "ci@example.com"), {"release", KeyTrustRoot(key_pem)}});
  config::RuleOptions rule;
  rule.trust_root = "*";
  rule.threshold = 2;
  PushSignatures(repo, digest, payload, {*keyless});
  EXPECT_THAT(v->Verify(Ref(host() + "/" + repo + ":v1"), rule, Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("validation threshold not reached (1/2)")));
  PushSignatures(repo, digest, payload, {*keyless, *keyed});
  auto both = v->Verify(Ref(host() + "/" + repo + ":v1"), rule, Soon());
  ASSERT_THAT(both, IsOk());
  EXPECT_EQ(both->digest, digest);
}

}  // namespace
}  // namespace connaisseur::cosign
