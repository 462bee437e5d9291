// cosign attestations against the real docker-registry (distribution 2.8): `connaisseur sign
// --attest` writes the `.att` layout and, with --bundle, a sigstore bundle referrer (through the
// referrers tag: this registry has no referrers API); the cosign validator reads both when the
// rule asks for `attestations` and returns only the statements that verify. Every tampering
// (payload, key, payloadType, subject, signature over the bare payload) leaves the image's
// signature verdict alone and the statement out, with its reason.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "runtime/cli/commands.h"
#include "runtime/net/http_client.h"
#include "tests/integration/registry/cosign_registry_fixture.h"
#include "tests/integration/registry/test_image.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/testing/status_matchers.h"
#include "validators/cosign/attestation_signer.h"
#include "validators/cosign/attestations.h"
#include "validators/cosign/cosign_validator.h"
#include "validators/cosign/referrers.h"
#include "validators/cosign/signer.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::testing::CosignRegistryFixture;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

config::RuleOptions Rule(bool attestations) {
  config::RuleOptions o;
  o.verify_in_transparency_log = false;
  o.attestations = attestations;
  return o;
}

constexpr char kSlsa1[] = "https://slsa.dev/provenance/v1";
const nlohmann::json kProvenance = {
    {"buildDefinition", {{"buildType", "https://example.com/build"}}},
    {"runDetails", {{"builder", {{"id", "https://ci.example.com/builder"}}}}}};

class CosignAttestationRegistryTest : public CosignRegistryFixture {
 protected:
  void SetUp() override {
    CosignRegistryFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto v = LoadValidator(KeyValues("attested", {{"default", &alice_}}), PlainHttp());
    ASSERT_THAT(v, IsOk());
    validator_ = std::move(v).value();
  }

  // Pushes a one-layer image under `repo:v1`, signed by alice in the .sig layout.
  std::string PushSignedImage(const std::string& repo) {
    const std::string digest = PushImage(repo);
    EXPECT_THAT(SignImage(*client_, Ref(host() + "/" + repo + ":v1"), alice_, {}, Soon()), IsOk());
    return digest;
  }

  // alice's envelope attesting kProvenance about `digest`.
  DsseEnvelope AliceEnvelope(const std::string& digest) {
    auto e = MakeAttestationEnvelope("reg/app", digest, kSlsa1, kProvenance,
                                     PrivateKeySigner(alice_), Soon());
    EXPECT_THAT(e, IsOk());
    return std::move(e).value();
  }

  void PublishLayer(const std::string& repo, const std::string& digest, const DsseEnvelope& e) {
    ASSERT_THAT(PublishAttestationLayer(*client_, host(), repo, digest, e, kSlsa1, Soon()), IsOk());
  }

  // Verifies `repo:v1` asking for attestations: the signature must pass whatever they are.
  verification::VerifiedImage Verified(const std::string& repo) {
    auto r = validator_->Verify(Ref(host() + "/" + repo + ":v1"), Rule(true), Soon());
    EXPECT_THAT(r, IsOk()) << repo;
    return r.ok() ? std::move(r).value() : verification::VerifiedImage{};
  }

  // alice signs `message` (for envelopes built by hand).
  std::string AliceSigns(std::string_view message) {
    auto sig = alice_.Sign(message, CosignScheme(alice_.type()));
    EXPECT_THAT(sig, IsOk());
    return sig.ok() ? *sig : "";
  }

  crypto::PrivateKey alice_ = NewKey(), mallory_ = NewKey();
  std::unique_ptr<CosignValidator> validator_;
};

