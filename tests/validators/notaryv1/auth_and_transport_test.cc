// The validator's configuration checks, trust-root selection, token authentication and
// transport failures (404, 500, slow, oversized, malformed, server down, wrong CA).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "tests/validators/notaryv1/notary_fixture.h"

namespace connaisseur::notaryv1 {
namespace {

TEST_F(NotaryV1ValidatorTest, RejectsConfigsThatCannotWork) {
  struct Case {
    std::string name;
    std::function<void(config::ValidatorConfig&)> edit;
    std::string message;
  } cases[] = {
      {"no trust roots", [](auto& c) { c.trust_roots.clear(); }, "no trust roots"},
      {"bare base64 key",
       [](auto& c) { c.trust_roots[0].key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"; },
       "error getting trust root keys"},
      {"trailing text", [](auto& c) { c.trust_roots[0].key += "junk"; },
       "error getting trust root keys"},
      {"plain http host", [](auto& c) { c.host = "http://127.0.0.1:1"; }, "plain http"},
      {"bad cert", [](auto& c) { c.cert = "not a certificate"; }, "CA bundle"},
      {"unreadable secret", [](auto& c) { c.auth.secret_name = "missing"; },
       "cannot read credentials"},
  };
  for (const auto& c : cases) {
    auto config = Config();
    c.edit(config);
    EXPECT_THAT(NotaryV1Validator::Create(config, {.secrets_dir = "/nonexistent"}),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.name;
  }
}

TEST_F(NotaryV1ValidatorTest, SelectsTrustRootsByNameAndAllOfThemForStar) {
  TestKey second = NewKey();
  repo_.root["keys"][second.id] = {
      {"keytype", "ecdsa"}, {"keyval", {{"private", nullptr}, {"public", second.public_b64}}}};
  repo_.root["roles"]["root"]["keyids"].push_back(second.id);
  Publish();  // signed by the first root key only
  auto validator =
      Validator(Config({{"default", repo_.root_key.public_pem}, {"second", second.public_pem}}));
  config::RuleOptions star, named, unknown;
  star.trust_root = "*";
  named.trust_root = "second";
  unknown.trust_root = "nobody";
  EXPECT_THAT(Verify(*validator, Ref(":v1")), IsOk());
  EXPECT_THAT(Verify(*validator, Ref(":v1"), named),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("error validating root signature: no valid signature by trust "
                                 "root \"second\"")));
  EXPECT_THAT(Verify(*validator, Ref(":v1"), star),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("\"second\"")));
  EXPECT_THAT(Verify(*validator, Ref(":v1"), unknown),
              StatusIs(StatusCode::kNotFound, HasSubstr("unable to find trust root nobody")));

  repo_.signers["root"] = {repo_.root_key, second};
  Publish();
  auto both =
      Validator(Config({{"default", repo_.root_key.public_pem}, {"second", second.public_pem}}));
  EXPECT_THAT(Verify(*both, Ref(":v1"), star), IsOk());
  EXPECT_THAT(Verify(*both, Ref(":v1"), named), IsOk());
}

TEST_F(NotaryV1ValidatorTest, ReportsAnUnknownRepositoryAsNoTrustData) {
  Publish();
  EXPECT_THAT(Verify("registry.example.com/other/app:v1"),
              StatusIs(StatusCode::kNotFound, HasSubstr("no trust data for image")));
}

TEST_F(NotaryV1ValidatorTest, FollowsTheBearerTokenFlowWithBasicCredentials) {
  Publish();
  challenge_ = "Bearer realm=\"" + server_->url() + "/token\",service=\"notary\"";
  auto config = Config();
  config.auth.username = "alice";
  config.auth.password = "secret";
  auto verified = Verify(*Validator(config), Ref(":v1"));
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->digest, kDigest);

  config.auth.password = "wrong";
  EXPECT_THAT(Verify(*Validator(config), Ref(":v1")),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("refused (401)")));
  EXPECT_THAT(Verify(Ref(":v1")), StatusIs(StatusCode::kPermissionDenied, HasSubstr("401")))
      << "anonymous";
}

