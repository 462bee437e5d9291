// Attestation verification (validators/cosign/attestation_verifier.h): an envelope reaches the
// policy only when its payloadType is in-toto, a signature by a rule's key verifies over the
// PAE, the statement parses and names the image, and (when asked) its Rekor entry verifies.
// One case per way an envelope can fail; none of them yields an attestation.
#include "validators/cosign/attestation_verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "runtime/crypto/private_key.h"
#include "tests/testing/status_matchers.h"
#include "tests/validators/cosign/test_rekor.h"
#include "validators/cosign/attestation_signer.h"
#include "validators/cosign/rekor_bundle.h"
#include "validators/cosign/signer.h"

namespace connaisseur::cosign {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const std::string kDigest = "sha256:" + std::string(64, 'a');
const std::string kOtherDigest = "sha256:" + std::string(64, 'b');
constexpr char kSlsa[] = "https://slsa.dev/provenance/v1";

Deadline Soon() { return Deadline::In(std::chrono::seconds(10)); }

crypto::PrivateKey NewKey() {
  auto k = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  EXPECT_THAT(k, IsOk());
  return std::move(k).value();
}

crypto::PublicKey PublicOf(const crypto::PrivateKey& k) {
  auto p = k.Public();
  EXPECT_THAT(p, IsOk());
  return std::move(p).value();
}

const nlohmann::json kPredicate = {{"builder", {{"id", "https://ci.example/builder"}}}};

FoundEnvelope Envelope(const crypto::PrivateKey& key, const std::string& digest = kDigest) {
  auto e =
      MakeAttestationEnvelope("reg/app", digest, kSlsa, kPredicate, PrivateKeySigner(key), Soon());
  EXPECT_THAT(e, IsOk());
  FoundEnvelope f;
  f.source = "sha256-aaaa.att layer 0";
  f.envelope = std::move(e).value();
  return f;
}

const TlogPolicy kNoTlog{false, nullptr};

class AttestationVerifierTest : public ::testing::Test {
 protected:
  crypto::PrivateKey alice_ = NewKey();
  crypto::PrivateKey mallory_ = NewKey();
  crypto::PublicKey alice_pub_ = PublicOf(alice_);
};

TEST_F(AttestationVerifierTest, AStatementSignedByTheRootAboutTheImageIsAnAttestation) {
  auto st = VerifyAttestation(Envelope(alice_), alice_pub_, kDigest, kNoTlog);
  ASSERT_THAT(st, IsOk());
  EXPECT_EQ(st->predicate_type, kSlsa);
  EXPECT_EQ(st->predicate, kPredicate);
  const AttestationOutcome out =
      JudgeAttestations({Envelope(alice_)}, {{"alice", &alice_pub_}}, kDigest, kNoTlog);
  ASSERT_THAT(out.attestations, SizeIs(1));
  EXPECT_THAT(out.errors, IsEmpty());
  EXPECT_EQ(out.attestations[0].predicate_type, kSlsa);
  EXPECT_EQ(nlohmann::json::parse(out.attestations[0].predicate_json), kPredicate);
  EXPECT_EQ(out.attestations[0].signed_by, "alice");
  EXPECT_EQ(out.attestations[0].source, "sha256-aaaa.att layer 0");
}

TEST_F(AttestationVerifierTest, ATamperedPayloadIsDropped) {
  FoundEnvelope f = Envelope(alice_);
  f.envelope->payload.replace(f.envelope->payload.find("builder\""), 7, "builden");
  EXPECT_THAT(VerifyAttestation(f, alice_pub_, kDigest, kNoTlog),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("does not verify")));
}

TEST_F(AttestationVerifierTest, AnotherKeysSignatureIsDropped) {
  EXPECT_THAT(VerifyAttestation(Envelope(mallory_), alice_pub_, kDigest, kNoTlog),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("does not verify")));
}

TEST_F(AttestationVerifierTest, AnotherPayloadTypeIsDroppedEvenWhenItsSignatureVerifies) {
  FoundEnvelope f = Envelope(alice_);
  f.envelope->payload_type = "application/json";
  auto sig = alice_.Sign(DssePae(f.envelope->payload_type, f.envelope->payload),
                         CosignScheme(alice_.type()));
  ASSERT_THAT(sig, IsOk());
  f.envelope->signatures = {*sig};
  EXPECT_THAT(VerifyAttestation(f, alice_pub_, kDigest, kNoTlog),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("payloadType")));
}