TEST_F(CosignAttestationRegistryTest, AttestCommandWritesTheAttLayoutAndTheStatementIsVerified) {
  const std::string digest = PushSignedImage("att/cli");
  auto dir = testing::MakeTempDir("cn-attest");
  ASSERT_THAT(dir, IsOk());
  ASSERT_THAT(testing::WriteFile(*dir + "/alice.key", alice_.PrivatePem()), IsOk());
  ASSERT_THAT(testing::WriteFile(*dir + "/provenance.json", kProvenance.dump()), IsOk());
  const std::string key = *dir + "/alice.key", predicate = *dir + "/provenance.json";
  const std::string ref = host() + "/att/cli:v1";
  const std::vector<std::string_view> args = {
      "--key", key, "--attest", predicate, "--type", "slsaprovenance1", "--insecure-http", ref};
  ASSERT_EQ(cli::RunSign(args), 0);
  std::filesystem::remove_all(*dir);

  // The layout cosign writes: sha256-<hex>.att, one DSSE layer annotated with its predicate type.
  auto tag = AttestationTag(digest);
  ASSERT_THAT(tag, IsOk());
  EXPECT_EQ(*tag, "sha256-" + digest.substr(7) + ".att");
  auto att = client_->GetManifest(host(), "att/cli", *tag, Soon());
  ASSERT_THAT(att, IsOk());
  const auto manifest = nlohmann::json::parse(att->body);
  EXPECT_EQ(manifest["mediaType"], "application/vnd.oci.image.manifest.v1+json");
  ASSERT_EQ(manifest["layers"].size(), 1u);
  const auto& layer = manifest["layers"][0];
  EXPECT_EQ(layer["mediaType"], "application/vnd.dsse.envelope.v1+json");
  EXPECT_EQ(layer["annotations"]["predicateType"], kSlsa1);
  auto blob = client_->GetBlob(host(), "att/cli", layer["digest"].get<std::string>(),
                               layer["size"].get<int64_t>(), Soon());
  ASSERT_THAT(blob, IsOk());
  auto envelope = DsseEnvelope::Parse(*blob);
  ASSERT_THAT(envelope, IsOk()) << *blob;
  EXPECT_EQ(envelope->payload_type, "application/vnd.in-toto+json");
  const auto statement = nlohmann::json::parse(envelope->payload);
  EXPECT_EQ(statement["_type"], "https://in-toto.io/Statement/v0.1");
  EXPECT_EQ(statement["subject"][0]["digest"]["sha256"], digest.substr(7));
  EXPECT_EQ(statement["predicate"], kProvenance);

  const verification::VerifiedImage verified = Verified("att/cli");
  EXPECT_EQ(verified.digest, digest);
  ASSERT_THAT(verified.attestations, SizeIs(1));
  EXPECT_THAT(verified.attestation_errors, IsEmpty());
  EXPECT_EQ(verified.attestations[0].predicate_type, kSlsa1);
  EXPECT_EQ(nlohmann::json::parse(verified.attestations[0].predicate_json), kProvenance);
  EXPECT_EQ(verified.attestations[0].signed_by, "default");
  EXPECT_EQ(verified.attestations[0].source, *tag + " layer 0");

  // Not asked for: not read.
  auto plain = validator_->Verify(Ref(ref), Rule(false), Soon());
  ASSERT_THAT(plain, IsOk());
  EXPECT_THAT(plain->attestations, IsEmpty());
}

TEST_F(CosignAttestationRegistryTest, AttestCommandWithBundleWritesAReferrerThatIsVerified) {
  const std::string digest = PushSignedImage("att/bundle");
  auto dir = testing::MakeTempDir("cn-attest-bundle");
  ASSERT_THAT(dir, IsOk());
  ASSERT_THAT(testing::WriteFile(*dir + "/alice.key", alice_.PrivatePem()), IsOk());
  const nlohmann::json sbom = {{"spdxVersion", "SPDX-2.3"},
                               {"packages", {{{"name", "openssl"}}, {{"name", "zlib"}}}}};
  ASSERT_THAT(testing::WriteFile(*dir + "/sbom.json", sbom.dump()), IsOk());
  const std::string key = *dir + "/alice.key", predicate = *dir + "/sbom.json";
  const std::string ref = host() + "/att/bundle:v1";
  const std::vector<std::string_view> args = {"--key",  key,        "--attest", predicate,
                                              "--type", "spdxjson", "--bundle", "--insecure-http",
                                              ref};
  ASSERT_EQ(cli::RunSign(args), 0);
  std::filesystem::remove_all(*dir);

  auto att_tag = AttestationTag(digest);
  EXPECT_THAT(client_->GetManifest(host(), "att/bundle", *att_tag, Soon()),
              StatusIs(StatusCode::kNotFound, ::testing::_))
      << "a bundle attestation writes no .att tag";
  auto referrers_tag = ReferrersTag(digest);
  ASSERT_THAT(client_->GetManifest(host(), "att/bundle", *referrers_tag, Soon()), IsOk());

  const verification::VerifiedImage verified = Verified("att/bundle");
  ASSERT_THAT(verified.attestations, SizeIs(1));
  EXPECT_THAT(verified.attestation_errors, IsEmpty());
  EXPECT_EQ(verified.attestations[0].predicate_type, "https://spdx.dev/Document");
  EXPECT_EQ(nlohmann::json::parse(verified.attestations[0].predicate_json), sbom);
  EXPECT_THAT(verified.attestations[0].source, HasSubstr("bundle sha256:"));
}

