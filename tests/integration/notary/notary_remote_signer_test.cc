// NotaryV1Validator against notary-server in REMOTE trust-service mode: timestamp keys
// live in a real notary-signer reached over gRPC with mutual TLS, so they are ecdsa, where
// the local mode (notary_integration_test.cc) gives ed25519. The same core cases must hold.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/crypto/digest.h"
#include "runtime/net/http_client.h"
#include "tests/integration/notary/notary_suite.h"
#include "tests/testing/status_matchers.h"
#include "validators/notaryv1/notaryv1_validator.h"

namespace connaisseur::notaryv1 {
namespace {

using connaisseur::testing::NotarySuite;
using connaisseur::testing::TestCa;
using connaisseur::testing::TrustService;
using ::testing::HasSubstr;

constexpr char kGun[] = "registry.example.com/remote/app";

class NotaryRemoteSignerTest : public NotarySuite<NotaryRemoteSignerTest> {
 protected:
  static void SetUpTestSuite() {
    StartServer({.trust_service = TrustService::kRemote}, kGun, "v1", "remote manifest");
  }
  static StatusOr<validators::VerifiedImage> Verify(const std::string& ref) {
    return NotarySuite::Verify(Config("remote"), ref);
  }
};

TEST_F(NotaryRemoteSignerTest, TheSignerHoldsAnEcdsaTimestampKey) {
  auto type = server()->RoleKeyType(kGun, "timestamp");
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
