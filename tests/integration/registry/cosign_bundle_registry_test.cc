// Sigstore bundles stored as OCI referrers, against the real docker-registry (distribution 2.8,
// which has no referrers API: its 404 there sends readers and writers to the referrers tag
// sha256-<hex>). `connaisseur sign --bundle` writes the layout; the cosign validator finds and
// verifies it, with the .sig layout beside it; every tampering denies with its reason. The
// referrers API path itself runs against a fixture in tests/validators/cosign/referrers_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "runtime/cli/commands.h"
#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "runtime/net/http_client.h"
#include "tests/integration/registry/cosign_registry_fixture.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/testing/status_matchers.h"
#include "validators/cosign/bundle_signer.h"
#include "validators/cosign/bundle_verifier.h"
#include "validators/cosign/cosign_validator.h"
#include "validators/cosign/referrers.h"
#include "validators/cosign/rekor_bundle.h"
#include "validators/cosign/signer.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::testing::CosignRegistryFixture;
using ::testing::AllOf;
using ::testing::HasSubstr;

config::RuleOptions Rule(std::string root, bool tlog = false,
                         std::optional<int> threshold = std::nullopt) {
  config::RuleOptions o;
  o.trust_root = std::move(root);
  o.threshold = threshold;
  o.verify_in_transparency_log = tlog;
  return o;
}

// A Rekor stand-in: logs an entry by signing its SET with a key of its own.
struct TestRekor {
  crypto::PrivateKey key = CosignRegistryFixture::NewKey();

  // A `dsse` entry naming `signature` over `payload` by `signer`, with its inclusion promise.
  BundleTlogEntry Log(std::string_view signature, std::string_view payload,
                      const crypto::PrivateKey& signer) const {
    nlohmann::json body = {
        {"apiVersion", "0.0.1"},
        {"kind", "dsse"},
        {"spec",
         {{"payloadHash", {{"algorithm", "sha256"}, {"value", crypto::Sha256Hex(payload)}}},
          {"signatures",
           nlohmann::json::array({{{"signature", crypto::Base64Encode(signature)},
                                   {"verifier", crypto::Base64Encode(signer.PublicPem())}}})}}}};
    BundleTlogEntry e;
    e.log_index = 4711;
    e.integrated_time = 1767225600;
    e.kind = "dsse";
    e.version = "0.0.1";
    e.canonicalized_body = crypto::Base64Encode(body.dump());
    auto pub = key.Public();
    EXPECT_THAT(pub, IsOk());
    const auto id = crypto::Sha256(pub->spki_der());
    e.log_id.assign(reinterpret_cast<const char*>(id.data()), id.size());
    RekorBundle promise;
    promise.body = e.canonicalized_body;
    promise.integrated_time = e.integrated_time;
    promise.log_index = e.log_index;
    promise.log_id = crypto::HexEncode(e.log_id);
    auto set = key.Sign(promise.CanonicalPayload(), crypto::SignatureScheme::kEcdsaDer);
    EXPECT_THAT(set, IsOk());
    e.signed_entry_timestamp = *set;
    return e;
  }
};

class CosignBundleRegistryTest : public CosignRegistryFixture {
 protected:
  // Pushes a one-layer OCI image under `repo:v1`; returns its manifest as the registry serves it.
  registry::Manifest PushImage(const std::string& repo) {
    CosignRegistryFixture::PushImage(repo);
    auto served = client_->GetManifest(host(), repo, "v1", Soon());
    EXPECT_THAT(served, IsOk()) << repo;
    return std::move(served).value();
  }

  // A validator trusting `roots` and the test Rekor's key.
  std::unique_ptr<CosignValidator> Validator(const NamedKeys& roots) {
    testing::CosignValues values = KeyValues("bundles", roots);
    config::CosignHost rekor;
    rekor.rekor_pubkey = rekor_.key.PublicPem();
    values.validator_extra = testing::CosignHostYaml(rekor);
    return CosignRegistryFixture::Validator(values);
  }

  // The bundle `key` makes for `digest`, logged by the test Rekor.
  SigstoreBundle LoggedBundle(const std::string& digest, const crypto::PrivateKey& key) {
    auto bundle = MakeSignatureBundle(digest, PrivateKeySigner(key), Soon());
    EXPECT_THAT(bundle, IsOk());
    const auto& dsse = *bundle->dsse_envelope;
    bundle->tlog_entries.push_back(rekor_.Log(dsse.signatures[0], dsse.payload, key));
    return std::move(bundle).value();
  }

