// The sigstore bundle's JSON shape (validators/cosign/sigstore_bundle.h): what parses, what is
// refused with the field named, the round trip of what `connaisseur sign --bundle` writes, and
// DSSE's pre-authentication encoding.
#include "validators/cosign/sigstore_bundle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/case_name.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::cosign {
namespace {

using ::testing::HasSubstr;

// A v0.3 bundle as protobuf writes it (int64 as strings), with a DSSE envelope and one entry.
constexpr char kDsseBundle[] = R"({
  "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
  "verificationMaterial": {
    "publicKey": {"hint": "aGludA=="},
    "tlogEntries": [{
      "logIndex": "5450282", "logId": {"keyId": "wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0="},
      "kindVersion": {"kind": "dsse", "version": "0.0.1"}, "integratedTime": "1666208123",
      "inclusionPromise": {"signedEntryTimestamp": "c2V0"}, "canonicalizedBody": "Ym9keQ=="}]
  },
  "dsseEnvelope": {"payload": "eyJhIjoxfQ==", "payloadType": "application/vnd.in-toto+json",
                   "signatures": [{"sig": "c2ln", "keyid": ""}]}
})";

TEST(SigstoreBundleTest, ParsesADsseBundleAsProtobufWritesIt) {
  auto b = SigstoreBundle::Parse(kDsseBundle);
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->key_material, SigstoreBundle::KeyMaterial::kPublicKey);
  EXPECT_EQ(b->public_key_hint, "aGludA==");
  ASSERT_EQ(b->tlog_entries.size(), 1u);
  const auto& e = b->tlog_entries[0];
  EXPECT_EQ(e.log_index, 5450282);
  EXPECT_EQ(e.integrated_time, 1666208123);
  EXPECT_EQ(e.kind, "dsse");
  EXPECT_EQ(e.log_id.size(), 32u);
  EXPECT_EQ(e.signed_entry_timestamp, "set");
  EXPECT_EQ(e.canonicalized_body, "Ym9keQ==") << "kept as the base64 text the SET signs";
  ASSERT_TRUE(b->dsse_envelope.has_value());
  EXPECT_FALSE(b->message_signature.has_value());
  EXPECT_EQ(b->dsse_envelope->payload, R"({"a":1})");
  EXPECT_EQ(b->dsse_envelope->signatures, std::vector<std::string>{"sig"});
}

TEST(SigstoreBundleTest, ParsesAMessageSignatureCertificateBundleWithNumericFields) {
  auto b = SigstoreBundle::Parse(R"({
    "mediaType": "application/vnd.dev.sigstore.bundle+json;version=0.2",
    "verificationMaterial": {"certificate": {"rawBytes": "ZGVy"}, "tlogEntries": [{
      "logIndex": 7, "logId": {"keyId": "aWQ="}, "kindVersion": {"kind": "hashedrekord",
      "version": "0.0.1"}, "integratedTime": 8, "canonicalizedBody": "Ym9keQ=="}]},
    "messageSignature": {"messageDigest": {"algorithm": "SHA2_256", "digest": "ZA=="},
                         "signature": "c2ln"}})");
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->key_material, SigstoreBundle::KeyMaterial::kCertificate);
  EXPECT_EQ(b->certificate_der, "der");
  EXPECT_EQ(b->tlog_entries[0].log_index, 7);
  EXPECT_TRUE(b->tlog_entries[0].signed_entry_timestamp.empty()) << "no inclusion promise";
  ASSERT_TRUE(b->message_signature.has_value());
  EXPECT_EQ(b->message_signature->digest, "d");
  EXPECT_EQ(b->message_signature->signature, "sig");
}

