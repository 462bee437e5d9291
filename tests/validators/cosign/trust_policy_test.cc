// Trust-root policy: which roots a rule checks, the effective threshold, and the decision that
// counts distinct roots (never layers).
#include "validators/cosign/trust_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace connaisseur::cosign {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kRoots = {"alice", "bob", "charlie"};

config::RuleOptions Options(std::string root, std::optional<int> threshold = std::nullopt,
                            std::vector<std::string> required = {}) {
  config::RuleOptions o;
  o.trust_root = std::move(root);
  o.threshold = threshold;
  o.required = std::move(required);
  return o;
}

std::vector<RootOutcome> Valid(std::vector<std::string> names) {
  std::vector<RootOutcome> out;
  for (const auto& r : kRoots) {
    bool ok = std::find(names.begin(), names.end(), r) != names.end();
    out.push_back({r, ok, ok ? "" : "signature does not verify"});
  }
  return out;
}

std::string Describe(const config::RuleOptions& o, const std::vector<std::string>& valid) {
  std::string s = "trustRoot=" + o.trust_root +
                  " threshold=" + (o.threshold ? std::to_string(*o.threshold) : "unset") +
                  " required=[";
  for (const auto& r : o.required) s += r + " ";
  s += "] valid=[";
  for (const auto& r : valid) s += r + " ";
  return s + "]";
}

TEST(TrustPolicyTest, ResolvesRootsAndEffectiveThreshold) {
  struct Case {
    config::RuleOptions options;
    std::vector<std::string> roots;
    int threshold;
  };
  const std::vector<Case> cases = {
      {Options("alice"), {"alice"}, 1},
      {Options("*"), kRoots, 3},
      {Options("*", 2), kRoots, 2},
      {Options("*", 0, {"bob"}), kRoots, 1},
      {Options("*", std::nullopt, {"bob", "charlie", "bob"}), kRoots, 2},
      {Options("*", 1, {"bob", "charlie"}), kRoots, 1},
      {Options("*", 5), kRoots, 5},
  };
  for (const auto& c : cases) {
    auto p = TrustPolicy::Create("v", kRoots, c.options);
    ASSERT_THAT(p, IsOk()) << Describe(c.options, {});
    EXPECT_EQ(p->roots(), c.roots) << Describe(c.options, {});
    EXPECT_EQ(p->threshold(), c.threshold) << Describe(c.options, {});
  }
  auto def = TrustPolicy::Create("v", {"default", "x"}, Options(""));
  ASSERT_THAT(def, IsOk());
  EXPECT_EQ(def->roots(), std::vector<std::string>{"default"});
}

TEST(TrustPolicyTest, RejectsInvalidRuleOptions) {
  struct Case {
    config::RuleOptions options;
    std::string message;
  };
  const std::vector<Case> cases = {
      {Options("dave"),
       "error getting trust roots for validator v: unable to find trust root dave"},
      {Options(""), "unable to find trust root default"},
      {Options("alice", 2), "need trustRoot \"*\""},
      {Options("alice", std::nullopt, {"alice"}), "need trustRoot \"*\""},
      {Options("*", -1), "negative"},
      {Options("*", 1, {"dave"}), "unable to find trust root dave"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(TrustPolicy::Create("v", kRoots, c.options),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << Describe(c.options, {});
  }
}

TEST(TrustPolicyTest, AcceptsWhenDistinctValidRootsMeetThePolicy) {
  struct Case {
    config::RuleOptions options;
    std::vector<std::string> valid;
  };
  const std::vector<Case> cases = {
      {Options("alice"), {"alice"}},
      {Options("alice"), {"alice", "bob"}},
      {Options("*"), {"alice", "bob", "charlie"}},
      {Options("*", 2), {"alice", "charlie"}},
      {Options("*", 1), {"charlie"}},
      {Options("*", 1, {"bob"}), {"bob"}},
      {Options("*", std::nullopt, {"alice", "bob"}), {"alice", "bob"}},
  };
  for (const auto& c : cases) {
    auto p = TrustPolicy::Create("v", kRoots, c.options);
    ASSERT_THAT(p, IsOk()) << Describe(c.options, c.valid);
    EXPECT_THAT(p->Decide(Valid(c.valid)), IsOk()) << Describe(c.options, c.valid);
  }
}

TEST(TrustPolicyTest, DeniesWhenThePolicyIsNotMet) {
  struct Case {
    config::RuleOptions options;
    std::vector<std::string> valid;
    std::string message;
  };
  const std::vector<Case> cases = {
      {Options("alice"), {"bob", "charlie"}, "validation threshold not reached (0/1)"},
      {Options("*"), {"alice", "bob"}, "validation threshold not reached (2/3)"},
      {Options("*", 2), {"alice"}, "validation threshold not reached (1/2)"},
      {Options("*", 3), {}, "validation threshold not reached (0/3)"},
      {Options("*", 5), {"alice", "bob", "charlie"}, "validation threshold not reached (3/5)"},
      {Options("*", 1, {"bob"}), {"alice"}, "missing required signatures from [bob]"},
      {Options("*", 2, {"alice", "charlie"}),
       {"alice", "bob"},
       "missing required signatures from [charlie]"},
      {Options("*", 1), {}, "alice: signature does not verify"},
  };
  for (const auto& c : cases) {
    auto p = TrustPolicy::Create("v", kRoots, c.options);
    ASSERT_THAT(p, IsOk()) << Describe(c.options, c.valid);
    EXPECT_THAT(p->Decide(Valid(c.valid)),
                StatusIs(StatusCode::kVerificationFailed, HasSubstr(c.message)))
        << Describe(c.options, c.valid);
  }
}

TEST(TrustPolicyTest, OneRootReportedManyTimesCountsOnce) {
  auto p = TrustPolicy::Create("v", kRoots, Options("*", 2));
  ASSERT_THAT(p, IsOk());
  std::vector<RootOutcome> outcomes = {
      {"alice", true, ""}, {"alice", true, ""}, {"alice", true, ""}, {"bob", false, "x"}};
  EXPECT_THAT(p->Decide(outcomes), StatusIs(StatusCode::kVerificationFailed, HasSubstr("(1/2)")));
}

TEST(TrustPolicyTest, IgnoresOutcomesOfRootsTheRuleDoesNotConsult) {
  auto p = TrustPolicy::Create("v", kRoots, Options("alice"));
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT(p->Decide({{"bob", true, ""}}),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("(0/1)")));
}

}  // namespace
}  // namespace connaisseur::cosign
