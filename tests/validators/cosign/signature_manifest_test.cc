// The `.sig` manifest: parsing cosign's own manifests, the layout our signer writes, the tag.
#include "validators/cosign/signature_manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"
#include "tests/validators/cosign/test_data.h"
#include "validators/cosign/simple_signing.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::cosign::testing::ReadTestData;
using ::testing::HasSubstr;

TEST(SignatureManifestTest, ParsesAManifestCosignWrote) {
  auto m = SignatureManifest::Parse(ReadTestData("connaisseur/multi-signed.sig.json"));
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->config.media_type, kOciConfigMediaType);
  ASSERT_EQ(m->layers.size(), 3u);
  for (const auto& l : m->layers) {
    EXPECT_EQ(l.media_type, kSimpleSigningMediaType);
    EXPECT_EQ(l.digest, "sha256:7248e52a7da336ff63192f2c0a8f12562b0d5368e9cde6ab292cbb4604074f28");
    EXPECT_EQ(l.size, 266);
    EXPECT_EQ(l.annotations.count(std::string(kSignatureAnnotation)), 1u);
  }
}

TEST(SignatureManifestTest, SerializesInCosignsFieldOrderAndReadsBack) {
  SignatureManifest m;
  m.config = {std::string(kOciConfigMediaType), "sha256:" + std::string(64, 'a'), 233, {}};
  m.layers.push_back({std::string(kSimpleSigningMediaType),
                      "sha256:" + std::string(64, 'b'),
                      266,
                      {{std::string(kSignatureAnnotation), "MEUC"}}});
  const std::string json = m.Serialize();
  EXPECT_EQ(
      json,
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
      R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":233,)"
      R"("digest":"sha256:)" +
          std::string(64, 'a') +
          R"("},"layers":[{"mediaType":)"
          R"("application/vnd.dev.cosign.simplesigning.v1+json","size":266,"digest":"sha256:)" +
          std::string(64, 'b') +
          R"(","annotations":{"dev.cosignproject.cosign/signature":"MEUC"}}]})");
  auto back = SignatureManifest::Parse(json);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->layers.at(0).annotations.at(std::string(kSignatureAnnotation)), "MEUC");
}

TEST(SignatureManifestTest, NamesTheSignatureTagAfterTheDigest) {
  auto tag = SignatureTag("sha256:" + std::string(64, 'c'));
  ASSERT_THAT(tag, IsOk());
  EXPECT_EQ(*tag, "sha256-" + std::string(64, 'c') + ".sig");
  const std::vector<std::string> rejected = {"", "sha256:abc", "sha512:" + std::string(64, 'c'),
                                             "sha256:" + std::string(64, 'C')};
  for (const std::string& bad : rejected) {
    EXPECT_THAT(SignatureTag(bad), StatusIs(StatusCode::kInvalidArgument, HasSubstr("sha256")))
        << bad;
  }
}

TEST(SignatureManifestTest, RejectsMalformedManifests) {
  const std::string d = "\"sha256:" + std::string(64, 'a') + "\"";
  const std::string cfg = R"("config":{"mediaType":"x","size":1,"digest":)" + d + "}";
  const std::vector<std::string> rejected = {
      "",
      "[]",
      R"({"schemaVersion":1,)" + cfg + R"(,"layers":[]})",
      R"({"schemaVersion":2,"layers":[]})",
      R"({"schemaVersion":2,)" + cfg + "}",
      R"({"schemaVersion":2,"manifests":[],)" + cfg + R"(,"layers":[]})",
      R"({"schemaVersion":2,)" + cfg + R"(,"layers":[{"size":1,"digest":"sha256:abc"}]})",
      R"({"schemaVersion":2,)" + cfg + R"(,"layers":[{"size":-1,"digest":)" + d + "}]}",
      R"({"schemaVersion":2,)" + cfg + R"(,"layers":[{"size":"1","digest":)" + d + "}]}",
      R"({"schemaVersion":2,)" + cfg + R"(,"layers":[{"size":1,"digest":)" + d +
          R"(,"annotations":{"a":1}}]})",
  };
  for (const auto& json : rejected) {
    EXPECT_THAT(SignatureManifest::Parse(json),
                StatusIs(StatusCode::kInvalidArgument, ::testing::_))
        << json;
  }
}

}  // namespace
}  // namespace connaisseur::cosign
