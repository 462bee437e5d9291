// The cosign validator and signer against docker-registry behind TLS (test CA), htpasswd Basic
// auth and bearer tokens, with right and wrong credentials; and, against a scripted server,
// the statuses a real registry never sends (500, slow past the deadline, oversized manifest).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "runtime/cli/commands.h"
#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "runtime/net/http_client.h"
#include "tests/integration/registry/registry_process.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/runtime/net/test_https_server.h"
#include "tests/testing/status_matchers.h"
#include "validators/cosign/cosign_validator.h"
#include "validators/cosign/signature_manifest.h"
#include "validators/cosign/signer.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::testing::RegistryProcess;
using ::testing::HasSubstr;

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

image::ImageReference Ref(const std::string& text) {
  auto r = image::ImageReference::Parse(text);
  EXPECT_THAT(r, IsOk()) << text;
  return std::move(r).value();
}

config::RuleOptions NoTlog() {
  config::RuleOptions o;
  o.verify_in_transparency_log = false;
  return o;
}

// Pushes a one-layer image and signs it with `key`; returns the image digest.
std::string PushAndSign(registry::RegistryClient& client, const std::string& host,
                        const crypto::PrivateKey& key) {
  const std::string layer = "layer", config = R"({"os":"linux"})";
  EXPECT_THAT(client.PutBlob(host, "auth/app", layer, Soon()), IsOk());
  EXPECT_THAT(client.PutBlob(host, "auth/app", config, Soon()), IsOk());
  const std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
      crypto::OciDigest(config) + R"(","size":)" + std::to_string(config.size()) +
      R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
      crypto::OciDigest(layer) + R"(","size":5}]})";
  auto digest = client.PutManifest(host, "auth/app", "v1", manifest,
                                   "application/vnd.oci.image.manifest.v1+json", Soon());
  EXPECT_THAT(digest, IsOk());
  EXPECT_THAT(SignImage(client, Ref(host + "/auth/app:v1"), key, {}, Soon()), IsOk());
  return digest.ok() ? *digest : "";
}

// A client for the test's own pushes to `registry`, with the right credentials when asked.
StatusOr<std::unique_ptr<registry::RegistryClient>> PushClient(const RegistryProcess& registry,
                                                               const std::string& ca_pem,
                                                               bool with_credentials) {
  registry::RegistryOptions options;
  options.plain_http = registry.plain_http();
  options.ca_pem = ca_pem;
  if (with_credentials) {
    options.credentials = net::BasicCredentials{RegistryProcess::kUser, RegistryProcess::kPassword};
  }
  return registry::RegistryClient::Create(options);
}

class RegistryAuthTest : public ::testing::TestWithParam<RegistryProcess::Mode> {
 protected:
  void SetUp() override {
    if (!RegistryProcess::Available()) GTEST_SKIP() << "docker-registry is not installed";
    if (system("command -v htpasswd > /dev/null 2>&1") != 0 &&
        GetParam() == RegistryProcess::Mode::kHtpasswd) {
      GTEST_SKIP() << "htpasswd is not installed";
    }
    net::GlobalInit();
  }
};

