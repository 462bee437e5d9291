// Registry credentials: docker config entries (longest path prefix wins), secret files.
#include "runtime/registry/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "runtime/crypto/encoding.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::registry {
namespace {

using ::testing::HasSubstr;

std::string Auth(const std::string& user_pass) {
  return "{\"auth\":\"" + crypto::Base64Encode(user_pass) + "\"}";
}

TEST(CredentialsTest, PicksTheLongestMatchingDockerConfigEntry) {
  const std::string config =
      "{\"auths\":{"
      "\"https://index.docker.io/v1/\":" +
      Auth("hub:1") +
      ","
      "\"reg.io\":" +
      Auth("host:2") +
      ","
      "\"reg.io/team\":" +
      Auth("team:3") +
      ","
      "\"reg.io/team/app\":{\"username\":\"app\",\"password\":\"4\"},"
      "\"reg.io:5000\":" +
      Auth("port:5") + "}}";
  struct Case {
    std::string registry, repository, user;
  };
  const std::vector<Case> cases = {
      {"docker.io", "library/nginx", "hub"}, {"reg.io", "other/x", "host"},
      {"reg.io", "team/x", "team"},          {"reg.io", "team/app", "app"},
      {"reg.io", "team/apple", "team"},      {"reg.io:5000", "team/app", "port"},
      {"reg.io", "teamx/app", "host"},
  };
  for (const auto& c : cases) {
    auto creds = CredentialsFromDockerConfig(config, c.registry, c.repository);
    ASSERT_THAT(creds, IsOk()) << c.registry << "/" << c.repository;
    ASSERT_TRUE(creds->has_value()) << c.registry << "/" << c.repository;
    EXPECT_EQ((*creds)->username, c.user) << c.registry << "/" << c.repository;
  }
  auto none = CredentialsFromDockerConfig(config, "other.io", "a/b");
  ASSERT_THAT(none, IsOk());
  EXPECT_FALSE(none->has_value());
}

TEST(CredentialsTest, RejectsMalformedDockerConfigs) {
  const std::vector<std::string> rejected = {
      "",
      "[]",
      "{}",
      R"({"auths":[]})",
      R"({"auths":{"reg.io":"x"}})",
      R"({"auths":{"reg.io":{"auth":"bm9jb2xvbg=="}}})",  // "nocolon"
      R"({"auths":{"reg.io":{"auth":"%%%"}}})",
      R"({"auths":{"reg.io":{}}})",
  };
  for (const auto& config : rejected) {
    EXPECT_THAT(CredentialsFromDockerConfig(config, "reg.io", "a/b"),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("docker config")))
        << config;
  }
}

TEST(CredentialsTest, ReadsMountedSecrets) {
  auto dir = testing::MakeTempDir("cn-creds");
  ASSERT_THAT(dir, IsOk());
  std::filesystem::create_directories(*dir + "/dockercfg");
  std::filesystem::create_directories(*dir + "/plain");
  std::filesystem::create_directories(*dir + "/empty");
  ASSERT_THAT(testing::WriteFile(*dir + "/dockercfg/.dockerconfigjson",
                                 "{\"auths\":{\"reg.io\":" + Auth("cfg:pw") + "}}"),
              IsOk());
  ASSERT_THAT(testing::WriteFile(*dir + "/plain/username", "alice\n"), IsOk());
  ASSERT_THAT(testing::WriteFile(*dir + "/plain/password", "s3cret\n"), IsOk());

  AuthSettings auth;
  auth.secrets_dir = *dir;
  auth.secret_name = "dockercfg";
  auto cfg = ResolveCredentials(auth, "reg.io", "a/b");
  ASSERT_THAT(cfg, IsOk());
  ASSERT_TRUE(cfg->has_value());
  EXPECT_EQ((*cfg)->password, "pw");

  auth.secret_name = "plain";
  auto plain = ResolveCredentials(auth, "reg.io", "a/b");
  ASSERT_THAT(plain, IsOk());
  ASSERT_TRUE(plain->has_value());
  EXPECT_EQ((*plain)->username, "alice");
  EXPECT_EQ((*plain)->password, "s3cret");

  auth.secret_name = "empty";
  EXPECT_THAT(ResolveCredentials(auth, "reg.io", "a/b"),
              StatusIs(StatusCode::kNotFound, HasSubstr("auth secret empty")));
  auth.secret_name = "../plain";
  EXPECT_THAT(ResolveCredentials(auth, "reg.io", "a/b"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("plain name")));

  AuthSettings inline_auth;
  inline_auth.username = "u";
  inline_auth.password = "p";
  auto direct = ResolveCredentials(inline_auth, "reg.io", "a/b");
  ASSERT_THAT(direct, IsOk());
  EXPECT_EQ((*direct)->username, "u");
  auto anonymous = ResolveCredentials(AuthSettings{}, "reg.io", "a/b");
  ASSERT_THAT(anonymous, IsOk());
  EXPECT_FALSE(anonymous->has_value());
  std::filesystem::remove_all(*dir);
}

TEST(CredentialsTest, ScopedCredentialsGoOnlyToTheirRegistry) {
  const struct {
    std::string scope, registry, repository;
    bool sent;
  } cases[] = {
      {"", "attacker.io", "x", true},  // unscoped: Connaisseur's behaviour, every registry
      {"reg.io", "reg.io", "team/app", true},
      {"https://reg.io/v1/", "reg.io", "team/app", true},
      {"reg.io", "attacker.io", "reg.io/app", false},
      {"reg.io", "reg.io.attacker.io", "app", false},
      {"reg.io/team", "reg.io", "team/app", true},
      {"reg.io/team", "reg.io", "teammate/app", false},
      {"reg.io:5000", "reg.io", "team/app", false},
      {"index.docker.io", "docker.io", "library/nginx", true},
  };
  auto dir = testing::MakeTempDir("cn-scope");
  ASSERT_THAT(dir, IsOk());
  std::filesystem::create_directories(*dir + "/plain");
  ASSERT_THAT(testing::WriteFile(*dir + "/plain/username", "alice\n"), IsOk());
  ASSERT_THAT(testing::WriteFile(*dir + "/plain/password", "s3cret\n"), IsOk());
  for (const auto& c : cases) {
    const std::string where = c.scope + " -> " + c.registry + "/" + c.repository;
    AuthSettings inline_auth;
    inline_auth.username = "u";
    inline_auth.password = "p";
    inline_auth.registry = c.scope;
    auto direct = ResolveCredentials(inline_auth, c.registry, c.repository);
    ASSERT_THAT(direct, IsOk()) << where;
    EXPECT_EQ(direct->has_value(), c.sent) << "inline " << where;

    if (c.scope.empty()) {
      std::filesystem::remove(*dir + "/plain/registry");
    } else {
      ASSERT_THAT(testing::WriteFile(*dir + "/plain/registry", c.scope + "\n"), IsOk());
    }
    AuthSettings secret;
    secret.secrets_dir = *dir;
    secret.secret_name = "plain";
    auto mounted = ResolveCredentials(secret, c.registry, c.repository);
    ASSERT_THAT(mounted, IsOk()) << where;
    EXPECT_EQ(mounted->has_value(), c.sent) << "secret " << where;
  }
  std::filesystem::remove_all(*dir);
}

}  // namespace
}  // namespace connaisseur::registry
