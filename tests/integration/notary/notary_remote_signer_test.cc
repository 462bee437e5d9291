// NotaryV1Validator against notary-server in REMOTE trust-service mode: timestamp keys
// live in a real notary-signer reached over gRPC with mutual TLS, so they are ecdsa, where
// the local mode (notary_integration_test.cc) gives ed25519. The same core cases must hold.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/crypto/digest.h"
#include "runtime/net/http_client.h"
#include "tests/integration/notary/notary_server.h"
#include "tests/testing/status_matchers.h"
#include "validators/notaryv1/notaryv1_validator.h"

namespace connaisseur::notaryv1 {
namespace {

using connaisseur::testing::NotaryServer;
using connaisseur::testing::TestCa;
using connaisseur::testing::TrustService;
using ::testing::HasSubstr;

constexpr char kGun[] = "registry.example.com/remote/app";

class NotaryRemoteSignerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!NotaryServer::Available(TrustService::kRemote)) return;
    net::GlobalInit();
    const TestCa* ca = TestCa::Shared();
    ASSERT_NE(ca, nullptr);
    auto server = NotaryServer::Start(*ca, {.trust_service = TrustService::kRemote});
    ASSERT_THAT(server, IsOk());
    server_ = std::move(server).value().release();
    ASSERT_THAT(server_->InitAndSign(kGun, "v1", "remote manifest"), IsOk());
    auto pem = server_->RootPublicKeyPem(kGun);
    ASSERT_THAT(pem, IsOk());
    root_pem_ = new std::string(*pem);
  }
  static void TearDownTestSuite() {
    delete server_;  // stops notary-server and notary-signer by PID
    server_ = nullptr;
    delete root_pem_;
    root_pem_ = nullptr;
  }
  void SetUp() override {
    if (!NotaryServer::Available(TrustService::kRemote)) {
      GTEST_SKIP() << "notary-server / notary-signer / notary not installed";
    }
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(root_pem_, nullptr);
  }

  StatusOr<validators::VerifiedImage> Verify(const std::string& ref) {
    config::ValidatorConfig c;
    c.name = "remote";
    c.type = config::ValidatorType::kNotaryV1;
    c.host = server_->url();
    c.cert = TestCa::Shared()->ca_cert_pem();
    c.trust_roots = {{"default", *root_pem_}};
    auto validator = NotaryV1Validator::Create(c, {.cache_ttl = std::chrono::milliseconds(0)});
    if (!validator.ok()) return validator.status();
    auto image = image::ImageReference::Parse(ref);
    if (!image.ok()) return image.status();
    return (*validator)->Verify(*image, {}, Deadline::In(std::chrono::seconds(20)));
  }

  static NotaryServer* server_;   // owned; one server + signer for the suite
  static std::string* root_pem_;  // owned
};
NotaryServer* NotaryRemoteSignerTest::server_ = nullptr;
std::string* NotaryRemoteSignerTest::root_pem_ = nullptr;

TEST_F(NotaryRemoteSignerTest, TheSignerHoldsAnEcdsaTimestampKey) {
  auto type = server_->RoleKeyType(kGun, "timestamp");
  ASSERT_THAT(type, IsOk());
  EXPECT_EQ(*type, "ecdsa");
}

TEST_F(NotaryRemoteSignerTest, AllowsASignedTagWithTheExactDigest) {
  auto verified = Verify(std::string(kGun) + ":v1");
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->digest, crypto::OciDigest("remote manifest"));
}

TEST_F(NotaryRemoteSignerTest, DeniesAnUnsignedTag) {
  EXPECT_THAT(Verify(std::string(kGun) + ":v9"),
              StatusIs(StatusCode::kNotFound, HasSubstr("no tag 'v9' found in targets")));
}

TEST_F(NotaryRemoteSignerTest, AllowsOnlySignedDigestReferences) {
  const std::string signed_ref = std::string(kGun) + "@" + crypto::OciDigest("remote manifest");
  auto verified = Verify(signed_ref);
  ASSERT_THAT(verified, IsOk()) << signed_ref;
  EXPECT_EQ(verified->digest, crypto::OciDigest("remote manifest")) << signed_ref;
  const std::string unsigned_ref = std::string(kGun) + "@" + crypto::OciDigest("other manifest");
  EXPECT_THAT(Verify(unsigned_ref), StatusIs(StatusCode::kNotFound, HasSubstr("no digest")))
      << unsigned_ref;
}

}  // namespace
}  // namespace connaisseur::notaryv1
