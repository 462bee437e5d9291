// The container image (Dockerfile, built by scripts/image) as a cluster would run it: read-only
// root filesystem, uid 65532, the chart's mounts. It prints its version, serves /health and
// reviews through its own entrypoint, and, pushed with skopeo to the real docker-registry on
// loopback and signed with its own `connaisseur sign`, is admitted by its own webhook while the
// same image unsigned is denied. Skipped, with the reason, when podman or the image is missing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include "tests/integration/image/image_container.h"
#include "tests/integration/registry/registry_process.h"
#include "tests/integration/webhook/e2e_objects.h"
#include "tests/runtime/net/test_ca.h"

namespace connaisseur::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The image scripts/image builds by default (the chart's default image), unless
// CONNAISSEUR_IMAGE names another.
std::string ImageUnderTest() {
  const char* image = std::getenv("CONNAISSEUR_IMAGE");
  return image != nullptr && *image != '\0' ? image : CN_IMAGE;
}

class ImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    image_ = ImageUnderTest();
    if (std::string reason = ImageUnavailableReason(image_); !reason.empty()) {
      GTEST_SKIP() << reason;
    }
    ca_ = TestCa::Shared();
    ASSERT_NE(ca_, nullptr) << "cannot create the test CA (openssl CLI)";
  }

  std::string image_;
  const TestCa* ca_ = nullptr;
};

constexpr char kStaticValues[] = R"(application:
  validators:
    - name: allow
      type: static
      approve: true
    - name: deny
      type: static
      approve: false
  policy:
    - pattern: "*:*"
      validator: deny
    - pattern: "registry.k8s.io/*:*"
      validator: allow
)";

TEST_F(ImageTest, PrintsTheChartsAppVersion) {
  std::string output;
  auto rc = RunInImage(image_, {"--entrypoint", "connaisseur"}, {"--version"}, &output);
  ASSERT_TRUE(rc.ok()) << rc.status().ToString();
  EXPECT_EQ(*rc, 0) << output;
  EXPECT_EQ(output, "connaisseur " CN_APP_VERSION "\n");
}

TEST_F(ImageTest, EntrypointServesHealthAndReviewsFromTheChartsMounts) {
  auto serve = ServingContainer::Start(image_, *ca_, kStaticValues);
  ASSERT_TRUE(serve.ok()) << serve.status().ToString();
  auto health = (*serve)->Get("/health");
  ASSERT_TRUE(health.ok()) << health.status().ToString();
  EXPECT_EQ(health->status, 200);

  std::string error;
  nlohmann::json allowed = (*serve)->Mutate(
      Review(Workload("Pod", "ok", PodSpec({"registry.k8s.io/pause:3.9"})), "u1"), &error);
  ASSERT_FALSE(allowed.is_null()) << error << (*serve)->Logs();
  EXPECT_EQ(allowed["uid"], "u1");
  EXPECT_EQ(allowed["allowed"], true) << allowed;

  nlohmann::json denied = (*serve)->Mutate(
      Review(Workload("Pod", "no", PodSpec({"docker.io/library/nginx:1.25"})), "u2"), &error);
  ASSERT_FALSE(denied.is_null()) << error << (*serve)->Logs();
  EXPECT_EQ(denied["allowed"], false) << denied;
  EXPECT_THAT(denied["status"]["message"].get<std::string>(), HasSubstr("nginx")) << denied;
}

// The image signs itself and admits itself: push it twice (signed/ and unsigned/ repositories of
// the loopback registry), sign one with `connaisseur sign` run from the image, then ask the image's
// webhook about both.
class ImageSigningTest : public ImageTest {
 protected:
  void SetUp() override {
    ImageTest::SetUp();
    if (IsSkipped()) return;
    if (!RegistryProcess::Available() || access("/usr/bin/skopeo", X_OK) != 0) {
      GTEST_SKIP() << "docker-registry or skopeo is not installed";
    }
    auto registry = RegistryProcess::Start(RegistryProcess::Mode::kTls);
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(*registry);
    auto dir = MakeTempDir("cn-image-sign");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    // skopeo reads <dir>/ca.crt; the container (another uid) reads and writes keys here.
    ASSERT_EQ(chmod(dir_.c_str(), 0777), 0);
    ASSERT_TRUE(WriteFile(dir_ + "/ca.crt", ca_->ca_cert_pem()).ok());
    ASSERT_EQ(chmod((dir_ + "/ca.crt").c_str(), 0644), 0);
  }

