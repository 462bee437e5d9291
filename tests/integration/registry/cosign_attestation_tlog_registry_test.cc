// cosign attestations with the transparency log verified, against the real docker-registry
// (distribution 2.8). `cosign attest` logs each `.att` layer's envelope in Rekor as an `intoto`
// entry and annotates the layer with the offline bundle; there is no Rekor server here, so the
// test logs the blobs the registry serves with a test Rekor key (tests/validators/cosign/
// test_rekor.h) and annotates the layers itself, as cosign would. An entry for the layer's own
// blob (intoto 0.0.2 or 0.0.1) makes the statement count; an entry for another envelope, by
// another key or with a forged promise leaves it out with its reason.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "runtime/cli/commands.h"
#include "runtime/net/http_client.h"
#include "tests/integration/registry/cosign_registry_fixture.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/testing/status_matchers.h"
#include "tests/validators/cosign/test_rekor.h"
#include "validators/cosign/attestation_signer.h"
#include "validators/cosign/attestations.h"
#include "validators/cosign/cosign_validator.h"
#include "validators/cosign/signature_manifest.h"
#include "validators/cosign/signer.h"

namespace connaisseur::cosign {
namespace {

namespace ct = ::connaisseur::testing;
using ::connaisseur::cosign::testing::IntotoUpload;
using ::connaisseur::cosign::testing::IntotoV1Body;
using ::connaisseur::cosign::testing::IntotoV2Body;
using ::connaisseur::cosign::testing::RekorBundleJson;
using ::connaisseur::cosign::testing::Sha256Of;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using json = nlohmann::json;

// Makes the Rekor entry body for a layer from its blob and annotations.
using EntryOf = std::function<json(const std::string& blob, const json& annotations)>;

constexpr char kSlsa1[] = "https://slsa.dev/provenance/v1";
const json kProvenance = {{"runDetails", {{"builder", {{"id", "https://ci.example.com/b"}}}}}};

class CosignAttestationTlogRegistryTest : public ct::CosignRegistryFixture {
 protected:
  void SetUp() override {
    CosignRegistryFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ct::CosignValues values = KeyValues("attested", {{"default", &alice_}});
    config::CosignHost rekor;
    rekor.rekor_pubkey = rekor_.PublicPem();
    values.validator_extra = ct::CosignHostYaml(rekor);
    auto v = LoadValidator(values, PlainHttp());
    ASSERT_THAT(v, IsOk());
    validator_ = std::move(v).value();
  }

  // Pushes `repo:v1`, signed by alice in the `.sig` layout with its hashedrekord entry logged.
  std::string PushLoggedImage(const std::string& repo) {
    const std::string digest = PushImage(repo);
    if (digest.empty()) return "";
    EXPECT_THAT(SignImage(*client_, Ref(host() + "/" + repo + ":v1"), alice_, {}, Soon()), IsOk());
    LogLayer(repo, SignatureTag(digest).value(), 0, HashedRekord(), rekor_);
    return digest;
  }

  // Attests kProvenance about `repo:v1` with `connaisseur sign --attest` as alice.
  void AttestWithCli(const std::string& repo) {
    auto dir = ct::MakeTempDir("cn-attest-tlog");
    ASSERT_THAT(dir, IsOk());
    ASSERT_THAT(ct::WriteFile(*dir + "/alice.key", alice_.PrivatePem()), IsOk());
    ASSERT_THAT(ct::WriteFile(*dir + "/provenance.json", kProvenance.dump()), IsOk());
    const std::string key = *dir + "/alice.key", predicate = *dir + "/provenance.json";
    const std::string ref = host() + "/" + repo + ":v1";
    const std::vector<std::string_view> args = {
        "--key", key, "--attest", predicate, "--type", "slsaprovenance1", "--insecure-http", ref};
    EXPECT_EQ(cli::RunSign(args), 0);
    std::filesystem::remove_all(*dir);
  }

  // One more `.att` layer: `signer`'s envelope attesting kProvenance about `digest`.
  void PublishLayer(const std::string& repo, const std::string& digest,
                    const crypto::PrivateKey& signer) {
    auto e = MakeAttestationEnvelope(host() + "/" + repo, digest, kSlsa1, kProvenance,
                                     PrivateKeySigner(signer), Soon());
    ASSERT_THAT(e, IsOk());
    ASSERT_THAT(PublishAttestationLayer(*client_, host(), repo, digest, *e, kSlsa1, Soon()),
                IsOk());
  }

  // The blob of layer `index` of `repo:tag`.
  std::string LayerBlob(const std::string& repo, const std::string& tag, size_t index) {
    auto served = client_->GetManifest(host(), repo, tag, Soon());
    EXPECT_THAT(served, IsOk()) << tag;
    if (!served.ok()) return "";
    const json layer = json::parse(served->body)["layers"][index];
    auto blob = client_->GetBlob(host(), repo, layer["digest"].get<std::string>(),
                                 layer["size"].get<int64_t>(), Soon());
    EXPECT_THAT(blob, IsOk());
    return blob.ok() ? *blob : "";
  }