  void Publish(const std::string& repo, const registry::Manifest& image,
               const SigstoreBundle& bundle) {
    ASSERT_THAT(PublishBundle(*client_, host(), repo, image, bundle, Soon()), IsOk());
  }

  TestRekor rekor_;
  crypto::PrivateKey alice_ = NewKey(), bob_ = NewKey();
};

TEST_F(CosignBundleRegistryTest, SignBundleCommandWritesTheReferrersTagAndIsAdmittedAndPinned) {
  const auto image = PushImage("bundle/cli");
  auto dir = testing::MakeTempDir("cn-sign-bundle");
  ASSERT_THAT(dir, IsOk());
  ASSERT_THAT(testing::WriteFile(*dir + "/alice.key", alice_.PrivatePem()), IsOk());
  const std::string key = *dir + "/alice.key", ref = host() + "/bundle/cli:v1";
  const std::vector<std::string_view> args = {"--key", key, "--bundle", "--insecure-http", ref};
  ASSERT_EQ(cli::RunSign(args), 0);
  std::filesystem::remove_all(*dir);

  // The layout: no .sig tag; the referrers tag lists one bundle manifest whose subject is the
  // image.
  auto sig_tag = SignatureTag(image.digest);
  EXPECT_THAT(client_->GetManifest(host(), "bundle/cli", *sig_tag, Soon()),
              StatusIs(StatusCode::kNotFound, ::testing::_));
  auto tag = ReferrersTag(image.digest);
  ASSERT_THAT(tag, IsOk());
  auto index = client_->GetManifest(host(), "bundle/cli", *tag, Soon());
  ASSERT_THAT(index, IsOk());
  auto doc = nlohmann::json::parse(index->body);
  ASSERT_EQ(doc["manifests"].size(), 1u);
  EXPECT_EQ(doc["manifests"][0]["artifactType"], kSigstoreBundleMediaType);
  auto referrer = client_->GetManifest(host(), "bundle/cli",
                                       doc["manifests"][0]["digest"].get<std::string>(), Soon());
  ASSERT_THAT(referrer, IsOk());
  auto m = nlohmann::json::parse(referrer->body);
  EXPECT_EQ(m["artifactType"], kSigstoreBundleMediaType);
  EXPECT_EQ(m["subject"]["digest"], image.digest);
  EXPECT_EQ(m["subject"]["size"], image.body.size());
  EXPECT_EQ(m["config"]["mediaType"], kEmptyConfigMediaType);
  EXPECT_EQ(m["layers"][0]["mediaType"], kSigstoreBundleMediaType);

  auto v = Validator({{"default", &alice_}});
  auto by_tag = v->Verify(Ref(host() + "/bundle/cli:v1"), Rule(""), Soon());
  ASSERT_THAT(by_tag, IsOk());
  EXPECT_EQ(by_tag->digest, image.digest);
  auto by_digest = v->Verify(Ref(host() + "/bundle/cli@" + image.digest), Rule(""), Soon());
  ASSERT_THAT(by_digest, IsOk());
  EXPECT_EQ(by_digest->digest, image.digest);
}

TEST_F(CosignBundleRegistryTest, ASecondSignerIsAppendedToTheReferrersTag) {
  const auto image = PushImage("bundle/two");
  ASSERT_THAT(
      SignImageBundle(*client_, Ref(host() + "/bundle/two:v1"), PrivateKeySigner(alice_), Soon()),
      IsOk());
  ASSERT_THAT(
      SignImageBundle(*client_, Ref(host() + "/bundle/two:v1"), PrivateKeySigner(bob_), Soon()),
      IsOk());
  auto index = client_->GetManifest(host(), "bundle/two", *ReferrersTag(image.digest), Soon());
  ASSERT_THAT(index, IsOk());
  EXPECT_EQ(nlohmann::json::parse(index->body)["manifests"].size(), 2u);
  auto v = Validator({{"alice", &alice_}, {"bob", &bob_}});
  EXPECT_THAT(v->Verify(Ref(host() + "/bundle/two:v1"), Rule("*", false, 2), Soon()), IsOk());
}