TEST_F(CosignAttestationRegistryTest, TamperedPayloadIsLeftOut) {
  const std::string digest = PushSignedImage("att/tampered");
  DsseEnvelope e = AliceEnvelope(digest);
  e.payload.replace(e.payload.find("ci.example.com"), 14, "ci.attacker.io");
  PublishLayer("att/tampered", digest, e);
  const auto verified = Verified("att/tampered");
  EXPECT_THAT(verified.attestations, IsEmpty());
  EXPECT_THAT(verified.attestation_errors,
              ElementsAre(AllOf(HasSubstr(".att layer 0"), HasSubstr("does not verify"))));
}

TEST_F(CosignAttestationRegistryTest, AnotherKeysAttestationIsLeftOut) {
  const std::string digest = PushSignedImage("att/other-key");
  auto e = MakeAttestationEnvelope("reg/app", digest, kSlsa1, kProvenance,
                                   PrivateKeySigner(mallory_), Soon());
  ASSERT_THAT(e, IsOk());
  PublishLayer("att/other-key", digest, *e);
  const auto verified = Verified("att/other-key");
  EXPECT_THAT(verified.attestations, IsEmpty());
  EXPECT_THAT(verified.attestation_errors, ElementsAre(HasSubstr("does not verify")));
}

TEST_F(CosignAttestationRegistryTest, AnotherPayloadTypeIsLeftOut) {
  const std::string digest = PushSignedImage("att/payload-type");
  DsseEnvelope e = AliceEnvelope(digest);
  e.payload_type = "application/json";
  e.signatures = {AliceSigns(DssePae(e.payload_type, e.payload))};
  PublishLayer("att/payload-type", digest, e);
  const auto verified = Verified("att/payload-type");
  EXPECT_THAT(verified.attestations, IsEmpty());
  EXPECT_THAT(verified.attestation_errors, ElementsAre(HasSubstr("payloadType")));
}

TEST_F(CosignAttestationRegistryTest, AStatementAboutAnotherImageIsLeftOut) {
  const std::string digest = PushSignedImage("att/other-subject");
  const std::string other = PushSignedImage("att/other-image");
  PublishLayer("att/other-subject", digest, AliceEnvelope(other));  // copied from another image
  const auto verified = Verified("att/other-subject");
  EXPECT_THAT(verified.attestations, IsEmpty());
  EXPECT_THAT(verified.attestation_errors,
              ElementsAre(HasSubstr("statement is about " + other + ", not the image's")));
}

TEST_F(CosignAttestationRegistryTest, ASignatureOverTheBarePayloadIsLeftOut) {
  const std::string digest = PushSignedImage("att/not-pae");
  DsseEnvelope e = AliceEnvelope(digest);
  e.signatures = {AliceSigns(e.payload)};
  PublishLayer("att/not-pae", digest, e);
  const auto verified = Verified("att/not-pae");
  EXPECT_THAT(verified.attestations, IsEmpty());
  EXPECT_THAT(verified.attestation_errors, ElementsAre(HasSubstr("does not verify")));
}

TEST_F(CosignAttestationRegistryTest, OnlyTheVerifiedOfSeveralLayersAreReturned) {
  const std::string digest = PushSignedImage("att/mixed");
  DsseEnvelope bad = AliceEnvelope(digest);
  bad.signatures = {AliceSigns(bad.payload)};
  PublishLayer("att/mixed", digest, bad);
  PublishLayer("att/mixed", digest, AliceEnvelope(digest));
  const auto verified = Verified("att/mixed");
  ASSERT_THAT(verified.attestations, SizeIs(1));
  EXPECT_THAT(verified.attestations[0].source, HasSubstr(".att layer 1"));
  EXPECT_THAT(verified.attestation_errors, ElementsAre(HasSubstr(".att layer 0")));
}

TEST_F(CosignAttestationRegistryTest, AnUnsignedImageIsDeniedWhateverItsAttestations) {
  const std::string repo = "att/unsigned";
  auto digest = testing::PushTestImage(*client_, host(), repo, "v1", Soon());
  ASSERT_THAT(digest, IsOk());
  PublishLayer(repo, *digest, AliceEnvelope(*digest));
  EXPECT_THAT(validator_->Verify(Ref(host() + "/" + repo + ":v1"), Rule(true), Soon()),
              StatusIs(StatusCode::kNotFound, HasSubstr("no signatures found")));
}

}  // namespace
}  // namespace connaisseur::cosign
