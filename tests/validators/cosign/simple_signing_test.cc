// The simple-signing payload: exact bytes as cosign writes them, and parsing of any formatting.
#include "validators/cosign/simple_signing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"
#include "tests/validators/cosign/test_data.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::cosign::testing::ReadTestData;
using ::testing::HasSubstr;

TEST(SimpleSigningTest, SerializesTheBytesCosignSigned) {
  SimpleSigning s;
  s.docker_reference = "index.docker.io/securesystemsengineering/testimage";
  s.manifest_digest = "sha256:bfec161fecb0a887df7cb85e4da327c65986ccda7060cf3cd92171c6c90d7533";
  s.type = std::string(kSimpleSigningType);
  EXPECT_EQ(s.Serialize(), ReadTestData("connaisseur/multi-signed.payload.json"));
}

TEST(SimpleSigningTest, SerializesOptionalAnnotationsSortedLikeGo) {
  SimpleSigning s;
  s.docker_reference = "r";
  s.manifest_digest = "d";
  s.type = "t";
  s.optional = {{"z", "1"}, {"a", "<&>"}};
  EXPECT_EQ(
      s.Serialize(),
      R"({"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"d"},"type":"t"},"optional":{"a":"\u003c\u0026\u003e","z":"1"}})");
}

TEST(SimpleSigningTest, ParsesPayloadsInAnyFormatting) {
  const std::string digest =
      "sha256:bfec161fecb0a887df7cb85e4da327c65986ccda7060cf3cd92171c6c90d7533";
  const std::vector<std::string> accepted = {
      ReadTestData("connaisseur/multi-signed.payload.json"),
      R"({ "optional": {"k":"v","n":1}, "critical": { "type": "cosign container image signature",
          "image": { "docker-manifest-digest": ")" +
          digest + R"(" }, "identity": {} } })",
      R"({"critical":{"type":"cosign container image signature","image":{"Docker-Manifest-Digest":")" +
          digest + R"("}}})",
  };
  for (const auto& payload : accepted) {
    auto s = SimpleSigning::Parse(payload);
    ASSERT_THAT(s, IsOk()) << payload;
    EXPECT_EQ(s->manifest_digest, digest) << payload;
    EXPECT_EQ(s->type, kSimpleSigningType) << payload;
  }
}

TEST(SimpleSigningTest, RejectsMalformedPayloads) {
  const std::vector<std::string> rejected = {
      "",
      "null",
      "[]",
      R"({"critical":null})",
      R"({"critical":{"type":"cosign container image signature"}})",
      R"({"critical":{"type":"cosign container image signature","image":{}}})",
      R"({"critical":{"type":1,"image":{"docker-manifest-digest":"sha256:00"}}})",
      R"({"critical":{"type":"t","image":{"docker-manifest-digest":7}}})",
      R"({"critical":{"type":"t","image":{"docker-manifest-digest":"x"}}} trailing)",
  };
  for (const auto& payload : rejected) {
    EXPECT_THAT(SimpleSigning::Parse(payload),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("payload")))
        << payload;
  }
}

TEST(SimpleSigningTest, SpellsDockerHubAsIndexDockerIo) {
  EXPECT_EQ(DockerReference("docker.io", "library/nginx"), "index.docker.io/library/nginx");
  EXPECT_EQ(DockerReference("127.0.0.1:5000", "a/b"), "127.0.0.1:5000/a/b");
}

}  // namespace
}  // namespace connaisseur::cosign