TEST_F(AttestationVerifierTest, AnUnsignedPayloadTypeIsQuotedShortenedInTheMessage) {
  FoundEnvelope f = Envelope(alice_);
  f.envelope->payload_type = std::string(64, 't') + std::string(10000, 'x');
  const Status s = VerifyAttestation(f, alice_pub_, kDigest, kNoTlog).status();
  EXPECT_THAT(s, StatusIs(StatusCode::kVerificationFailed,
                          HasSubstr("payloadType \"" + std::string(64, 't') + "...\" is not")));
  EXPECT_LT(s.message().size(), 200u);
}

TEST_F(AttestationVerifierTest, ASignatureOverTheBarePayloadInsteadOfThePaeIsDropped) {
  FoundEnvelope f = Envelope(alice_);
  auto sig = alice_.Sign(f.envelope->payload, CosignScheme(alice_.type()));
  ASSERT_THAT(sig, IsOk());
  f.envelope->signatures = {*sig};
  EXPECT_THAT(VerifyAttestation(f, alice_pub_, kDigest, kNoTlog),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("does not verify")));
}

TEST_F(AttestationVerifierTest, AStatementAboutAnotherImageIsDropped) {
  EXPECT_THAT(
      VerifyAttestation(Envelope(alice_, kOtherDigest), alice_pub_, kDigest, kNoTlog),
      StatusIs(StatusCode::kVerificationFailed, HasSubstr("statement is about " + kOtherDigest)));
}

TEST_F(AttestationVerifierTest, ASignedPayloadThatIsNoStatementIsDropped) {
  FoundEnvelope f = Envelope(alice_);
  f.envelope->payload = R"({"_type":"something else"})";
  auto sig = alice_.Sign(DssePae(f.envelope->payload_type, f.envelope->payload),
                         CosignScheme(alice_.type()));
  ASSERT_THAT(sig, IsOk());
  f.envelope->signatures = {*sig};
  EXPECT_THAT(VerifyAttestation(f, alice_pub_, kDigest, kNoTlog),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("_type")));
}

TEST_F(AttestationVerifierTest, AnEnvelopeSignedWithACertificateIsNotVerifiedByAKeyRoot) {
  FoundEnvelope f = Envelope(alice_);
  f.certificate = SigningCertificate{"der", {}};
  EXPECT_THAT(VerifyAttestation(f, alice_pub_, kDigest, kNoTlog),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("only a keyless root does")));
}

TEST_F(AttestationVerifierTest, WithTheTlogRequiredAnEnvelopeWithoutRekorEntryIsDropped) {
  auto rekor = PublicOf(mallory_);
  EXPECT_THAT(VerifyAttestation(Envelope(alice_), alice_pub_, kDigest, TlogPolicy{true, &rekor}),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("signature not found in transparency log")));
}

// A `dsse` entry for the envelope, with an inclusion promise by `rekor`.
BundleTlogEntry Logged(const DsseEnvelope& e, const crypto::PrivateKey& signer,
                       const crypto::PrivateKey& rekor) {
  nlohmann::json body = {
      {"apiVersion", "0.0.1"},
      {"kind", "dsse"},
      {"spec",
       {{"payloadHash", {{"algorithm", "sha256"}, {"value", crypto::Sha256Hex(e.payload)}}},
        {"signatures",
         nlohmann::json::array({{{"signature", crypto::Base64Encode(e.signatures[0])},
                                 {"verifier", crypto::Base64Encode(signer.PublicPem())}}})}}}};
  BundleTlogEntry entry;
  entry.log_index = 1;
  entry.integrated_time = 1767225600;
  entry.kind = "dsse";
  entry.version = "0.0.1";
  entry.canonicalized_body = crypto::Base64Encode(body.dump());
  const auto id = crypto::Sha256(PublicOf(rekor).spki_der());
  entry.log_id.assign(reinterpret_cast<const char*>(id.data()), id.size());
  RekorBundle promise;
  promise.body = entry.canonicalized_body;
  promise.integrated_time = entry.integrated_time;
  promise.log_index = entry.log_index;
  promise.log_id = crypto::HexEncode(entry.log_id);
  auto set = rekor.Sign(promise.CanonicalPayload(), crypto::SignatureScheme::kEcdsaDer);
  EXPECT_THAT(set, IsOk());
  entry.signed_entry_timestamp = *set;
  return entry;
}

TEST_F(AttestationVerifierTest, WithTheTlogRequiredALoggedBundleEnvelopeCountsAndAForgedSetNot) {
  const crypto::PrivateKey rekor = NewKey();
  const crypto::PublicKey rekor_pub = PublicOf(rekor);
  FoundEnvelope f = Envelope(alice_);
  f.tlog_entries.push_back(Logged(*f.envelope, alice_, rekor));
  EXPECT_THAT(VerifyAttestation(f, alice_pub_, kDigest, TlogPolicy{true, &rekor_pub}), IsOk());
  f.tlog_entries[0] = Logged(*f.envelope, alice_, mallory_);  // not the configured Rekor's SET
  EXPECT_THAT(VerifyAttestation(f, alice_pub_, kDigest, TlogPolicy{true, &rekor_pub}),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("transparency log")));
}

