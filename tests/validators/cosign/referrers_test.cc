// Finding and publishing sigstore bundles as OCI referrers (validators/cosign/referrers.h)
// through the OCI 1.1 referrers API, which Debian's docker-registry (distribution 2.8) lacks: a
// loopback fixture serves the API, the referrers tag, manifests and blobs from maps the test
// fills, and records every request. The referrers-tag path also runs against the real registry
// (tests/integration/registry/cosign_bundle_registry_test.cc).
#include "validators/cosign/referrers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "runtime/crypto/digest.h"
#include "runtime/net/http_client.h"
#include "tests/runtime/net/test_https_server.h"
#include "tests/testing/status_matchers.h"
#include "tests/validators/cosign/keyless_fixture.h"
#include "validators/cosign/bundle_signer.h"
#include "validators/cosign/cosign_validator.h"

namespace connaisseur::cosign {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kRepo[] = "team/app";

Deadline Soon() { return Deadline::In(std::chrono::seconds(10)); }

// A registry with the referrers API, as far as these tests need one. Unknown paths are 404.
class ReferrersRegistry {
 public:
  ReferrersRegistry() {
    auto s = ::connaisseur::testing::TestHttpsServer::Start(
        "", "", [this](const ::connaisseur::testing::TestRequest& r) { return Serve(r); });
    EXPECT_THAT(s, IsOk());
    server_ = std::move(s).value();
  }

  std::string host() const { return "127.0.0.1:" + std::to_string(server_->port()); }

  // GET path → (status, body); content types follow the path.
  void Set(const std::string& path, int status, std::string body = "") {
    std::lock_guard<std::mutex> lock(mu_);
    routes_[path] = {status, std::move(body)};
  }
  void AnswerPutsWithOciSubject(bool yes) { oci_subject_ = yes; }
  std::vector<std::string> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  ::connaisseur::testing::TestResponse Serve(const ::connaisseur::testing::TestRequest& r) {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(r.method + " " + r.path + (r.query.empty() ? "" : "?" + r.query));
    ::connaisseur::testing::TestResponse out;
    if (r.method == "HEAD") return out;  // every blob "exists": uploads are skipped
    if (r.method == "PUT") {
      out.status = 201;
      if (oci_subject_) out.headers.emplace_back("OCI-Subject", "sha256:whatever");
      return out;
    }
    auto it = routes_.find(r.path);
    if (it == routes_.end()) {
      out.status = 404;
      return out;
    }
    out.status = it->second.first;
    out.body = it->second.second;
    if (r.path.find("/referrers/") != std::string::npos) {
      out.headers.emplace_back("Content-Type", "application/vnd.oci.image.index.v1+json");
    }
    return out;
  }