TEST_P(RegistryAuthTest, AllowsWithRightCredentialsAndDeniesWithWrongOnes) {
  auto registry = RegistryProcess::Start(GetParam());
  ASSERT_THAT(registry, IsOk());
  const std::string host = (*registry)->host();
  const bool needs_auth =
      GetParam() == RegistryProcess::Mode::kHtpasswd || GetParam() == RegistryProcess::Mode::kToken;
  const std::string ca =
      GetParam() == RegistryProcess::Mode::kTls ? testing::TestCa::Shared()->ca_cert_pem() : "";
  auto client = PushClient(**registry, ca, needs_auth);
  ASSERT_THAT(client, IsOk());
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(key, IsOk());
  const std::string digest = PushAndSign(**client, host, *key);

  auto validator = [&](const std::string& user, const std::string& password) {
    config::ValidatorConfig config;
    config.name = "auth";
    config.cert = ca;
    config.auth.username = user;
    config.auth.password = password;
    config.trust_roots = {{"default", key->PublicPem(), "", "", std::nullopt}};
    CosignValidator::Options options;
    options.plain_http = (*registry)->plain_http();
    auto v = CosignValidator::Create(config, options);
    EXPECT_THAT(v, IsOk());
    return std::move(v).value();
  };
  auto right = validator(needs_auth ? RegistryProcess::kUser : "",
                         needs_auth ? RegistryProcess::kPassword : "");
  auto verified = right->Verify(Ref(host + "/auth/app:v1"), NoTlog(), Soon());
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->digest, digest);
  if (needs_auth) {
    EXPECT_THAT(validator(RegistryProcess::kUser, "wrong")
                    ->Verify(Ref(host + "/auth/app:v1"), NoTlog(), Soon()),
                StatusIs(StatusCode::kPermissionDenied, ::testing::_));
    EXPECT_THAT(validator("", "")->Verify(Ref(host + "/auth/app:v1"), NoTlog(), Soon()),
                StatusIs(StatusCode::kPermissionDenied, ::testing::_));
  }
  if (GetParam() == RegistryProcess::Mode::kTls) {
    config::ValidatorConfig config;
    config.name = "untrusting";
    config.trust_roots = {{"default", key->PublicPem(), "", "", std::nullopt}};
    auto v = CosignValidator::Create(config);
    ASSERT_THAT(v, IsOk());
    EXPECT_THAT((*v)->Verify(Ref(host + "/auth/app:v1"), NoTlog(), Soon()),
                StatusIs(StatusCode::kUnavailable, ::testing::_));
  }
}

// Runs `connaisseur sign` in-process with `args` (after "sign").
int Sign(const std::vector<std::string>& args) {
  const std::vector<std::string_view> views(args.begin(), args.end());
  return cli::RunSign(views);
}

// `sign` pushes behind Basic and token auth with flags or a docker config, and fails (exit 1)
// without credentials; a validator whose credentials are scoped elsewhere pulls anonymously.
class SignCommandAuthTest : public RegistryAuthTest {};

TEST_P(SignCommandAuthTest, FindsRegistryCredentialsAndScopingIsHonoured) {
  auto registry = RegistryProcess::Start(GetParam());
  ASSERT_THAT(registry, IsOk());
  const std::string host = (*registry)->host();
  auto client = PushClient(**registry, "", /*with_credentials=*/true);
  ASSERT_THAT(client, IsOk());
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(key, IsOk());
  PushAndSign(**client, host, *key);  // one signature layer from the library signer

  auto dir = testing::MakeTempDir("cn-sign-auth");
  ASSERT_THAT(dir, IsOk());
  const std::string key_path = *dir + "/signer.pem";
  ASSERT_THAT(testing::WriteFile(key_path, key->PrivatePem()), IsOk());
  const std::string image = host + "/auth/app:v1";
  const char* home = getenv("HOME");
  const std::string saved_home = home ? home : "";
  unsetenv("REGISTRY_AUTH_FILE");
  setenv("DOCKER_CONFIG", (*dir + "/nowhere").c_str(), 1);
  setenv("HOME", dir->c_str(), 1);

  EXPECT_EQ(Sign({"--key", key_path, "--insecure-http", image}), 1) << "anonymous push";
  EXPECT_EQ(Sign({"--key", key_path, "--insecure-http", "--registry-username",
                  RegistryProcess::kUser, image}),
            2)
      << "username without password is a usage error";
  EXPECT_EQ(
      Sign({"--key", key_path, "--insecure-http", "--registry-username", RegistryProcess::kUser,
            "--registry-password", RegistryProcess::kPassword, image}),
      0);
  const std::string auth =
      crypto::Base64Encode(std::string(RegistryProcess::kUser) + ":" + RegistryProcess::kPassword);
  std::filesystem::create_directories(*dir + "/docker");
  ASSERT_THAT(testing::WriteFile(*dir + "/docker/config.json",
                                 R"({"auths":{")" + host + R"(":{"auth":")" + auth + R"("}}})"),
              IsOk());
  setenv("DOCKER_CONFIG", (*dir + "/docker").c_str(), 1);
  EXPECT_EQ(Sign({"--key", key_path, "--insecure-http", image}), 0) << "docker config";
  unsetenv("DOCKER_CONFIG");
  if (home) setenv("HOME", saved_home.c_str(), 1);

  auto manifest = (*client)->GetManifest(host, "auth/app", "v1", Soon());
  ASSERT_THAT(manifest, IsOk());
  auto sig = (*client)->GetManifest(host, "auth/app", *SignatureTag(manifest->digest), Soon());
  ASSERT_THAT(sig, IsOk());
  auto layers = SignatureManifest::Parse(sig->body);
  ASSERT_THAT(layers, IsOk());
  EXPECT_EQ(layers->layers.size(), 3u) << "library signer + two CLI signatures appended";

  for (const auto& [scope, allowed] :
       std::vector<std::pair<std::string, bool>>{{host, true}, {"other.registry.io", false}}) {
    config::ValidatorConfig config;
    config.name = "scoped";
    config.auth.username = RegistryProcess::kUser;
    config.auth.password = RegistryProcess::kPassword;
    config.auth.registry = scope;
    config.trust_roots = {{"default", key->PublicPem(), "", "", std::nullopt}};
    CosignValidator::Options options;
    options.plain_http = true;
    auto v = CosignValidator::Create(config, options);
    ASSERT_THAT(v, IsOk());
    auto result = (*v)->Verify(Ref(image), NoTlog(), Soon());
    if (allowed) {
      EXPECT_THAT(result, IsOk()) << scope;
    } else {
      EXPECT_THAT(result, StatusIs(StatusCode::kPermissionDenied, ::testing::_)) << scope;
    }
  }
  std::filesystem::remove_all(*dir);
}