// A `.att` layer as `cosign attest` writes it: the envelope blob and the Rekor bundle of the
// `intoto` entry Rekor made for that blob (`body` builds it), logged by `rekor`.
FoundEnvelope AttLayer(FoundEnvelope f, const crypto::PrivateKey& signer,
                       const crypto::PrivateKey& rekor,
                       nlohmann::json (*body)(const testing::IntotoUpload&)) {
  f.stored_envelope = f.envelope->Serialize();
  f.rekor_bundle =
      testing::RekorBundleJson(body({*f.stored_envelope, signer.PublicPem()}), rekor, rekor);
  return f;
}

TEST_F(AttestationVerifierTest, AnAttLayerWithAnIntotoEntryForItsBlobCountsWithTheTlog) {
  const crypto::PrivateKey rekor = NewKey();
  const crypto::PublicKey rekor_pub = PublicOf(rekor);
  const TlogPolicy tlog{true, &rekor_pub};
  EXPECT_THAT(VerifyAttestation(AttLayer(Envelope(alice_), alice_, rekor, testing::IntotoV2Body),
                                alice_pub_, kDigest, tlog),
              IsOk());
  EXPECT_THAT(VerifyAttestation(AttLayer(Envelope(alice_), alice_, rekor, testing::IntotoV1Body),
                                alice_pub_, kDigest, tlog),
              IsOk());
}

TEST_F(AttestationVerifierTest, AnIntotoEntryForAnotherEnvelopeOrKeyIsNoProof) {
  const crypto::PrivateKey rekor = NewKey();
  const crypto::PublicKey rekor_pub = PublicOf(rekor);
  const TlogPolicy tlog{true, &rekor_pub};
  FoundEnvelope other = AttLayer(Envelope(alice_), alice_, rekor, testing::IntotoV2Body);
  FoundEnvelope f = AttLayer(Envelope(alice_), alice_, rekor, testing::IntotoV2Body);
  f.rekor_bundle = other.rekor_bundle;  // alice's entry for her other envelope
  EXPECT_THAT(VerifyAttestation(f, alice_pub_, kDigest, tlog),
              StatusIs(StatusCode::kVerificationFailed,
                       AllOf(HasSubstr("signature not found in transparency log"),
                             HasSubstr("envelope's sha256"))));
  f = AttLayer(Envelope(alice_), mallory_, rekor, testing::IntotoV1Body);  // names mallory's key
  EXPECT_THAT(VerifyAttestation(f, alice_pub_, kDigest, tlog),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("another key")));
}

TEST_F(AttestationVerifierTest, ABundleWithAnIntotoTlogEntryCounts) {
  const crypto::PrivateKey rekor = NewKey();
  const crypto::PublicKey rekor_pub = PublicOf(rekor);
  FoundEnvelope f = Envelope(alice_);
  const std::string uploaded = f.envelope->Serialize();
  auto promise = nlohmann::json::parse(testing::RekorBundleJson(
      testing::IntotoV2Body({uploaded, alice_.PublicPem()}), rekor, rekor));
  BundleTlogEntry entry;
  entry.log_index = promise["Payload"]["logIndex"];
  entry.integrated_time = promise["Payload"]["integratedTime"];
  entry.kind = "intoto";
  entry.version = "0.0.2";
  entry.canonicalized_body = promise["Payload"]["body"];
  entry.log_id = crypto::HexDecode(promise["Payload"]["logID"].get<std::string>()).value();
  entry.signed_entry_timestamp =
      crypto::Base64Decode(promise["SignedEntryTimestamp"].get<std::string>()).value();
  f.tlog_entries.push_back(entry);
  EXPECT_THAT(VerifyAttestation(f, alice_pub_, kDigest, TlogPolicy{true, &rekor_pub}), IsOk());
  f.tlog_entries[0].version = "0.0.1";  // the bundle's kindVersion claims another version
  EXPECT_THAT(VerifyAttestation(f, alice_pub_, kDigest, TlogPolicy{true, &rekor_pub}),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("kindVersion")));
}

