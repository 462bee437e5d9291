// NotaryV1ValidatorTest: a loopback HTTPS server (throw-away CA) serving TufRepo files for one
// GUN, optionally behind a bearer-token challenge, and helpers to build and run validators.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>

#include "runtime/crypto/encoding.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/runtime/net/test_https_server.h"
#include "tests/testing/status_matchers.h"
#include "tests/validators/notaryv1/tuf_repo.h"
#include "validators/notaryv1/notaryv1_validator.h"

namespace connaisseur::notaryv1 {

using connaisseur::testing::TestCa;
using connaisseur::testing::TestHttpsServer;
using connaisseur::testing::TestRequest;
using connaisseur::testing::TestResponse;
using testing::DigestOf;
using ::testing::HasSubstr;
using testing::NewKey;
using testing::TestKey;
using testing::TufRepo;
using json = nlohmann::json;

inline constexpr char kGun[] = "registry.example.com/team/app";
inline const std::string kDigest = DigestOf("manifest v1");
inline const std::string kOtherDigest = DigestOf("manifest v2");
inline constexpr char kJwt[] = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";

class NotaryV1ValidatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::GlobalInit();
    ca_ = TestCa::Shared();
    ASSERT_NE(ca_, nullptr);
    auto server = TestHttpsServer::Start(ca_->server_cert_pem(), ca_->server_key_pem(),
                                         [this](const TestRequest& r) { return Answer(r); });
    ASSERT_THAT(server, IsOk());
    server_ = std::move(server).value();
    repo_.Sign("targets", "v1", kDigest);
  }

  TestResponse Answer(const TestRequest& r) {
    std::lock_guard<std::mutex> lock(mu_);
    if (r.path == "/token") {
      const std::string* auth = r.Header("authorization");
      if (auth == nullptr || *auth != "Basic " + crypto::Base64Encode("alice:secret")) {
        return TestResponse{.status = 401};
      }
      return TestResponse{.body = json{{"token", kJwt}}.dump()};
    }
    if (!challenge_.empty()) {
      const std::string* auth = r.Header("authorization");
      if (auth == nullptr || *auth != std::string("Bearer ") + kJwt) {
        return TestResponse{.status = 401, .headers = {{"WWW-Authenticate", challenge_}}};
      }
    }
    if (status_override_ != 0) return TestResponse{.status = status_override_};
    auto it = files_.find(r.path);
    if (it == files_.end()) return TestResponse{.status = 404, .body = "{}"};
    return TestResponse{.body = it->second, .delay = delay_};
  }

  // Serves `files` (role → bytes) for kGun.
  void Serve(const std::map<std::string, std::string>& files, const std::string& gun = kGun) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [role, bytes] : files) {
      files_["/v2/" + gun + "/_trust/tuf/" + role + ".json"] = bytes;
    }
  }
  void Publish() { Serve(repo_.Publish()); }

  config::ValidatorConfig Config(std::vector<config::TrustRoot> roots = {}) {
    config::ValidatorConfig c;
    c.name = "notary";
    c.type = config::ValidatorType::kNotaryV1;
    c.host = server_->url();
    c.cert = ca_->ca_cert_pem();
    c.trust_roots = roots.empty()
                        ? std::vector<config::TrustRoot>{{"default", repo_.root_key.public_pem}}
                        : roots;
    return c;
  }

  std::unique_ptr<NotaryV1Validator> Validator(config::ValidatorConfig c, NotaryV1Options o = {}) {
    auto v = NotaryV1Validator::Create(c, o);
    EXPECT_THAT(v, IsOk());
    return v.ok() ? std::move(v).value() : nullptr;
  }
  std::unique_ptr<NotaryV1Validator> Validator() { return Validator(Config()); }

  StatusOr<validators::VerifiedImage> Verify(const NotaryV1Validator& v, const std::string& ref,
                                             config::RuleOptions options = {}) {
    auto image = image::ImageReference::Parse(ref);
    EXPECT_THAT(image, IsOk()) << ref;
    if (!image.ok()) return image.status();
    return v.Verify(*image, options, Deadline::In(std::chrono::seconds(20)));
  }
  StatusOr<validators::VerifiedImage> Verify(const std::string& ref,
                                             config::RuleOptions options = {}) {
    auto v = Validator();
    if (!v) return InternalError("no validator");
    return Verify(*v, ref, options);
  }
  std::string Ref(const std::string& suffix) { return std::string(kGun) + suffix; }

  const TestCa* ca_ = nullptr;
  std::unique_ptr<TestHttpsServer> server_;
  TufRepo repo_;
  std::mutex mu_;
  std::map<std::string, std::string> files_;  // path → body
  std::string challenge_;                     // non-empty: require a bearer token
  int status_override_ = 0;
  std::chrono::milliseconds delay_{0};
};

}  // namespace connaisseur::notaryv1
