// Tests ParseRuleOptions: the `with:` map from YAML or from a rule a Lua script returned.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/config/config.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::config {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

TEST(RuleOptionsTest, EmptyOrNullGivesTheDefaults) {
  for (const json& with : {json::object(), json(nullptr)}) {
    StatusOr<RuleOptions> o = ParseRuleOptions(with);
    ASSERT_THAT(o, IsOk()) << with;
    EXPECT_EQ(*o, RuleOptions{}) << with;
    EXPECT_TRUE(o->verify_in_transparency_log);
    EXPECT_TRUE(o->verify_sct);
    EXPECT_EQ(o->mode, RuleMode::kMutate);
  }
}

TEST(RuleOptionsTest, ReadsEveryOption) {
  StatusOr<RuleOptions> o = ParseRuleOptions(json::parse(R"({
      "trustRoot": "*", "threshold": 2, "required": ["alice", "bob"],
      "verifyInTransparencyLog": false, "verifySCT": false, "mode": "insecureValidateOnly",
      "verificationLevel": "audit", "verifyTimestamp": "afterCertExpiry", "attestations": true})"));
  ASSERT_THAT(o, IsOk());
  EXPECT_TRUE(o->attestations);
  EXPECT_EQ(o->trust_root, "*");
  EXPECT_EQ(o->threshold, 2);
  EXPECT_EQ(o->required, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_FALSE(o->verify_in_transparency_log);
  EXPECT_FALSE(o->verify_sct);
  EXPECT_EQ(o->mode, RuleMode::kInsecureValidateOnly);
  EXPECT_EQ(o->verification_level, "audit");
  EXPECT_EQ(o->verify_timestamp, "afterCertExpiry");

  StatusOr<RuleOptions> d = ParseRuleOptions(json::parse(R"({"delegations": ["targets/a"]})"));
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->delegations, std::vector<std::string>{"targets/a"});
}

TEST(RuleOptionsTest, AcceptsValidCombinations) {
  for (const char* text : {
           R"({"trustRoot": "alice", "threshold": 1})",
           R"({"trustRoot": "alice", "threshold": 0})",
           R"({"trustRoot": "*", "threshold": 0})",
           R"({"trustRoot": "*", "required": ["a"]})",
           R"({"mode": "mutate"})",
           R"({"verificationLevel": "permissive", "verifyTimestamp": "always"})",
       }) {
    EXPECT_THAT(ParseRuleOptions(json::parse(text)), IsOk()) << text;
  }
}

TEST(RuleOptionsTest, RejectsBadOptionsNamingTheKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"([1, 2])", "with: expected a mapping, got a list"},
      {R"("sse")", "with: expected a mapping, got a string"},
      {R"({"trustRoot": 1})", "with.trustRoot: expected a string, got an integer"},
      {R"({"threshold": 2.0, "trustRoot": "*"})",
       "with.threshold: expected an integer, got a number"},
      {R"({"threshold": 1001, "trustRoot": "*"})", "with.threshold: must be between 0 and 1000"},
      {R"({"required": [], "trustRoot": "*"})", "with.required: must contain at least 1 item"},
      {R"({"delegations": "a"})", "with.delegations: expected a list, got a string"},
      {R"({"delegations": [""]})", "with.delegations[0]: expected a non-empty string"},
      {R"({"verifySCT": "false"})", "with.verifySCT: expected a bool"},
      {R"({"attestations": "yes"})", "with.attestations: expected a bool"},
      {R"({"mode": "Mutate"})", "Mode must be one of [mutate insecureValidateOnly]"},
      {R"({"verificationLevel": "STRICT"})", "VerificationLevel must be one of"},
      {R"({"verifyTimestamp": ""})", "VerifyTimestamp must be one of"},
      {R"({"trustRoot": "a\u0001"})", "with.trustRoot: contains control characters"},
  };
  for (const auto& [text, expected] : cases) {
    json with = json::parse(text);
    EXPECT_THAT(ParseRuleOptions(with), StatusIs(StatusCode::kInvalidArgument, HasSubstr(expected)))
        << text;
  }
}

// Review regression: a policy script's `with` goes through ParseRuleOptions on every select, and
// the "did you mean" search ran a full edit-distance table per known key, so one megabyte-long
// unknown key cost ~10^8 steps of C++ work the sandbox could not see. Keys whose length differs
// by more than the suggestion distance are now skipped at once.
TEST(RuleOptionsTest, HugeUnknownKeyIsReportedWithoutASuggestion) {
  json with = json::object();
  with[std::string(1u << 20, 'k')] = 1;
  StatusOr<RuleOptions> o = ParseRuleOptions(with);
  ASSERT_THAT(o, IsOk());
  ASSERT_EQ(o->unknown_keys.size(), 1u);
  EXPECT_EQ(o->unknown_keys[0].second, "");
  // Near misses of any length difference up to two still get their suggestion.
  for (const char* key : {"trustRoo", "trustRoots", "trustRootXY", "delegation"}) {
    json near = {{key, "a"}};
    StatusOr<RuleOptions> n = ParseRuleOptions(near);
    ASSERT_THAT(n, IsOk()) << key;
    ASSERT_EQ(n->unknown_keys.size(), 1u) << key;
    EXPECT_THAT(n->unknown_keys[0].second, HasSubstr("did you mean")) << key;
  }
}

// Connaisseur ignores unknown keys; a rule keeps them so that it denies instead (RuleDoubts).
TEST(RuleOptionsTest, KeepsUnknownKeysWithTheirSuggestion) {
  StatusOr<RuleOptions> o =
      ParseRuleOptions(json::parse(R"({"trustroot": "a", "key": "b", "trust_root": "c"})"));
  ASSERT_THAT(o, IsOk());
  using Key = std::pair<std::string, std::string>;
  EXPECT_THAT(o->unknown_keys, ::testing::UnorderedElementsAre(
                                   Key{"with.trustroot", "did you mean \"trustRoot\"?"},
                                   Key{"with.key", ""},  // the v2 spelling is not v3
                                   Key{"with.trust_root", "did you mean \"trustRoot\"?"}));
}

TEST(RuleOptionsTest, ReportsAllProblemsAtOnce) {
  StatusOr<RuleOptions> o =
      ParseRuleOptions(json::parse(R"({"mode": "x", "threshold": "y", "verifySCT": 1})"));
  ASSERT_FALSE(o.ok());
  EXPECT_THAT(o.status().message(), HasSubstr("with.mode"));
  EXPECT_THAT(o.status().message(), HasSubstr("with.threshold"));
  EXPECT_THAT(o.status().message(), HasSubstr("with.verifySCT"));
  EXPECT_EQ(std::count(o.status().message().begin(), o.status().message().end(), '\n'), 2)
      << o.status().message();
}

}  // namespace
}  // namespace connaisseur::config