  // Annotates layer `index` of `repo:tag` with the Rekor bundle of the entry `entry` makes from
  // that layer, its SET signed by `set_signer` (the test Rekor's key, or a forger's).
  void LogLayer(const std::string& repo, const std::string& tag, size_t index, const EntryOf& entry,
                const crypto::PrivateKey& set_signer) {
    auto served = client_->GetManifest(host(), repo, tag, Soon());
    ASSERT_THAT(served, IsOk()) << tag;
    json manifest = json::parse(served->body);
    json& annotations = manifest["layers"][index]["annotations"];
    annotations[std::string(kBundleAnnotation)] =
        RekorBundleJson(entry(LayerBlob(repo, tag, index), annotations), rekor_, set_signer);
    ASSERT_THAT(client_->PutManifest(host(), repo, tag, manifest.dump(),
                                     "application/vnd.oci.image.manifest.v1+json", Soon()),
                IsOk());
  }

  // What Rekor logs for cosign's `.sig` layer: its signature over the payload blob, by alice.
  EntryOf HashedRekord() const {
    return [this](const std::string& blob, const json& annotations) -> json {
      return {{"apiVersion", "0.0.1"},
              {"kind", "hashedrekord"},
              {"spec",
               {{"signature",
                 {{"content", annotations[std::string(kSignatureAnnotation)]},
                  {"publicKey", {{"content", crypto::Base64Encode(alice_.PublicPem())}}}}},
                {"data", {{"hash", Sha256Of(blob)}}}}}};
    };
  }

  // What Rekor logs for `cosign attest`: an intoto entry for `uploaded` (the layer's own blob
  // when empty) signed by `signer`.
  static EntryOf Intoto(json (*make)(const IntotoUpload&), const crypto::PrivateKey& signer,
                        std::string uploaded = "") {
    return [make, &signer, uploaded](const std::string& blob, const json&) {
      return make({uploaded.empty() ? blob : uploaded, signer.PublicPem()});
    };
  }

  verification::VerifiedImage Verified(const std::string& repo) {
    config::RuleOptions rule;
    rule.verify_in_transparency_log = true;
    rule.attestations = true;
    auto r = validator_->Verify(Ref(host() + "/" + repo + ":v1"), rule, Soon());
    EXPECT_THAT(r, IsOk()) << repo;
    return r.ok() ? std::move(r).value() : verification::VerifiedImage{};
  }

  crypto::PrivateKey alice_ = NewKey(), mallory_ = NewKey(), rekor_ = NewKey();
  std::unique_ptr<CosignValidator> validator_;
};

TEST_F(CosignAttestationTlogRegistryTest, AttLayersLoggedAsIntotoEntriesAreVerified) {
  const std::string repo = "att-tlog/logged";
  const std::string digest = PushLoggedImage(repo);
  AttestWithCli(repo);
  PublishLayer(repo, digest, alice_);
  const std::string tag = AttestationTag(digest).value();
  LogLayer(repo, tag, 0, Intoto(IntotoV2Body, alice_), rekor_);
  LogLayer(repo, tag, 1, Intoto(IntotoV1Body, alice_), rekor_);
  const verification::VerifiedImage verified = Verified(repo);
  EXPECT_EQ(verified.digest, digest);
  EXPECT_THAT(verified.attestation_errors, IsEmpty());
  ASSERT_THAT(verified.attestations, SizeIs(2));
  EXPECT_EQ(verified.attestations[0].source, tag + " layer 0");
  EXPECT_EQ(verified.attestations[1].source, tag + " layer 1");
  EXPECT_EQ(json::parse(verified.attestations[0].predicate_json), kProvenance);
}

TEST_F(CosignAttestationTlogRegistryTest, AnUnloggedAttLayerIsLeftOutWithTheLogOn) {
  const std::string repo = "att-tlog/unlogged";
  const std::string digest = PushLoggedImage(repo);
  AttestWithCli(repo);
  const verification::VerifiedImage verified = Verified(repo);
  EXPECT_EQ(verified.digest, digest) << "the signature is logged: the image verifies";
  EXPECT_THAT(verified.attestations, IsEmpty());
  EXPECT_THAT(verified.attestation_errors,
              ElementsAre(HasSubstr("signature not found in transparency log")));
}

TEST_F(CosignAttestationTlogRegistryTest, TamperedIntotoEntriesLeaveTheirStatementsOut) {
  const std::string repo = "att-tlog/tampered";
  const std::string digest = PushLoggedImage(repo);
  AttestWithCli(repo);
  PublishLayer(repo, digest, alice_);
  PublishLayer(repo, digest, alice_);
  PublishLayer(repo, digest, alice_);
  const std::string tag = AttestationTag(digest).value();
  const std::string other_envelope = LayerBlob(repo, tag, 1);
  LogLayer(repo, tag, 0, Intoto(IntotoV2Body, alice_, other_envelope), rekor_);
  LogLayer(repo, tag, 1, Intoto(IntotoV2Body, alice_), mallory_);  // a forged promise
  LogLayer(repo, tag, 2, Intoto(IntotoV2Body, mallory_), rekor_);  // names mallory's key
  LogLayer(repo, tag, 3, Intoto(IntotoV1Body, alice_, other_envelope), rekor_);
  const verification::VerifiedImage verified = Verified(repo);
  EXPECT_EQ(verified.digest, digest);
  EXPECT_THAT(verified.attestations, IsEmpty());
  EXPECT_THAT(verified.attestation_errors,
              ElementsAre(AllOf(HasSubstr(tag + " layer 0"), HasSubstr("envelope's sha256")),
                          AllOf(HasSubstr(tag + " layer 1"), HasSubstr("signed entry timestamp")),
                          AllOf(HasSubstr(tag + " layer 2"), HasSubstr("another key")),
                          AllOf(HasSubstr(tag + " layer 3"), HasSubstr("envelope's sha256"))));
}

}  // namespace
}  // namespace connaisseur::cosign
