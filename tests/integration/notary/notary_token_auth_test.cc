// NotaryV1Validator against notary-server with token auth (`auth: {type: token}`): every
// metadata GET needs a bearer JWT from the test's TokenServer, whose signing certificate the
// server trusts. The notary client publishes with the right credentials (NOTARY_AUTH).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/crypto/digest.h"
#include "runtime/net/http_client.h"
#include "tests/integration/notary/notary_server.h"
#include "tests/integration/notary/notary_suite.h"
#include "tests/integration/notary/token_server.h"
#include "tests/testing/status_matchers.h"
#include "validators/notaryv1/notaryv1_validator.h"

namespace connaisseur::notaryv1 {
namespace {

using connaisseur::testing::NotaryServer;
using connaisseur::testing::NotarySuite;
using connaisseur::testing::TestCa;
using connaisseur::testing::TokenServer;
using ::testing::HasSubstr;

constexpr char kGun[] = "registry.example.com/private/app";
constexpr char kUser[] = "reader";
constexpr char kPassword[] = "s3cret-pass";

class NotaryTokenAuthTest : public NotarySuite<NotaryTokenAuthTest> {
 protected:
  static void SetUpTestSuite() {
    if (!NotaryServer::Available()) return;
    const TestCa* ca = TestCa::Shared();
    ASSERT_NE(ca, nullptr);
    auto tokens = TokenServer::Start(*ca, kUser, kPassword);
    ASSERT_THAT(tokens, IsOk());
    tokens_ = std::move(tokens).value().release();
    StartServer(
        {.token_auth =
             connaisseur::testing::TokenAuthOptions{.realm = tokens_->realm(),
                                                    .service = TokenServer::kService,
                                                    .issuer = TokenServer::kIssuer,
                                                    .rootcertbundle_path = tokens_->cert_path()},
         .client_credentials = std::string(kUser) + ":" + kPassword},
        kGun, "v1", "private manifest");
  }
  static void TearDownTestSuite() {
    NotarySuite::TearDownTestSuite();  // the server first: it was configured with the realm
    delete tokens_;
    tokens_ = nullptr;
  }

  StatusOr<validators::VerifiedImage> Verify(const std::string& user, const std::string& password) {
    config::ValidatorConfig c = Config("private");
    c.auth.username = user;
    c.auth.password = password;
    return NotarySuite::Verify(c, std::string(kGun) + ":v1");
  }

  static TokenServer* tokens_;  // owned
};
TokenServer* NotaryTokenAuthTest::tokens_ = nullptr;

TEST_F(NotaryTokenAuthTest, AllowsWithTheRightCredentials) {
  const size_t granted_before = tokens_->granted();
  auto verified = Verify(kUser, kPassword);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->digest, crypto::OciDigest("private manifest"));
  EXPECT_GT(tokens_->granted(), granted_before);  // the token flow really ran
}

TEST_F(NotaryTokenAuthTest, RefusesAnAnonymousPull) {
  const size_t anonymous_before = tokens_->anonymous();
  EXPECT_THAT(Verify("", ""),
              StatusIs(StatusCode::kPermissionDenied,
                       HasSubstr("error acquiring trust data root: faulty authentication")));
  EXPECT_GT(tokens_->anonymous(), anonymous_before);
}

TEST_F(NotaryTokenAuthTest, DeniesWrongCredentialsWithAClearMessage) {
  struct Case {
    std::string user, password;
  };
  for (const Case& c : {Case{kUser, "wrong"}, Case{"intruder", kPassword}}) {
    EXPECT_THAT(Verify(c.user, c.password),
                StatusIs(StatusCode::kPermissionDenied,
                         HasSubstr("token request to " + tokens_->realm() + " was refused (401)")))
        << c.user;
  }
}

}  // namespace
}  // namespace connaisseur::notaryv1