  std::unique_ptr<::connaisseur::testing::TestHttpsServer> server_;
  mutable std::mutex mu_;
  std::map<std::string, std::pair<int, std::string>> routes_;
  std::vector<std::string> requests_;
  bool oci_subject_ = false;
};

class ReferrersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::GlobalInit();
    registry::RegistryOptions options;
    options.plain_http = true;
    auto c = registry::RegistryClient::Create(options);
    ASSERT_THAT(c, IsOk());
    client_ = std::move(c).value();
    image_.media_type = std::string(kOciManifestMediaType);
    image_.body = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                  R"("config":{},"layers":[]})";
    image_.digest = crypto::OciDigest(image_.body);
    registry_.Set(std::string("/v2/") + kRepo + "/manifests/v1", 200, image_.body);
  }

  // Serves a bundle signed by `key` for `subject_digest` as a referrer manifest; returns the
  // index entry that lists it.
  nlohmann::json ServeBundle(const crypto::PrivateKey& key, const std::string& subject_digest) {
    auto bundle = MakeSignatureBundle(image_.digest, PrivateKeySigner(key), Soon());
    EXPECT_THAT(bundle, IsOk());
    const std::string blob = bundle->Serialize();
    nlohmann::json manifest = {
        {"schemaVersion", 2},
        {"mediaType", kOciManifestMediaType},
        {"artifactType", kSigstoreBundleMediaType},
        {"config",
         {{"mediaType", kEmptyConfigMediaType}, {"digest", crypto::OciDigest("{}")}, {"size", 2}}},
        {"layers", nlohmann::json::array({{{"mediaType", kSigstoreBundleMediaType},
                                           {"digest", crypto::OciDigest(blob)},
                                           {"size", blob.size()}}})},
        {"subject",
         {{"mediaType", kOciManifestMediaType},
          {"digest", subject_digest},
          {"size", image_.body.size()}}}};
    const std::string body = manifest.dump();
    registry_.Set(std::string("/v2/") + kRepo + "/blobs/" + crypto::OciDigest(blob), 200, blob);
    registry_.Set(std::string("/v2/") + kRepo + "/manifests/" + crypto::OciDigest(body), 200, body);
    return {{"mediaType", kOciManifestMediaType},
            {"digest", crypto::OciDigest(body)},
            {"size", body.size()},
            {"artifactType", kSigstoreBundleMediaType}};
  }

  static std::string Index(const std::vector<nlohmann::json>& entries) {
    return nlohmann::json({{"schemaVersion", 2},
                           {"mediaType", "application/vnd.oci.image.index.v1+json"},
                           {"manifests", entries}})
        .dump();
  }
  std::string ApiPath() const {
    return std::string("/v2/") + kRepo + "/referrers/" + image_.digest;
  }
  std::string TagPath() const {
    return std::string("/v2/") + kRepo + "/manifests/" + *ReferrersTag(image_.digest);
  }
  StatusOr<BundleSearch> Find() {
    return FindSignatureBundles(*client_, registry_.host(), kRepo, image_.digest, Soon());
  }

  ReferrersRegistry registry_;
  std::unique_ptr<registry::RegistryClient> client_;
  registry::Manifest image_;
  crypto::PrivateKey alice_ =
      std::move(crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256)).value();
};

TEST_F(ReferrersTest, TheReferrersApiIsAskedForBundlesAndTheTagIsNotRead) {
  registry_.Set(ApiPath(), 200, Index({ServeBundle(alice_, image_.digest)}));
  auto found = Find();
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->looked_at, "the referrers API");
  ASSERT_EQ(found->bundles.size(), 1u);
  EXPECT_THAT(found->bundles[0].bundle, IsOk());
  EXPECT_THAT(registry_.requests(),
              Contains("GET " + ApiPath() +
                       "?artifactType=application%2Fvnd.dev.sigstore.bundle.v0.3%2Bjson"));
  EXPECT_THAT(registry_.requests(), Not(Contains("GET " + TagPath())));
}

TEST_F(ReferrersTest, A404FromTheApiFallsBackToTheReferrersTag) {
  registry_.Set(TagPath(), 200, Index({ServeBundle(alice_, image_.digest)}));
  auto found = Find();
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->looked_at, "the referrers tag " + *ReferrersTag(image_.digest));
  ASSERT_EQ(found->bundles.size(), 1u);
  EXPECT_THAT(found->bundles[0].bundle, IsOk());
}

TEST_F(ReferrersTest, NoApiAndNoTagMeansNoBundles) {
  auto found = Find();
  ASSERT_THAT(found, IsOk());
  EXPECT_TRUE(found->bundles.empty());
}

TEST_F(ReferrersTest, AServerErrorFromTheApiFails) {
  registry_.Set(ApiPath(), 500, "oops");
  EXPECT_THAT(Find(), StatusIs(StatusCode::kUnavailable, HasSubstr("referrers of team/app@")));
}

TEST_F(ReferrersTest, AnApiAnswerThatIsNotAnIndexFails) {
  registry_.Set(ApiPath(), 200, "[1,2,3]");
  EXPECT_THAT(Find(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("not an image index")));
}

TEST_F(ReferrersTest, AReferrerOfAnotherImageIsKeptAsMalformed) {
  const std::string other = crypto::OciDigest("another image");
  registry_.Set(ApiPath(), 200, Index({ServeBundle(alice_, other)}));
  auto found = Find();
  ASSERT_THAT(found, IsOk());
  ASSERT_EQ(found->bundles.size(), 1u);
  EXPECT_THAT(found->bundles[0].bundle,
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("subject is not the image")));
}

