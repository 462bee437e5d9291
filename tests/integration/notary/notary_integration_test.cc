// NotaryV1Validator against the real notary-server (memory storage, local trust service: ed25519
// timestamp keys, ecdsa-x509 root keys) with data published by the real `notary` client.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/private_key.h"
#include "runtime/net/http_client.h"
#include "tests/integration/notary/notary_server.h"
#include "tests/integration/notary/notary_suite.h"
#include "tests/testing/status_matchers.h"
#include "validators/notaryv1/notaryv1_validator.h"

namespace connaisseur::notaryv1 {
namespace {

using connaisseur::testing::NotaryServer;
using connaisseur::testing::NotarySuite;
using connaisseur::testing::TestCa;
using ::testing::HasSubstr;

constexpr char kGun[] = "registry.example.com/team/app";

class NotaryIntegrationTest : public NotarySuite<NotaryIntegrationTest> {
 protected:
  static void SetUpTestSuite() { StartServer({}, kGun, "v1", "manifest one"); }
};

TEST_F(NotaryIntegrationTest, TheLocalTrustServiceHoldsAnEd25519TimestampKey) {
  auto type = server()->RoleKeyType(kGun, "timestamp");
  ASSERT_THAT(type, IsOk());
  EXPECT_EQ(*type, "ed25519");
}

TEST_F(NotaryIntegrationTest, AllowsASignedTagWithTheExactDigest) {
  auto verified = Verify(Config(), std::string(kGun) + ":v1");
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->digest, crypto::OciDigest("manifest one"));
}

TEST_F(NotaryIntegrationTest, ChecksDigestReferences) {
  const std::string signed_digest = crypto::OciDigest("manifest one");
  EXPECT_THAT(Verify(Config(), std::string(kGun) + "@" + signed_digest), IsOk());
  EXPECT_THAT(Verify(Config(), std::string(kGun) + "@" + crypto::OciDigest("other")),
              StatusIs(StatusCode::kNotFound, HasSubstr("no digest")));
}

TEST_F(NotaryIntegrationTest, DeniesUnsignedTagsAndUnknownRepositories) {
  EXPECT_THAT(Verify(Config(), std::string(kGun) + ":v9"),
              StatusIs(StatusCode::kNotFound, HasSubstr("no tag 'v9' found in targets")));
  EXPECT_THAT(Verify(Config(), "registry.example.com/nobody/app:v1"),
              StatusIs(StatusCode::kNotFound, HasSubstr("no trust data for image")));
}

TEST_F(NotaryIntegrationTest, DeniesAWrongTrustRootAndRequiresAllForStar) {
  auto other = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  ASSERT_THAT(other, IsOk());
  auto wrong = Config();
  wrong.trust_roots = {{"default", other->PublicPem()}};
  EXPECT_THAT(
      Verify(wrong, std::string(kGun) + ":v1"),
      StatusIs(StatusCode::kVerificationFailed, HasSubstr("error validating root signature")));
  auto both = Config();
  both.trust_roots.push_back({"other", other->PublicPem()});
  config::RuleOptions star;
  star.trust_root = "*";
  EXPECT_THAT(Verify(both, std::string(kGun) + ":v1", star),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("\"other\"")));
  EXPECT_THAT(Verify(both, std::string(kGun) + ":v1"), IsOk());
}