// Every secret layout Connaisseur used (credentials.h) reaches the token realm; issue 11 added
// v3's auth.yaml and v1's NOTARY_USER/NOTARY_PASS.
TEST_F(NotaryV1ValidatorTest, ReadsCredentialsFromAMountedSecret) {
  Publish();
  challenge_ = "Bearer realm=\"" + server_->url() + "/token\",service=\"notary\"";
  const std::vector<std::vector<std::pair<std::string, std::string>>> layouts = {
      {{"secret.yaml", "username: alice\npassword: \"secret\"\n"}},
      {{"auth.yaml", "username: alice\npassword: secret\n"}},
      {{"NOTARY_USER", "alice"}, {"NOTARY_PASS", "secret"}},
  };
  for (const auto& files : layouts) {
    auto dir = connaisseur::testing::MakeTempDir("cn-secrets");
    ASSERT_THAT(dir, IsOk());
    std::filesystem::create_directory(*dir + "/notary-auth");
    for (const auto& [name, content] : files) {
      ASSERT_THAT(connaisseur::testing::WriteFile(*dir + "/notary-auth/" + name, content), IsOk());
    }
    auto config = Config();
    config.auth.secret_name = "notary-auth";
    auto validator = Validator(config, {.secrets_dir = *dir});
    std::filesystem::remove_all(*dir);
    ASSERT_NE(validator, nullptr) << files[0].first;
    EXPECT_THAT(Verify(*validator, Ref(":v1")), IsOk()) << files[0].first;
  }
}

TEST_F(NotaryV1ValidatorTest, DeniesOtherChallengesAndInsecureRealms) {
  Publish();
  const std::pair<std::string, std::string> cases[] = {
      {"Basic realm=\"notary\"", "Basic is an unsupported authentication type"},
      {"Bearer realm=\"http://127.0.0.1:1/token\"", "authentication through insecure channel"},
      {"Bearer realm=\"https://127.0.0.1:1/../token\"", "potential path traversal"},
  };
  for (const auto& [challenge, message] : cases) {
    challenge_ = challenge;
    EXPECT_THAT(Verify(Ref(":v1")), StatusIs(StatusCode::kPermissionDenied, HasSubstr(message)))
        << challenge;
  }
}

TEST_F(NotaryV1ValidatorTest, DeniesPromptlyOnServerErrors) {
  Publish();
  status_override_ = 500;
  EXPECT_THAT(Verify(Ref(":v1")), StatusIs(StatusCode::kUnavailable,
                                           HasSubstr("error acquiring trust data root: 500")));
  status_override_ = 0;

  delay_ = std::chrono::seconds(30);
  auto validator = Validator(Config(), {.request_timeout = std::chrono::milliseconds(300)});
  EXPECT_THAT(
      Verify(*validator, Ref(":v1")),
      StatusIs(StatusCode::kDeadlineExceeded, HasSubstr("error acquiring trust data root")));
  delay_ = std::chrono::milliseconds(0);

  Serve({{"root", std::string(kMaxUnpinnedMetadataBytes + 1, ' ')}});
  EXPECT_THAT(Verify(Ref(":v1")), StatusIs(StatusCode::kResourceExhausted, HasSubstr("exceeds")));
  Serve({{"root", "{\"signed\": [1, 2"}});
  EXPECT_THAT(Verify(Ref(":v1")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("error parsing trust data root")));
}

TEST_F(NotaryV1ValidatorTest, DeniesWhenTheServerIsDownOrUntrusted) {
  Publish();
  auto config = Config();
  config.cert = "";  // system CAs only: the test CA is unknown
  EXPECT_THAT(Verify(*Validator(config), Ref(":v1")),
              StatusIs(StatusCode::kUnavailable, HasSubstr("error acquiring trust data root")));
  config = Config();
  server_.reset();
  EXPECT_THAT(Verify(*Validator(config), Ref(":v1")),
              StatusIs(StatusCode::kUnavailable, HasSubstr("error acquiring trust data root")));
}

TEST_F(NotaryV1ValidatorTest, ReusesVerifiedDataAndSharesConcurrentFetches) {
  Publish();
  auto validator = Validator();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (Verify(*validator, Ref(":v1")).ok()) ok.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(server_->requests(), 4u) << "one fetch of root, timestamp, snapshot, targets";
  ASSERT_THAT(Verify(*validator, Ref("@" + kDigest)), IsOk());
  EXPECT_EQ(server_->requests(), 4u) << "cached";
}

}  // namespace
}  // namespace connaisseur::notaryv1
