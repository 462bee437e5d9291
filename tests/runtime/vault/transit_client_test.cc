// TransitClient against FakeVault: the latest version's public key (PEM and Ed25519's raw form),
// rotation followed, the token checked (a wrong one is Vault's 403, and no message shows a
// token), settings resolved or refused at Create, and Vault's failures named.
#include "runtime/vault/transit_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "runtime/crypto/encoding.h"
#include "runtime/net/http_client.h"
#include "tests/runtime/vault/fake_vault.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::vault {
namespace {

using ::connaisseur::testing::FakeVault;
using ::testing::HasSubstr;
using ::testing::Not;
using Variables = std::map<std::string, std::string, std::less<>>;

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

Environment MapEnv(Variables variables) {
  return [variables = std::move(variables)](std::string_view name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

class TransitClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::GlobalInit();
    auto vault = FakeVault::Start();
    ASSERT_THAT(vault, IsOk());
    vault_ = std::move(vault).value();
    ASSERT_TRUE(vault_->AddKey("cosign", crypto::KeyType::kEcdsaP256));
  }

  Variables Env(Variables overrides = {}) const {
    Variables env = {{"VAULT_ADDR", vault_->url()},
                     {"VAULT_TOKEN", vault_->options().token},
                     {"VAULT_CACERT", vault_->ca_path()}};
    for (auto& [k, v] : overrides) env[k] = v;
    return env;
  }

  StatusOr<TransitPublicKey> Read(const std::string& name, Variables env) {
    CN_ASSIGN_OR_RETURN(auto client, TransitClient::Create({name}, MapEnv(std::move(env))));
    return client->ReadPublicKey(Soon());
  }

  std::string Spki(const std::string& name, size_t version) const {
    auto pub = vault_->PrivateKey(name, version)->Public();
    return pub.ok() ? pub->spki_der() : "";
  }

  std::unique_ptr<FakeVault> vault_;
};

TEST_F(TransitClientTest, ReadsTheLatestVersionsPublicKey) {
  auto key = Read("cosign", Env());
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(key->type, "ecdsa-p256");
  EXPECT_EQ(key->latest_version, 1u);
  EXPECT_EQ(key->spki_der, Spki("cosign", 1));

  ASSERT_TRUE(vault_->RotateKey("cosign"));
  key = Read("cosign", Env());
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(key->latest_version, 2u);
  EXPECT_EQ(key->spki_der, Spki("cosign", 2));
  EXPECT_NE(key->spki_der, Spki("cosign", 1));
  EXPECT_THAT(vault_->rejections(), ::testing::IsEmpty());
}

TEST_F(TransitClientTest, ReadsEd25519AndRsaKeys) {
  ASSERT_TRUE(vault_->AddKey("ed", crypto::KeyType::kEd25519));
  ASSERT_TRUE(vault_->AddKey("rsa", crypto::KeyType::kRsa));
  for (const std::string name : {"ed", "rsa"}) {
    auto key = Read(name, Env());
    ASSERT_THAT(key, IsOk()) << name;
    EXPECT_EQ(key->spki_der, Spki(name, 1)) << name;
    EXPECT_THAT(crypto::PublicKey::FromSpkiDer(key->spki_der), IsOk()) << name;
  }
}

TEST_F(TransitClientTest, AWrongTokenIsVaultsPermissionDeniedAndNoMessageShowsAToken) {
  const std::string wrong = "hvs.wrong-token-value-987";
  auto key = Read("cosign", Env({{"VAULT_TOKEN", wrong}}));
  EXPECT_THAT(key, StatusIs(StatusCode::kPermissionDenied,
                            HasSubstr("/v1/transit/keys/cosign: HTTP 403: permission denied")));
  EXPECT_THAT(key.status().message(), Not(HasSubstr(wrong)));
  EXPECT_THAT(vault_->rejections(), ::testing::ElementsAre("403 /v1/transit/keys/cosign"));

  // Nor when the token is refused before any request.
  auto bad = Read("cosign", Env({{"VAULT_TOKEN", "hvs.secret\nX-Injected: 1"}}));
  EXPECT_THAT(bad, StatusIs(StatusCode::kInvalidArgument, HasSubstr("VAULT_TOKEN contains")));
  EXPECT_THAT(bad.status().message(), Not(HasSubstr("hvs.secret")));
}

TEST_F(TransitClientTest, NamesVaultsFailures) {
  EXPECT_THAT(Read("missing", Env()),
              StatusIs(StatusCode::kNotFound, HasSubstr("/v1/transit/keys/missing: HTTP 404")));
  vault_->FailWith(503);
  EXPECT_THAT(Read("cosign", Env()),
              StatusIs(StatusCode::kUnavailable, HasSubstr("HTTP 503: internal error")));
  vault_->FailWith(0);
  // Without VAULT_CACERT the fixture's certificate is not trusted.
  auto untrusted = Read("cosign", Env({{"VAULT_CACERT", ""}}));
  EXPECT_THAT(untrusted, Not(IsOk()));
  EXPECT_THAT(untrusted.status().message(), HasSubstr("Vault key read GET " + vault_->url()));
}

TEST_F(TransitClientTest, ReadsFromTheConfiguredMount) {
  auto other = FakeVault::Start({"hvs.other", "team/transit"});
  ASSERT_THAT(other, IsOk());
  ASSERT_TRUE((*other)->AddKey("cosign", crypto::KeyType::kEcdsaP384));
  Variables env = {{"VAULT_ADDR", (*other)->url() + "/"},
                   {"VAULT_TOKEN", "hvs.other"},
                   {"VAULT_CACERT", (*other)->ca_path()},
                   {"TRANSIT_SECRET_ENGINE_PATH", "/team/transit/"}};
  auto key = Read("cosign", env);
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(key->type, "ecdsa-p384");
  // The default mount is `transit`, where this Vault has nothing.
  env.erase("TRANSIT_SECRET_ENGINE_PATH");
  EXPECT_THAT(Read("cosign", env), Not(IsOk()));
}

TEST_F(TransitClientTest, RefusesMissingOrUnsafeSettingsAtCreate) {
  auto create = [](Variables env) {
    return TransitClient::Create({"cosign"}, MapEnv(env)).status();
  };
  const std::string token = vault_->options().token;
  EXPECT_THAT(create({{"VAULT_TOKEN", token}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("VAULT_ADDR is not set")));
  EXPECT_THAT(create({{"VAULT_ADDR", vault_->url()}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("VAULT_TOKEN is not set")));
  Status plain = create({{"VAULT_ADDR", "http://127.0.0.1:8200"}, {"VAULT_TOKEN", token}});
  EXPECT_THAT(plain, StatusIs(StatusCode::kInvalidArgument, HasSubstr("https://")));
  for (const std::string mount : {"..", "transit/../sys", "tran sit", "a//b", "t?x"}) {
    EXPECT_THAT(create({{"VAULT_ADDR", vault_->url()},
                        {"VAULT_TOKEN", token},
                        {"TRANSIT_SECRET_ENGINE_PATH", mount}}),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("TRANSIT_SECRET_ENGINE_PATH")))
        << mount;
  }
  EXPECT_THAT(create({{"VAULT_ADDR", vault_->url()},
                      {"VAULT_TOKEN", token},
                      {"VAULT_CACERT", "/nonexistent/ca.pem"}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("VAULT_CACERT: cannot read")));
  EXPECT_EQ(vault_->key_reads(), 0u);
}

TEST_F(TransitClientTest, AnEncryptionKeyIsNamedAsNotASigningKey) {
  vault_->AddEncryptionKey("secrets");
  EXPECT_THAT(Read("secrets", Env()),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("the key (type \"aes256-gcm96\") has no public key: is it a "
                                 "signing key?")));
}

TEST_F(TransitClientTest, SignSendsTheTransitRequestWithTheTokenAndMount) {
  auto client = TransitClient::Create(
      {"cosign"},
      MapEnv(Env({{"TRANSIT_SECRET_ENGINE_PATH", "ci/transit"}, {"VAULT_NAMESPACE", ""}})));
  ASSERT_THAT(client, IsOk());
  EXPECT_EQ((*client)->sign_url(), vault_->url() + "/v1/ci/transit/sign/cosign");
  auto fake = FakeVault::Start({.mount = "ci/transit"});
  ASSERT_THAT(fake, IsOk());
  ASSERT_TRUE((*fake)->AddKey("cosign", crypto::KeyType::kEcdsaP256));
  auto signer =
      TransitClient::Create({"cosign"}, MapEnv({{"VAULT_ADDR", (*fake)->url()},
                                                {"VAULT_TOKEN", (*fake)->options().token},
                                                {"VAULT_CACERT", (*fake)->ca_path()},
                                                {"TRANSIT_SECRET_ENGINE_PATH", "ci/transit"}}));
  ASSERT_THAT(signer, IsOk());
  const std::string digest(32, '\x5a');
  auto signature = (*signer)->Sign({1, "sha2-256", digest, true}, Soon());
  ASSERT_THAT(signature, IsOk());
  EXPECT_EQ(signature->key_version, 1u);
  const auto requests = (*fake)->sign_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/v1/ci/transit/sign/cosign/sha2-256");
  EXPECT_THAT(requests[0].body, HasSubstr("\"input\":\"" + crypto::Base64Encode(digest) + "\""));
  EXPECT_THAT((*fake)->rejections(), ::testing::IsEmpty());
}

TEST(ParseTransitSignAnswerTest, ReadsTheVersionAndTheSignatureBytes) {
  auto parsed =
      ParseTransitSignAnswer(R"({"data":{"signature":"vault:v12:AAEC","key_version":12}})");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->key_version, 12u);
  EXPECT_EQ(parsed->signature, std::string("\x00\x01\x02", 3));
  for (const std::string body :
       {R"({"data":{"signature":"vault:v:AAEC"}})", R"({"data":{"signature":"vault:v1x:AAEC"}})",
        R"({"data":{"signature":"vault:v99999999999999999999:AAEC"}})",
        R"({"signature":"vault:v1:AAEC"})", "[]", ""}) {
    EXPECT_THAT(ParseTransitSignAnswer(body), StatusIs(StatusCode::kInvalidArgument, ::testing::_))
        << body;
  }
}

}  // namespace
}  // namespace connaisseur::vault