TEST_F(NotaryIntegrationTest, VerifiesDelegationsPublishedByTheClient) {
  const std::string gun = "registry.example.com/team/delegated";
  ASSERT_THAT(server()->InitAndSign(gun, "base", "base manifest"), IsOk());
  // A delegation key with a certificate, imported into the client's key store.
  const std::string d = server()->dir();
  ASSERT_THAT(connaisseur::testing::RunCommand(
                  "cd '" + d +
                      "' && openssl req -x509 -newkey ec -pkeyopt "
                      "ec_paramgen_curve:prime256v1 -nodes -keyout del.key -out del.crt "
                      "-subj /CN=releases -days 2",
                  d + "/openssl.log"),
              IsOk());
  ASSERT_THAT(server()->Notary("delegation add " + gun + " targets/releases '" + d +
                               "/del.crt' --all-paths"),
              IsOk());
  ASSERT_THAT(server()->Notary("key import '" + d + "/del.key' --role targets/releases"), IsOk());
  auto file = server()->File("release", "release manifest");
  ASSERT_THAT(file, IsOk());
  ASSERT_THAT(server()->Notary("add " + gun + " v2 '" + *file + "' --roles targets/releases"),
              IsOk());
  ASSERT_THAT(server()->Notary("publish " + gun), IsOk());
  auto root = server()->RootPublicKeyPem(gun);
  ASSERT_THAT(root, IsOk());
  auto c = Config();
  c.trust_roots = {{"default", *root}};

  auto by_default = Verify(c, gun + ":v2");  // searches targets/releases
  ASSERT_THAT(by_default, IsOk());
  EXPECT_EQ(by_default->digest, crypto::OciDigest("release manifest"));
  config::RuleOptions named, prefixed, missing;
  named.delegations = {"releases"};
  prefixed.delegations = {"targets/releases"};
  missing.delegations = {"releases", "qa"};
  EXPECT_THAT(Verify(c, gun + ":v2", named), IsOk());
  EXPECT_THAT(Verify(c, gun + ":v2", prefixed), IsOk());
  EXPECT_THAT(Verify(c, gun + ":v2", missing),
              StatusIs(StatusCode::kNotFound, HasSubstr("delegation targets/qa not found")));
  EXPECT_THAT(Verify(c, gun + ":base", named),
              StatusIs(StatusCode::kNotFound, HasSubstr("no tag 'base'")));
}

TEST_F(NotaryIntegrationTest, DeniesATargetRemovedAfterPublishing) {
  const std::string gun = "registry.example.com/team/removed";
  ASSERT_THAT(server()->InitAndSign(gun, "gone", "soon removed"), IsOk());
  auto root = server()->RootPublicKeyPem(gun);
  ASSERT_THAT(root, IsOk());
  auto c = Config();
  c.trust_roots = {{"default", *root}};
  ASSERT_THAT(Verify(c, gun + ":gone"), IsOk());
  ASSERT_THAT(server()->Notary("remove " + gun + " gone"), IsOk());
  ASSERT_THAT(server()->Notary("publish " + gun), IsOk());
  EXPECT_THAT(Verify(c, gun + ":gone"), StatusIs(StatusCode::kNotFound, HasSubstr("no tag")));
}

TEST_F(NotaryIntegrationTest, NeedsTheRightCa) {
  auto other = TestCa::Create();
  ASSERT_THAT(other, IsOk());
  auto c = Config();
  c.cert = (*other)->ca_cert_pem();
  EXPECT_THAT(Verify(c, std::string(kGun) + ":v1"),
              StatusIs(StatusCode::kUnavailable, HasSubstr("error acquiring trust data root")));
}

TEST_F(NotaryIntegrationTest, IsReachableWhileTheServerRunsAndNotWithAnotherCaOrOnceStopped) {
  // A server of its own, so that stopping it leaves the suite's server alone.
  auto own = NotaryServer::Start(*TestCa::Shared());
  ASSERT_THAT(own, IsOk());
  auto c = Config();
  c.host = (*own)->url();
  auto validator = NotaryV1Validator::Create(c);
  ASSERT_THAT(validator, IsOk());
  const Deadline soon = Deadline::In(std::chrono::seconds(5));
  EXPECT_THAT((*validator)->CheckReachable(soon), IsOk()) << c.host;

  auto other = TestCa::Create();
  ASSERT_THAT(other, IsOk());
  auto wrong_ca = c;
  wrong_ca.cert = (*other)->ca_cert_pem();
  auto untrusting = NotaryV1Validator::Create(wrong_ca);
  ASSERT_THAT(untrusting, IsOk());
  EXPECT_THAT((*untrusting)->CheckReachable(soon),
              StatusIs(StatusCode::kUnavailable, HasSubstr(c.host)));

  own->reset();  // stops notary-server: its port is closed from now on
  EXPECT_THAT((*validator)->CheckReachable(Deadline::In(std::chrono::seconds(5))),
              StatusIs(StatusCode::kUnavailable, HasSubstr(c.host)));
}

}  // namespace
}  // namespace connaisseur::notaryv1