TEST_F(AttestationVerifierTest, AFailureAfterAKeyVerifiedOutranksRootsThatCannotVerify) {
  const crypto::PrivateKey rekor = NewKey();
  const crypto::PublicKey rekor_pub = PublicOf(rekor);
  const crypto::PublicKey mallory_pub = PublicOf(mallory_);
  FoundEnvelope f = AttLayer(Envelope(alice_), alice_, mallory_, testing::IntotoV2Body);
  const std::vector<AttestationRoot> roots = {
      {"fulcio", nullptr}, {"mallory", &mallory_pub}, {"alice", &alice_pub_}};
  AttestationOutcome out = JudgeAttestations({f}, roots, kDigest, TlogPolicy{true, &rekor_pub});
  EXPECT_THAT(out.attestations, IsEmpty());
  EXPECT_THAT(out.errors, ElementsAre(HasSubstr("signed entry timestamp does not verify")))
      << "alice's key verified; only the log failed";
  out = JudgeAttestations({f}, {{"mallory", &mallory_pub}, {"fulcio", nullptr}}, kDigest,
                          TlogPolicy{true, &rekor_pub});
  EXPECT_THAT(out.errors, ElementsAre(HasSubstr("DSSE signature does not verify")))
      << "a root that cannot verify (no key here) says no more than a key that does not verify: "
         "the first root's reason";
  EXPECT_EQ(CheckAttestation(f, mallory_pub, kDigest, kNoTlog).failed,
            AttestationCheck::kSignature);
  EXPECT_EQ(CheckAttestation(f, alice_pub_, kDigest, TlogPolicy{true, &rekor_pub}).failed,
            AttestationCheck::kTransparencyLog);
}

TEST_F(AttestationVerifierTest, JudgingKeepsTheVerifiedAndReportsEveryDroppedEnvelope) {
  crypto::PublicKey mallory_pub = PublicOf(mallory_);
  FoundEnvelope malformed;
  malformed.source = "bundle sha256:cc";
  malformed.envelope = InvalidArgumentError("envelope.payload is not base64");
  FoundEnvelope other = Envelope(alice_, kOtherDigest);
  other.source = "sha256-aaaa.att layer 1";
  const AttestationOutcome out =
      JudgeAttestations({malformed, other, Envelope(alice_)},
                        {{"mallory", &mallory_pub}, {"alice", &alice_pub_}}, kDigest, kNoTlog);
  ASSERT_THAT(out.attestations, SizeIs(1));
  EXPECT_EQ(out.attestations[0].signed_by, "alice") << "the root whose key verified it";
  EXPECT_THAT(out.errors,
              ElementsAre(HasSubstr("bundle sha256:cc: envelope.payload is not base64"),
                          HasSubstr("sha256-aaaa.att layer 1: statement is about " + kOtherDigest)))
      << "a wrong key for one root says less than the subject check after the other's";
}

TEST_F(AttestationVerifierTest, ACosignSignatureStatementIsNoAttestation) {
  FoundEnvelope f = Envelope(alice_);
  f.envelope->payload =
      MakeInTotoStatement("reg/app", kDigest, "https://sigstore.dev/cosign/sign/v1", nullptr);
  const AttestationOutcome out = JudgeAttestations({f}, {{"alice", &alice_pub_}}, kDigest, kNoTlog);
  EXPECT_THAT(out.attestations, IsEmpty());
  EXPECT_THAT(out.errors, IsEmpty());
}

TEST(PredicateTypeTest, CosignNamesMapToTheirUrisAndUrisStayAsWritten) {
  EXPECT_THAT(PredicateTypeUri("slsaprovenance"), IsOk());
  EXPECT_EQ(*PredicateTypeUri("slsaprovenance"), "https://slsa.dev/provenance/v0.2");
  EXPECT_EQ(*PredicateTypeUri("slsaprovenance1"), "https://slsa.dev/provenance/v1");
  EXPECT_EQ(*PredicateTypeUri("spdxjson"), "https://spdx.dev/Document");
  EXPECT_EQ(*PredicateTypeUri("cyclonedx"), "https://cyclonedx.org/bom");
  EXPECT_EQ(*PredicateTypeUri("custom"), "https://cosign.sigstore.dev/attestation/v1");
  EXPECT_EQ(*PredicateTypeUri("https://example.com/x/v1"), "https://example.com/x/v1");
  EXPECT_THAT(PredicateTypeUri("sbom"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown predicate type")));
}

TEST(PredicateTypeTest, CustomWrapsTheFileOthersMustBeAJsonObject) {
  auto custom = PredicateFromFile("custom", "hello", "2026-01-01T00:00:00Z");
  ASSERT_THAT(custom, IsOk());
  EXPECT_EQ((*custom)["data"], "hello");
  EXPECT_THAT(PredicateFromFile("spdxjson", "[1]", ""),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a JSON object")));
}

}  // namespace
}  // namespace connaisseur::cosign
