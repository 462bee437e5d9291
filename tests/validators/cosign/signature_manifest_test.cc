// The `.sig` manifest: parsing cosign's own manifests, the layout our signer writes, the tag.
#include "validators/cosign/signature_manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/case_name.h"
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

// A signature manifest as a hostile registry may serve it, refused with a message naming what
// is wrong.
struct MalformedCase {
  std::string name;
  std::string json;
  std::string message;
  // What a failure prints for the parameter: its name, not its bytes.
  friend void PrintTo(const MalformedCase& c, std::ostream* os) { *os << c.name; }
};

std::vector<MalformedCase> MalformedManifests() {
  const std::string d = "\"sha256:" + std::string(64, 'a') + "\"";
  const std::string cfg = R"("config":{"mediaType":"x","size":1,"digest":)" + d + "}";
  const std::string v2 = R"({"schemaVersion":2,)" + cfg;
  return {
      {"empty", "", "is not a JSON object"},
      {"array", "[]", "is not a JSON object"},
      {"schema version 1", R"({"schemaVersion":1,)" + cfg + R"(,"layers":[]})",
       "schemaVersion is not 2"},
      {"no config", R"({"schemaVersion":2,"layers":[]})", "has no config"},
      {"no layers", v2 + "}", "has no layers array"},
      {"an index", R"({"schemaVersion":2,"manifests":[],)" + cfg + R"(,"layers":[]})",
       "is an index, not an image manifest"},
      {"short layer digest", v2 + R"(,"layers":[{"size":1,"digest":"sha256:abc"}]})",
       "layers[0].digest is not a sha256 digest"},
      {"negative layer size", v2 + R"(,"layers":[{"size":-1,"digest":)" + d + "}]}",
       "layers[0].size is not a non-negative integer"},
      {"layer size as a string", v2 + R"(,"layers":[{"size":"1","digest":)" + d + "}]}",
       "layers[0].size is not a non-negative integer"},
      {"annotation not a string",
       v2 + R"(,"layers":[{"size":1,"digest":)" + d + R"(,"annotations":{"a":1}}]})",
       "layers[0].annotations[a] is not a string"},
  };
}

class MalformedManifestTest : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedManifestTest, IsRejected) {
  EXPECT_THAT(SignatureManifest::Parse(GetParam().json),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(Malformed, MalformedManifestTest,
                         ::testing::ValuesIn(MalformedManifests()),
                         ::connaisseur::testing::NameOfCase());

}  // namespace
}  // namespace connaisseur::cosign