TEST_F(ReferrersTest, OtherArtifactTypesAreNotFetched) {
  nlohmann::json sbom = ServeBundle(alice_, image_.digest);
  sbom["artifactType"] = "application/spdx+json";
  registry_.Set(ApiPath(), 200, Index({sbom}));
  auto found = Find();
  ASSERT_THAT(found, IsOk());
  EXPECT_TRUE(found->bundles.empty());
  EXPECT_THAT(registry_.requests(),
              Not(Contains("GET /v2/team/app/manifests/" + sbom["digest"].get<std::string>())));
}

TEST_F(ReferrersTest, AListingLongerThanTheCapIsReadOnlyUpToTheCap) {
  std::vector<nlohmann::json> entries(kMaxBundleReferrers + 5, ServeBundle(alice_, image_.digest));
  registry_.Set(ApiPath(), 200, Index(entries));
  auto found = Find();
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->bundles.size(), kMaxBundleReferrers);
}

TEST_F(ReferrersTest, PublishingToARegistryWithTheApiWritesNoReferrersTag) {
  registry_.AnswerPutsWithOciSubject(true);
  auto bundle = MakeSignatureBundle(image_.digest, PrivateKeySigner(alice_), Soon());
  ASSERT_THAT(bundle, IsOk());
  auto published = PublishBundle(*client_, registry_.host(), kRepo, image_, *bundle, Soon());
  ASSERT_THAT(published, IsOk());
  EXPECT_FALSE(published->referrers_tag);
  EXPECT_THAT(registry_.requests(),
              Contains("PUT /v2/team/app/manifests/" + published->manifest_digest));
  EXPECT_THAT(registry_.requests(), Not(Contains("GET " + TagPath())));
  EXPECT_THAT(registry_.requests(), Not(Contains("PUT " + TagPath())));
}

TEST_F(ReferrersTest, PublishingWithoutOciSubjectWritesTheReferrersTag) {
  auto bundle = MakeSignatureBundle(image_.digest, PrivateKeySigner(alice_), Soon());
  ASSERT_THAT(bundle, IsOk());
  auto published = PublishBundle(*client_, registry_.host(), kRepo, image_, *bundle, Soon());
  ASSERT_THAT(published, IsOk());
  EXPECT_TRUE(published->referrers_tag);
  EXPECT_THAT(registry_.requests(), Contains("PUT " + TagPath()));
}

TEST_F(ReferrersTest, TheValidatorAdmitsAnImageSignedOnlyThroughTheReferrersApi) {
  registry_.Set(ApiPath(), 200, Index({ServeBundle(alice_, image_.digest)}));
  config::ValidatorConfig config;
  config.name = "referrers";
  config.type = config::ValidatorType::kCosign;
  config.trust_roots = {{"default", alice_.PublicPem(), "", "", std::nullopt}};
  CosignValidator::Options options;
  options.plain_http = true;
  auto v = CosignValidator::Create(config, options);
  ASSERT_THAT(v, IsOk());
  config::RuleOptions rule;
  rule.verify_in_transparency_log = false;
  auto image = image::ImageReference::Parse(registry_.host() + "/" + kRepo + ":v1");
  ASSERT_THAT(image, IsOk());
  auto verified = (*v)->Verify(*image, rule, Soon());
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->digest, image_.digest);
}

TEST_F(ReferrersTest, AKeylessRootIsNotSatisfiedByAKeyBundleAndSaysSo) {
  registry_.Set(ApiPath(), 200, Index({ServeBundle(alice_, image_.digest)}));
  auto fixture = testing::KeylessFixture::Create();
  ASSERT_THAT(fixture, IsOk());
  config::ValidatorConfig config;
  config.name = "referrers";
  config.type = config::ValidatorType::kCosign;
  config.cosign_host = fixture->Host();
  config::TrustRoot root;
  root.name = "default";
  root.keyless = config::Keyless{"https://accounts.example.com", "", "alice@example.com", ""};
  config.trust_roots = {root};
  CosignValidator::Options options;
  options.plain_http = true;
  auto v = CosignValidator::Create(config, options);
  ASSERT_THAT(v, IsOk());
  auto image = image::ImageReference::Parse(registry_.host() + "/" + kRepo + ":v1");
  ASSERT_THAT(image, IsOk());
  EXPECT_THAT((*v)->Verify(*image, config::RuleOptions{}, Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("bundle is signed with a key, not a certificate")));
}

}  // namespace
}  // namespace connaisseur::cosign