INSTANTIATE_TEST_SUITE_P(Variants, RegistryAuthTest,
                         ::testing::Values(RegistryProcess::Mode::kTls,
                                           RegistryProcess::Mode::kHtpasswd,
                                           RegistryProcess::Mode::kToken),
                         [](const auto& info) {
                           switch (info.param) {
                             case RegistryProcess::Mode::kTls:
                               return std::string("Tls");
                             case RegistryProcess::Mode::kHtpasswd:
                               return std::string("Htpasswd");
                             case RegistryProcess::Mode::kToken:
                               return std::string("Token");
                             default:
                               return std::string("Plain");
                           }
                         });

TEST(RegistryFailureTest, ServerErrorsSlownessAndHugeManifestsDeny) {
  net::GlobalInit();
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(key, IsOk());
  config::ValidatorConfig config;
  config.name = "failing";
  config.trust_roots = {{"default", key->PublicPem(), "", "", std::nullopt}};
  CosignValidator::Options options;
  options.plain_http = true;
  auto v = CosignValidator::Create(config, options);
  ASSERT_THAT(v, IsOk());
  struct Case {
    std::string name;
    testing::TestResponse response;
    StatusCode code;
  };
  testing::TestResponse slow{200, {}, "{}"};
  slow.delay = std::chrono::milliseconds(5000);
  const std::vector<Case> cases = {
      {"500", {500, {}, "oops"}, StatusCode::kUnavailable},
      {"slow", slow, StatusCode::kDeadlineExceeded},
      {"oversized", {200, {}, std::string(5u << 20, ' ')}, StatusCode::kResourceExhausted},
      {"malformed signature manifest", {200, {}, "not json"}, StatusCode::kInvalidArgument},
  };
  for (const auto& c : cases) {
    const bool sig_only = c.name == "malformed signature manifest";
    auto server = testing::TestHttpsServer::Start("", "", [&](const testing::TestRequest& req) {
      if (sig_only && req.path.find(".sig") == std::string::npos) {
        return testing::TestResponse{200, {}, R"({"schemaVersion":2})"};
      }
      return c.response;
    });
    ASSERT_THAT(server, IsOk());
    auto r = (*v)->Verify(Ref("127.0.0.1:" + std::to_string((*server)->port()) + "/a/b:v1"),
                          NoTlog(), Deadline::In(std::chrono::milliseconds(1500)));
    EXPECT_THAT(r, StatusIs(c.code, ::testing::_)) << c.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, SignCommandAuthTest,
                         ::testing::Values(RegistryProcess::Mode::kHtpasswd,
                                           RegistryProcess::Mode::kToken),
                         [](const auto& info) {
                           return std::string(
                               info.param == RegistryProcess::Mode::kToken ? "Token" : "Htpasswd");
                         });

}  // namespace
}  // namespace connaisseur::cosign