TEST_F(CosignBundleRegistryTest, BundleByAnotherKeyIsDenied) {
  PushImage("bundle/other");
  ASSERT_THAT(
      SignImageBundle(*client_, Ref(host() + "/bundle/other:v1"), PrivateKeySigner(bob_), Soon()),
      IsOk());
  auto v = Validator({{"default", &alice_}});
  EXPECT_THAT(v->Verify(Ref(host() + "/bundle/other:v1"), Rule(""), Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("signature does not verify with the trust root's key")));
}

TEST_F(CosignBundleRegistryTest, LoggedBundleIsAdmittedWithTheTransparencyLogRequired) {
  const auto image = PushImage("bundle/logged");
  Publish("bundle/logged", image, LoggedBundle(image.digest, alice_));
  auto v = Validator({{"default", &alice_}});
  auto r = v->Verify(Ref(host() + "/bundle/logged:v1"), Rule("", /*tlog=*/true), Soon());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->digest, image.digest);
}

TEST_F(CosignBundleRegistryTest, BundleWithoutTlogEntryIsDeniedWhenTheLogIsRequired) {
  PushImage("bundle/unlogged");
  ASSERT_THAT(SignImageBundle(*client_, Ref(host() + "/bundle/unlogged:v1"),
                              PrivateKeySigner(alice_), Soon()),
              IsOk());
  auto v = Validator({{"default", &alice_}});
  EXPECT_THAT(v->Verify(Ref(host() + "/bundle/unlogged:v1"), Rule("", true), Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("signature not found in transparency log")));
}

TEST_F(CosignBundleRegistryTest, TamperedSignatureIsDenied) {
  const auto image = PushImage("bundle/tampered-sig");
  SigstoreBundle bundle = LoggedBundle(image.digest, alice_);
  bundle.dsse_envelope->signatures[0][10] ^= 0x01;
  Publish("bundle/tampered-sig", image, bundle);
  auto v = Validator({{"default", &alice_}});
  EXPECT_THAT(v->Verify(Ref(host() + "/bundle/tampered-sig:v1"), Rule("", true), Soon()),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("does not verify")));
}

TEST_F(CosignBundleRegistryTest, ValidlySignedStatementForAnotherDigestIsDenied) {
  const auto image = PushImage("bundle/copied");
  const auto other = PushImage("bundle/copied-from");
  // Alice signed `other`; the bundle is attached to `image`.
  Publish("bundle/copied", image, LoggedBundle(other.digest, alice_));
  auto v = Validator({{"default", &alice_}});
  EXPECT_THAT(v->Verify(Ref(host() + "/bundle/copied:v1"), Rule("", true), Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       AllOf(HasSubstr("names " + other.digest), HasSubstr(image.digest))));
}

TEST_F(CosignBundleRegistryTest, TamperedSignedEntryTimestampIsDenied) {
  const auto image = PushImage("bundle/tampered-set");
  SigstoreBundle bundle = LoggedBundle(image.digest, alice_);
  bundle.tlog_entries[0].integrated_time += 1;  // the SET no longer covers the entry
  Publish("bundle/tampered-set", image, bundle);
  auto v = Validator({{"default", &alice_}});
  EXPECT_THAT(v->Verify(Ref(host() + "/bundle/tampered-set:v1"), Rule("", true), Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       AllOf(HasSubstr("signature not found in transparency log"),
                             HasSubstr("signed entry timestamp does not verify"))));
  // Without the log requirement the signature itself still counts.
  EXPECT_THAT(v->Verify(Ref(host() + "/bundle/tampered-set:v1"), Rule(""), Soon()), IsOk());
}

TEST_F(CosignBundleRegistryTest, EntryLoggingAnotherSignatureIsDenied) {
  const auto image = PushImage("bundle/other-entry");
  SigstoreBundle bundle = LoggedBundle(image.digest, alice_);
  SigstoreBundle unrelated = LoggedBundle(image.digest, bob_);
  bundle.tlog_entries = unrelated.tlog_entries;  // a genuine SET over bob's entry
  Publish("bundle/other-entry", image, bundle);
  auto v = Validator({{"default", &alice_}});
  EXPECT_THAT(
      v->Verify(Ref(host() + "/bundle/other-entry:v1"), Rule("", true), Soon()),
      StatusIs(StatusCode::kVerificationFailed, HasSubstr("entry does not name this signature")));
}

