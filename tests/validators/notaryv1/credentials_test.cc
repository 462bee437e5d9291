// LoadCredentials: inline credentials, and every secret layout Connaisseur documented for
// notaryv1 `auth.secretName` (this chart's secret.yaml, v3's auth.yaml, one-value files and
// v1's NOTARY_USER/NOTARY_PASS), mounted as files in a temporary directory.
#include "validators/notaryv1/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "tests/runtime/net/test_ca.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::notaryv1 {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using Files = std::map<std::string, std::string>;  // file name -> content

// A secrets directory holding one secret, "notary-auth", with `files`.
class MountedSecret {
 public:
  explicit MountedSecret(const Files& files) {
    auto dir = connaisseur::testing::MakeTempDir("cn-notary-secret");
    EXPECT_THAT(dir, IsOk());
    dir_ = dir.ok() ? *dir : "/nonexistent";
    std::filesystem::create_directory(dir_ + "/notary-auth");
    for (const auto& [name, content] : files) {
      EXPECT_THAT(connaisseur::testing::WriteFile(dir_ + "/notary-auth/" + name, content), IsOk());
    }
  }
  MountedSecret(const MountedSecret&) = delete;
  MountedSecret& operator=(const MountedSecret&) = delete;
  ~MountedSecret() { std::filesystem::remove_all(dir_); }

  StatusOr<std::optional<net::BasicCredentials>> Load() const {
    config::Auth auth;
    auth.secret_name = "notary-auth";
    return LoadCredentials(auth, dir_);
  }

 private:
  std::string dir_;
};

// "<username>|<password>" or the status message.
std::string Loaded(const MountedSecret& secret) {
  auto creds = secret.Load();
  if (!creds.ok()) return creds.status().message();
  if (!creds->has_value()) return "<none>";
  return (*creds)->username + "|" + (*creds)->password;
}

TEST(CredentialsTest, InlineCredentialsAndNoneAtAll) {
  config::Auth auth;
  auto none = LoadCredentials(auth, "/nonexistent");
  ASSERT_THAT(none, IsOk());
  EXPECT_FALSE(none->has_value());
  auth.username = "alice";
  auth.password = "s3cret";
  auto inline_creds = LoadCredentials(auth, "/nonexistent");
  ASSERT_THAT(inline_creds, IsOk());
  ASSERT_TRUE(inline_creds->has_value());
  EXPECT_EQ((*inline_creds)->username, "alice");
  EXPECT_EQ((*inline_creds)->password, "s3cret");
}

// Issue 11: Connaisseur v3.3.4 documents `auth.yaml` with `username:` and `password:`
// (`kubectl create secret generic <name> --from-file auth.yaml`).
TEST(CredentialsTest, ReadsConnaisseurV3AuthYaml) {
  EXPECT_EQ(Loaded(MountedSecret(Files{{"auth.yaml", "username: alice\npassword: s3cret\n"}})),
            "alice|s3cret");
  EXPECT_EQ(Loaded(MountedSecret(Files{
                {"auth.yaml", "# notary\r\nusername: 'alice'\r\npassword: \"p#ss: w\"\r\n"}})),
            "alice|p#ss: w");
  EXPECT_EQ(Loaded(MountedSecret(Files{{"auth.yaml", "username: alice  # ci\npassword: 0123\n"}})),
            "alice|0123")
      << "a number-looking password stays text";
}

// Issue 11: Connaisseur v1's secret held the keys NOTARY_USER and NOTARY_PASS.
TEST(CredentialsTest, ReadsConnaisseurV1NotaryUserAndPass) {
  EXPECT_EQ(Loaded(MountedSecret(Files{{"NOTARY_USER", "alice\n"}, {"NOTARY_PASS", "s3cret"}})),
            "alice|s3cret");
}

TEST(CredentialsTest, ReadsTheChartsSecretYamlAndOneValueFiles) {
  EXPECT_EQ(
      Loaded(MountedSecret(Files{{"secret.yaml", "username: alice\npassword: \"s3cret\"\n"}})),
      "alice|s3cret");
  EXPECT_EQ(Loaded(MountedSecret(Files{{"username", "alice"}, {"password", "s3cret\n"}})),
            "alice|s3cret");
}

TEST(CredentialsTest, TheFirstLayoutPresentWins) {
  EXPECT_EQ(Loaded(MountedSecret(Files{{"secret.yaml", "username: chart\npassword: a\n"},
                                       {"auth.yaml", "username: v3\npassword: b\n"},
                                       {"NOTARY_USER", "v1"},
                                       {"NOTARY_PASS", "c"}})),
            "chart|a");
  EXPECT_EQ(Loaded(MountedSecret(Files{{"auth.yaml", "username: v3\npassword: b\n"},
                                       {"NOTARY_USER", "v1"},
                                       {"NOTARY_PASS", "c"}})),
            "v3|b");
}

// Every incomplete secret fails (the validator then denies), naming the file, never a value.
TEST(CredentialsTest, RefusesIncompleteSecretsWithoutQuotingThem) {
  const std::pair<Files, std::string> cases[] = {
      {{{"auth.yaml", "username: alice\n"}}, "auth.yaml lacks a username or password"},
      {{{"auth.yaml", "user: alice\npass: hunter22\n"}}, "lacks a username or password"},
      {{{"NOTARY_USER", "alice"}}, "has NOTARY_USER but no NOTARY_PASS"},
      {{{"NOTARY_PASS", "hunter22"}}, "has NOTARY_PASS but no NOTARY_USER"},
      {{{"NOTARY_USER", "alice"}, {"NOTARY_PASS", "\n"}}, "lacks a username or password"},
      {{{"token", "hunter22"}}, "cannot read credentials from secret"},
  };
  for (const auto& [files, message] : cases) {
    MountedSecret secret(files);
    EXPECT_THAT(secret.Load(), StatusIs(StatusCode::kInvalidArgument, HasSubstr(message)))
        << message;
    EXPECT_THAT(secret.Load(), StatusIs(StatusCode::kInvalidArgument, Not(HasSubstr("hunter22"))))
        << message;
  }
}

TEST(CredentialsTest, RefusesASecretNameThatLeavesTheSecretsDirectory) {
  for (const char* name : {"../etc", "a/b", ".."}) {
    config::Auth auth;
    auth.secret_name = name;
    EXPECT_THAT(LoadCredentials(auth, "/nonexistent"),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("is not a name")))
        << name;
  }
}

}  // namespace
}  // namespace connaisseur::notaryv1
