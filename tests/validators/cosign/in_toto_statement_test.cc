// The in-toto Statement (validators/cosign/in_toto_statement.h) and the DSSE envelope's JSON
// form (validators/cosign/dsse_envelope.h): what parses, what is refused with the field named,
// and which subject names an image.
#include "validators/cosign/in_toto_statement.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/testing/status_matchers.h"
#include "validators/cosign/dsse_envelope.h"

namespace connaisseur::cosign {
namespace {

using ::testing::HasSubstr;

constexpr char kHex[] = "3b7e11ffeff2a2d04f2b3d1b6e1d6a3a5a0b7b3e1f7f9d1c4c3f2b1a0e9d8c7b";

TEST(InTotoStatementTest, ParsesAV1StatementAndFindsTheImageDigest) {
  const std::string text = std::string(R"({"_type":"https://in-toto.io/Statement/v1",
    "subject":[{"name":"reg/app","digest":{"sha512":"ab","sha256":")") +
                           kHex + R"("}}],"predicateType":"https://slsa.dev/provenance/v1",
    "predicate":{"builder":{"id":"https://ci.example/builder"}}})";
  auto st = InTotoStatement::Parse(text);
  ASSERT_THAT(st, IsOk());
  EXPECT_EQ(st->predicate_type, "https://slsa.dev/provenance/v1");
  EXPECT_EQ(st->predicate["builder"]["id"], "https://ci.example/builder");
  EXPECT_TRUE(st->NamesDigest(std::string("sha256:") + kHex));
  std::string upper = std::string("sha256:") + kHex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  upper.replace(0, 7, "sha256:");
  EXPECT_TRUE(st->NamesDigest(upper)) << "hex compares case-insensitively";
  EXPECT_FALSE(st->NamesDigest("sha256:" + std::string(64, '0')));
  EXPECT_FALSE(st->NamesDigest(kHex)) << "a digest without its algorithm names nothing";
}

TEST(InTotoStatementTest, ParsesWhatTheSignerWritesV01WithoutAPredicate) {
  const std::string text = MakeInTotoStatement("reg/app", std::string("sha256:") + kHex,
                                               "https://example.com/p", nullptr);
  auto st = InTotoStatement::Parse(text);
  ASSERT_THAT(st, IsOk()) << text;
  EXPECT_EQ(st->type, kInTotoStatementV01);
  EXPECT_TRUE(st->predicate.is_null());
  EXPECT_EQ(st->subject_sha256s, std::vector<std::string>{kHex});
}

struct Rejected {
  const char* name;
  const char* text;
  const char* fragment;
};

class InTotoStatementRejectTest : public ::testing::TestWithParam<Rejected> {};

TEST_P(InTotoStatementRejectTest, RefusesNamingTheField) {
  EXPECT_THAT(InTotoStatement::Parse(GetParam().text),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr(GetParam().fragment)))
      << GetParam().text;
}

const Rejected kRejected[] = {
    {"NotJson", "{", "not a JSON object"},
    {"Array", "[]", "not a JSON object"},
    {"UnknownType", R"({"_type":"https://in-toto.io/Statement/v2","subject":[]})", "_type"},
    {"NoSubject", R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"x"})", "subject"},
    {"EmptySubject",
     R"({"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"x"})", "subject"},
    {"SubjectWithoutDigest",
     R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a"}],"predicateType":"x"})",
     "subject[0].digest"},
    {"DigestNotString",
     R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":1}}],"predicateType":"x"})",
     "digest.sha256"},
    {"NoPredicateType",
     R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"ab"}}]})",
     "predicateType"},
    {"EmptyPredicateType",
     R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"ab"}}],"predicateType":""})",
     "predicateType"},
    {"PredicateNotObject",
     R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"ab"}}],"predicateType":"x","predicate":[1]})",
     "predicate is not an object"},
};

INSTANTIATE_TEST_SUITE_P(Cases, InTotoStatementRejectTest, ::testing::ValuesIn(kRejected),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(InTotoStatementTest, RefusesAPredicateNestedDeeperThanAPolicyCanReceive) {
  std::string deep;
  for (int i = 0; i < kMaxPredicateDepth + 1; ++i) deep += R"({"a":)";
  deep += "1";
  for (int i = 0; i < kMaxPredicateDepth + 1; ++i) deep += "}";
  const std::string text =
      R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"ab"}}],)"
      R"("predicateType":"x","predicate":)" +
      deep + "}";
  EXPECT_THAT(InTotoStatement::Parse(text),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("nests deeper")));
}

TEST(InTotoStatementTest, PeeksThePredicateTypeOfAnyPayloadWithoutFailing) {
  EXPECT_EQ(PeekPredicateType(R"({"predicateType":"p"})"), "p");
  EXPECT_EQ(PeekPredicateType("not json"), "");
  EXPECT_EQ(PeekPredicateType(R"({"predicateType":7})"), "");
}

TEST(DsseEnvelopeTest, RoundTripsTheJsonFormCosignStoresInAttLayers) {
  DsseEnvelope e;
  e.payload_type = std::string(kInTotoPayloadType);
  e.payload = R"({"a":1})";
  e.signatures = {"sig-one", std::string("\0\xff", 2)};
  auto back = DsseEnvelope::Parse(e.Serialize());
  ASSERT_THAT(back, IsOk()) << e.Serialize();
  EXPECT_EQ(back->payload_type, e.payload_type);
  EXPECT_EQ(back->payload, e.payload);
  EXPECT_EQ(back->signatures, e.signatures);
}

TEST(DsseEnvelopeTest, RefusesMalformedEnvelopesNamingTheField) {
  EXPECT_THAT(DsseEnvelope::Parse("nope"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a JSON object")));
  EXPECT_THAT(DsseEnvelope::Parse(R"({"payload":"e30=","signatures":[{"sig":"AA=="}]})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("payloadType")));
  EXPECT_THAT(DsseEnvelope::Parse(R"({"payloadType":"t","payload":"!!","signatures":[]})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("payload is not base64")));
  EXPECT_THAT(DsseEnvelope::Parse(R"({"payloadType":"t","payload":"e30=","signatures":[]})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("signatures")));
  EXPECT_THAT(DsseEnvelope::Parse(R"({"payloadType":"t","payload":"e30=","signatures":[7]})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("signatures[0]")));
}

}  // namespace
}  // namespace connaisseur::cosign