TEST(SigstoreBundleTest, SerializeParsesBackToTheSameFields) {
  auto b = SigstoreBundle::Parse(kDsseBundle);
  ASSERT_THAT(b, IsOk());
  const std::string text = b->Serialize();
  EXPECT_THAT(text, HasSubstr(R"("logIndex":"5450282")")) << "int64 as a string, as protobuf";
  auto again = SigstoreBundle::Parse(text);
  ASSERT_THAT(again, IsOk()) << text;
  EXPECT_EQ(again->Serialize(), text);
  EXPECT_EQ(again->dsse_envelope->payload, b->dsse_envelope->payload);
  EXPECT_EQ(again->tlog_entries[0].log_id, b->tlog_entries[0].log_id);
}

struct RejectCase {
  std::string name;
  std::string json;
  std::string message;
};

class SigstoreBundleRejectTest : public ::testing::TestWithParam<RejectCase> {};

TEST_P(SigstoreBundleRejectTest, IsRefusedNamingWhatIsWrong) {
  EXPECT_THAT(SigstoreBundle::Parse(GetParam().json),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr(GetParam().message)))
      << GetParam().json;
}

const std::string kMaterial = R"("verificationMaterial":{"publicKey":{}})";
const std::string kMessage =
    R"("messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"ZA=="},"signature":"c2ln"})";
const std::string kType = R"("mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json")";

INSTANTIATE_TEST_SUITE_P(
    Malformed, SigstoreBundleRejectTest,
    ::testing::Values(
        RejectCase{"NotJson", "{", "not a JSON object"},
        RejectCase{"AList", "[]", "not a JSON object"},
        RejectCase{"UnknownMediaType",
                   R"({"mediaType":"application/json",)" + kMaterial + "," + kMessage + "}",
                   "unknown mediaType"},
        RejectCase{"NoMaterial", "{" + kType + "," + kMessage + "}",
                   "verificationMaterial is missing"},
        RejectCase{"NoKeyMaterial",
                   "{" + kType + R"(,"verificationMaterial":{"tlogEntries":[]},)" + kMessage + "}",
                   "no publicKey, certificate or x509CertificateChain"},
        RejectCase{"NeitherContent", "{" + kType + "," + kMaterial + "}", "exactly one"},
        RejectCase{"BothContents",
                   "{" + kType + "," + kMaterial + "," + kMessage +
                       R"(,"dsseEnvelope":{"payload":"","payloadType":"t","signatures":[]}})",
                   "exactly one"},
        RejectCase{
            "SignatureNotBase64",
            "{" + kType + "," + kMaterial +
                R"(,"messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"ZA=="},"signature":"!!"}})",
            "messageSignature.signature is not base64"},
        RejectCase{"DsseWithoutSignatures",
                   "{" + kType + "," + kMaterial +
                       R"(,"dsseEnvelope":{"payload":"e30=","payloadType":"t","signatures":[]}})",
                   "signatures is not a non-empty list"},
        RejectCase{
            "LogIndexNotAnInteger",
            "{" + kType +
                R"(,"verificationMaterial":{"publicKey":{},"tlogEntries":[{"logIndex":"12x","logId":{"keyId":"aWQ="},"kindVersion":{"kind":"k","version":"v"},"integratedTime":"1","canonicalizedBody":"e30="}]},)" +
                kMessage + "}",
            "tlogEntries[0].logIndex is not an integer"},
        RejectCase{
            "BodyNotBase64",
            "{" + kType +
                R"(,"verificationMaterial":{"publicKey":{},"tlogEntries":[{"logIndex":"1","logId":{"keyId":"aWQ="},"kindVersion":{"kind":"k","version":"v"},"integratedTime":"1","canonicalizedBody":"%%"}]},)" +
                kMessage + "}",
            "canonicalizedBody is not base64"},
        RejectCase{"EmptyChain",
                   "{" + kType +
                       R"(,"verificationMaterial":{"x509CertificateChain":{"certificates":[]}},)" +
                       kMessage + "}",
                   "x509CertificateChain has no certificates"}),
    testing::NameOfCase());

TEST(DssePaeTest, MatchesTheSpecificationsExample) {
  EXPECT_EQ(DssePae("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  EXPECT_EQ(DssePae("", ""), "DSSEv1 0  0 ");
}

}  // namespace
}  // namespace connaisseur::cosign