  void TearDown() override {
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  // skopeo copy from local storage (or the registry) into the registry; OK iff it exits 0.
  void Push(const std::string& from, const std::string& repository) {
    auto rc = RunProcess({"skopeo", "copy", "--quiet", "--src-cert-dir", dir_, "--dest-cert-dir",
                          dir_, from, "docker://" + Ref(repository)},
                         dir_ + "/skopeo.log");
    ASSERT_TRUE(rc.ok()) << rc.status().ToString();
    auto log = ReadFile(dir_ + "/skopeo.log");
    ASSERT_EQ(*rc, 0) << (log.ok() ? *log : "");
  }

  std::string Digest(const std::string& repository) {
    const std::string out = dir_ + "/digest";
    auto rc = RunProcess({"skopeo", "inspect", "--cert-dir", dir_, "--format", "{{.Digest}}",
                          "docker://" + Ref(repository)},
                         out);
    auto text = ReadFile(out);
    std::remove(out.c_str());
    if (!rc.ok() || *rc != 0 || !text.ok()) return "";
    return text->substr(0, text->find('\n'));
  }

  // generate-key-pair and sign, both run from the image with the key folder mounted at /keys.
  void SignWithTheImage(const std::string& repository) {
    const std::vector<std::string> mount = {
        "-v", dir_ + ":/keys", "-e", "COSIGN_PASSWORD=image test", "--entrypoint", "connaisseur"};
    std::string output;
    auto rc = RunInImage(image_, mount, {"generate-key-pair", "--output-key-prefix", "/keys/test"},
                         &output);
    ASSERT_TRUE(rc.ok()) << rc.status().ToString();
    ASSERT_EQ(*rc, 0) << output;
    rc = RunInImage(
        image_, mount,
        {"sign", "--key", "/keys/test.key", "--registry-ca", "/keys/ca.crt", Ref(repository)},
        &output);
    ASSERT_TRUE(rc.ok()) << rc.status().ToString();
    ASSERT_EQ(*rc, 0) << output;
  }

  std::string Ref(const std::string& repository) const {
    return registry_->host() + "/" + repository + ":v" CN_APP_VERSION;
  }

  std::unique_ptr<RegistryProcess> registry_;
  std::string dir_;
};

// `pem` under a YAML `|` key: every line indented by `spaces`.
std::string Indented(const std::string& pem, int spaces) {
  std::string out;
  std::istringstream lines(pem);
  for (std::string line; std::getline(lines, line);) out += std::string(spaces, ' ') + line + "\n";
  return out;
}

// A deny-all catch-all plus a cosign rule for the test registry that trusts the key the image
// generated and the registry's CA.
std::string SigningValues(const std::string& registry, const std::string& ca_pem,
                          const std::string& public_key_pem) {
  return R"(application:
  validators:
    - name: deny
      type: static
      approve: false
    - name: image-cosign
      type: cosign
      cert: |
)" + Indented(ca_pem, 8) +
         R"(      trustRoots:
        - name: default
          key: |
)" + Indented(public_key_pem, 12) +
         R"(  policy:
    - pattern: "*:*"
      validator: deny
    - pattern: ")" +
         registry + R"(/image-test/*"
      validator: image-cosign
      with:
        verifyInTransparencyLog: false
)";
}

TEST_F(ImageSigningTest, ItsWebhookAdmitsItSignedAndDeniesItUnsigned) {
  ASSERT_NO_FATAL_FAILURE(Push("containers-storage:" + image_, "image-test/signed"));
  ASSERT_NO_FATAL_FAILURE(Push("docker://" + Ref("image-test/signed"), "image-test/unsigned"));
  const std::string digest = Digest("image-test/signed");
  ASSERT_THAT(digest, StartsWith("sha256:"));
  ASSERT_EQ(Digest("image-test/unsigned"), digest) << "the same image under two names";
  ASSERT_NO_FATAL_FAILURE(SignWithTheImage("image-test/signed"));

  auto pub = ReadFile(dir_ + "/test.pub");
  ASSERT_TRUE(pub.ok()) << "connaisseur generate-key-pair wrote no test.pub";
  auto serve = ServingContainer::Start(image_, *ca_,
                                       SigningValues(registry_->host(), ca_->ca_cert_pem(), *pub));
  ASSERT_TRUE(serve.ok()) << serve.status().ToString();

  std::string error;
  const nlohmann::json signed_pod = Workload("Pod", "signed", PodSpec({Ref("image-test/signed")}));
  nlohmann::json admitted = (*serve)->Mutate(Review(signed_pod, "signed"), &error);
  ASSERT_FALSE(admitted.is_null()) << error << (*serve)->Logs();
  EXPECT_EQ(admitted["allowed"], true) << admitted << (*serve)->Logs();
  EXPECT_THAT(ImagesOf(ApplyPatch(signed_pod, admitted)),
              ::testing::ElementsAre(Ref("image-test/signed") + "@" + digest));

  nlohmann::json denied = (*serve)->Mutate(
      Review(Workload("Pod", "unsigned", PodSpec({Ref("image-test/unsigned")})), "unsigned"),
      &error);
  ASSERT_FALSE(denied.is_null()) << error << (*serve)->Logs();
  EXPECT_EQ(denied["allowed"], false) << denied;
  EXPECT_THAT(denied["status"]["message"].get<std::string>(),
              HasSubstr("no signatures found for " + registry_->host() + "/image-test/unsigned"))
      << denied;
}

}  // namespace
}  // namespace connaisseur::testing
