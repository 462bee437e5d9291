// PullSecretKeyring: which image pull secret entry applies to which image (the kubelet's rules,
// with whole-segment paths), and malformed documents refused without showing a credential.
#include "runtime/registry/pull_secret_keyring.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "runtime/crypto/encoding.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::registry {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The user name Config gives the entry `key` (a user name cannot hold ':').
std::string UserOf(std::string key) {
  std::replace(key.begin(), key.end(), ':', '|');
  return "user of " + key;
}

// A .dockerconfigjson with one entry per key, whose user name is UserOf(key).
std::string Config(const std::vector<std::string>& keys) {
  nlohmann::json auths = nlohmann::json::object();
  for (const std::string& k : keys) {
    auths[k] = {{"auth", crypto::Base64Encode(UserOf(k) + ":pw")}};
  }
  return nlohmann::json{{"auths", auths}}.dump();
}

std::string UserFor(const PullSecretKeyring& keyring, std::string_view registry,
                    std::string_view repository) {
  auto creds = keyring.Lookup(registry, repository);
  return creds ? creds->username : "";
}

TEST(PullSecretKeyringTest, MatchesAsTheKubeletDoes) {
  PullSecretKeyring keyring;
  ASSERT_THAT(keyring.AddDockerConfigJson(Config({
                  "https://reg.example/v1/",
                  "reg.example/team",
                  "reg.example/team/special",
                  "reg.example:5000",
                  "*.mirror.example",
                  "https://index.docker.io/v1/",
              })),
              IsOk());
  struct Case {
    std::string registry, repository, user;
  };
  const std::vector<Case> cases = {
      {"reg.example", "app", UserOf("https://reg.example/v1/")},
      {"reg.example", "team/app", UserOf("reg.example/team")},
      {"reg.example", "team/special/app", UserOf("reg.example/team/special")},
      {"reg.example", "teamster/app", UserOf("https://reg.example/v1/")},  // whole segments
      {"reg.example:5000", "app", UserOf("reg.example:5000")},
      {"reg.example:5001", "app", ""},  // ports must be equal
      {"eu.mirror.example", "app", UserOf("*.mirror.example")},
      {"mirror.example", "app", ""},       // a glob part needs a part
      {"a.eu.mirror.example", "app", ""},  // same number of host parts
      {"docker.io", "library/nginx", UserOf("https://index.docker.io/v1/")},
      {"evil.example", "reg.example/app", ""},
      {"reg.example.evil", "app", ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(UserFor(keyring, c.registry, c.repository), c.user)
        << c.registry << "/" << c.repository;
  }
}

TEST(PullSecretKeyringTest, FirstSecretWinsForTheSameKey) {
  PullSecretKeyring pod, account;
  ASSERT_THAT(
      pod.AddDockerConfigJson(R"({"auths":{"reg.example":{"username":"pod","password":"p"}}})"),
      IsOk());
  ASSERT_THAT(account.AddDockerConfigJson(
                  R"({"auths":{"https://reg.example":{"username":"account","password":"a"}}})"),
              IsOk());
  PullSecretKeyring both;
  both.Append(pod);
  both.Append(account);
  EXPECT_EQ(UserFor(both, "reg.example", "app"), "pod");
  EXPECT_EQ(both.size(), 2u);
}

TEST(PullSecretKeyringTest, ReadsTheLegacyDockercfgShape) {
  PullSecretKeyring keyring;
  ASSERT_THAT(keyring.AddDockercfg(R"({"reg.example":{"username":"old","password":"p"}})"), IsOk());
  EXPECT_EQ(UserFor(keyring, "reg.example", "app"), "old");
}

TEST(PullSecretKeyringTest, RefusesMalformedDocumentsWithoutShowingValues) {
  const std::vector<std::string> bad = {
      "not json",
      R"({"auths":[]})",
      R"({"auths":{"reg.example":"s3cret-value"}})",
      R"({"auths":{"reg.example":{"auth":"s3cret-value"}}})",
      R"({"auths":{"reg.example":{"password":"s3cret-value"}}})",
      R"({"auths":{"":{"username":"u","password":"s3cret-value"}}})",
  };
  for (const std::string& doc : bad) {
    PullSecretKeyring keyring;
    Status s = keyring.AddDockerConfigJson(doc);
    EXPECT_THAT(s, StatusIs(StatusCode::kInvalidArgument, Not(HasSubstr("s3cret-value")))) << doc;
  }
  PullSecretKeyring keyring;
  EXPECT_THAT(keyring.AddDockercfg("[1"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("JSON")));
}

TEST(PullSecretKeyringTest, ConfigWithoutAuthsHasNoEntries) {
  PullSecretKeyring keyring;
  EXPECT_THAT(keyring.AddDockerConfigJson(R"({"credsStore":"desktop"})"), IsOk());
  EXPECT_EQ(keyring.size(), 0u);
  EXPECT_EQ(UserFor(keyring, "reg.example", "app"), "");
}

}  // namespace
}  // namespace connaisseur::registry