TEST_F(CosignBundleRegistryTest, AttestationBundleIsNotASignature) {
  const auto image = PushImage("bundle/attestation");
  SigstoreBundle bundle = LoggedBundle(image.digest, alice_);
  auto& dsse = *bundle.dsse_envelope;
  dsse.payload = R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":")" +
                 image.digest.substr(7) +
                 R"("}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}})";
  auto sig =
      alice_.Sign(DssePae(dsse.payload_type, dsse.payload), crypto::SignatureScheme::kEcdsaDer);
  ASSERT_THAT(sig, IsOk());
  dsse.signatures = {*sig};
  bundle.tlog_entries = {rekor_.Log(*sig, dsse.payload, alice_)};
  Publish("bundle/attestation", image, bundle);
  auto v = Validator({{"default", &alice_}});
  EXPECT_THAT(v->Verify(Ref(host() + "/bundle/attestation:v1"), Rule("", true), Soon()),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("holds an attestation")));
}

TEST_F(CosignBundleRegistryTest, CertificateBundleIsDeniedForAKeyRoot) {
  const auto image = PushImage("bundle/keyless");
  SigstoreBundle bundle = LoggedBundle(image.digest, alice_);
  bundle.key_material = SigstoreBundle::KeyMaterial::kCertificate;
  bundle.certificate_der = "not really DER";
  Publish("bundle/keyless", image, bundle);
  auto v = Validator({{"default", &alice_}});
  EXPECT_THAT(v->Verify(Ref(host() + "/bundle/keyless:v1"), Rule("", true), Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("only a keyless trust root verifies it")));
}

TEST_F(CosignBundleRegistryTest, MessageSignatureOverTheManifestIsAdmitted) {
  const auto image = PushImage("bundle/message");
  SigstoreBundle bundle;
  bundle.media_type = std::string(kSigstoreBundleMediaType);
  MessageSignature m;
  m.digest_algorithm = "SHA2_256";
  const auto digest = crypto::Sha256(image.body);
  m.digest.assign(reinterpret_cast<const char*>(digest.data()), digest.size());
  auto sig = alice_.Sign(image.body, crypto::SignatureScheme::kEcdsaDer);
  ASSERT_THAT(sig, IsOk());
  m.signature = *sig;
  bundle.message_signature = m;
  Publish("bundle/message", image, bundle);
  auto v = Validator({{"default", &alice_}});
  auto r = v->Verify(Ref(host() + "/bundle/message@" + image.digest), Rule(""), Soon());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->digest, image.digest);
  auto by_bob = Validator({{"default", &bob_}});
  EXPECT_THAT(by_bob->Verify(Ref(host() + "/bundle/message:v1"), Rule(""), Soon()),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("does not verify")));
}

TEST_F(CosignBundleRegistryTest, SigAndBundleTogetherAreAdmittedAndCountPerRoot) {
  PushImage("bundle/both");
  const auto ref = Ref(host() + "/bundle/both:v1");
  ASSERT_THAT(SignImage(*client_, ref, bob_, {}, Soon()), IsOk());                        // .sig
  ASSERT_THAT(SignImageBundle(*client_, ref, PrivateKeySigner(alice_), Soon()), IsOk());  // bundle
  EXPECT_THAT(Validator({{"default", &bob_}})->Verify(ref, Rule(""), Soon()), IsOk());
  EXPECT_THAT(Validator({{"default", &alice_}})->Verify(ref, Rule(""), Soon()), IsOk());
  auto both = Validator({{"alice", &alice_}, {"bob", &bob_}});
  EXPECT_THAT(both->Verify(ref, Rule("*", false, 2), Soon()), IsOk());
  // A third root that signed nowhere: the message names both places' reasons for it.
  crypto::PrivateKey carol = NewKey();
  auto three = Validator({{"alice", &alice_}, {"bob", &bob_}, {"carol", &carol}});
  EXPECT_THAT(three->Verify(ref, Rule("*", false, 3), Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       AllOf(HasSubstr("validation threshold not reached (2/3)"),
                             HasSubstr("bundle sha256:"))));
}

TEST_F(CosignBundleRegistryTest, NoSignatureAnywhereIsDeniedNamingBothPlaces) {
  const auto image = PushImage("bundle/unsigned");
  auto v = Validator({{"default", &alice_}});
  EXPECT_THAT(
      v->Verify(Ref(host() + "/bundle/unsigned:v1"), Rule(""), Soon()),
      StatusIs(StatusCode::kNotFound,
               AllOf(HasSubstr("no signatures found"), HasSubstr(*SignatureTag(image.digest)),
                     HasSubstr("referrers tag " + *ReferrersTag(image.digest)))));
}

}  // namespace
}  // namespace connaisseur::cosign
