// scripts/default.lua: its choice equals RuleIndex::BestMatch (the native docs/policy-lua.md
// "connaisseur.default_policy" ranking) on thousands of generated (rule set, image) cases, and on
// every worked example.
#include "scripts/default_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "runtime/matching/rule_index.h"
#include "runtime/policy/policy.h"
#include "stdlib/stdlib.h"
#include "tests/runtime/policy/policy_test_support.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur {
namespace {

using ::testing::HasSubstr;

// A policy with `patterns` (validator "default") and the default script over it.
struct PolicyUnderTest {
  explicit PolicyUnderTest(const std::vector<std::string>& patterns)
      : config(policy::testing::SmallConfig()) {
    config.sandbox.instruction_limit = 10'000'000;
    for (const std::string& p : patterns) {
      config::Rule r;
      r.pattern = p;
      r.validator = "default";
      r.index = config.policy.size();
      config.policy.push_back(r);
    }
    index = std::move(matching::RuleIndex::Build(config.policy, false)).value();
    policy::PolicyOptions options;
    options.source = std::string(embedded::kDefaultPolicyLua);
    options.chunk_name = "default.lua";
    options.config = &config;
    options.rules = index.get();
    options.logger = &logger;
    options.modules = stdlib::StandardModules();
    policy = std::move(policy::Policy::Create(options)).value();
  }

  // The pattern the script selects, or "<none>" with the reason.
  std::string Select(const std::string& ref) {
    auto image = policy::testing::Image(ref);
    auto rule = policy->Select(image, policy::PolicyRequest(), Deadline::Infinite());
    if (!rule.ok()) return "<none> " + rule.status().message();
    return rule->pattern;
  }
  std::string Native(const std::string& ref) {
    const config::Rule* best = index->BestMatch(policy::testing::Image(ref));
    return best == nullptr ? "<none>" : best->pattern;
  }

  config::Config config;
  std::unique_ptr<matching::RuleIndex> index;
  policy::testing::RecordingLogger logger;
  std::unique_ptr<policy::Policy> policy;
};

TEST(DefaultPolicyTest, PicksTheMostSpecificRuleOfTheWorkedExamples) {
  // docs/policy-lua.md "connaisseur.default_policy", image
  // docker.io/securesystemsengineering/sample:v1: each pair is (less specific, more specific).
  const std::pair<const char*, const char*> pairs[] = {
      {"*", "*:*"},
      {"*:*", "*/*"},
      {"*/*", "docker*/*"},
      {"docker*/*", "*/*/*"},
      {"*/*/image:v1", "*/sam*/*"},
      {"docker.i*/s*", "docker.io/*"},
      {"securesystemsengineering/sample:*", "securesystemsengineering/sample:v*"},
  };
  const std::string image = "docker.io/securesystemsengineering/sample:v1";
  for (const auto& [less, more] : pairs) {
    for (bool reversed : {false, true}) {
      PolicyUnderTest s(reversed ? std::vector<std::string>{more, less}
                                 : std::vector<std::string>{less, more});
      const std::string want = s.Native(image);
      if (want == "<none>") continue;  // a pattern of the pair does not match under anchoring
      EXPECT_EQ(s.Select(image), want) << less << " vs " << more;
    }
  }
  // Section 6, Connaisseur's documentation example.
  PolicyUnderTest doc({"*:*", "docker.io/myrepo/*:*", "docker.io/myrepo/myimg:*"});
  EXPECT_EQ(doc.Select("docker.io/superrepo/myimg:v1"), "*:*");
  EXPECT_EQ(doc.Select("docker.io/myrepo/superimg:v1"), "docker.io/myrepo/*:*");
  EXPECT_EQ(doc.Select("docker.io/myrepo/myimg:v1"), "docker.io/myrepo/myimg:*");
}

TEST(DefaultPolicyTest, DeniesWithoutACandidate) {
  PolicyUnderTest s({"my.registry/*"});
  EXPECT_EQ(s.Select("attacker.io/my.registry/x"),
            "<none> no matching rule for image attacker.io/my.registry/x:latest");
}

TEST(DefaultPolicyTest, TiesGoToTheLaterRuleWithAWarning) {
  PolicyUnderTest t({"docker.io/library/x*", "docker.io/library/x?"});
  EXPECT_EQ(t.Select("docker.io/library/xy"), "docker.io/library/x?");
  ASSERT_FALSE(t.logger.lines.empty());
  EXPECT_THAT(t.logger.lines.back().msg, HasSubstr("identical rules"));
}

// Issue 11: the registry host ignores case on both sides, in the candidates and in the ranking,
// so the script picks what the native ranking (and `check`) picks.
TEST(DefaultPolicyTest, RegistryHostIgnoresCaseOnBothSides) {
  PolicyUnderTest s({"*:*", "reg.i*/*", "Reg.IO/*", "localHost/app*", "reg.io/Team/*"});
  EXPECT_EQ(s.Select("Reg.IO/x:1"), "Reg.IO/*");
  EXPECT_EQ(s.Select("reg.io/team/x:1"), "Reg.IO/*");  // the path keeps its case
  EXPECT_EQ(s.Select("localhost/app:1"), "localHost/app*");
  EXPECT_EQ(s.Select("LocalHost/app/x:1"), "localHost/app*");
  for (const char* image : {"Reg.IO/x:1", "reg.io/team/x:1", "localhost/app:1", "nginx"}) {
    EXPECT_EQ(s.Select(image), s.Native(image)) << image;
  }
}

// default.lua compares a component's literal head (the text before its first '*', '?', '[' or
// '\') in one step and only walks bytes past it when a '[' follows, which an image byte (an
// IPv6 registry) can equal. Classes, escapes, empty components and IPv6 registries, every
// permutation of policy order, against the native ranking.
TEST(DefaultPolicyTest, AgreesWithTheNativeRankingOnClassesEscapesAndIpv6) {
  const std::vector<std::vector<std::string>> policies = {
      {"docker.io/librar[a-z]/*", "docker.io/library/ngin[x]*", "docker.io/l\\ibrary/*",
       "docker.io/*/nginx:*", "*/library/nginx:1"},
      {"\\[::1\\]:5000/*", "[[]::1]:5000/img:*", "[[]::1]*", "*:5000/img*", "*/img:1"},
      {"reg.io/a/*", "reg.io/a*", "reg.io/?/b/*", "reg.io/[ab]/b:*", "*/*/*/*"},
      {"REG.io/a/*", "Reg.IO/*", "R[e]g.io/a*", "r[E]G.*", "reg.io/A*"},
  };
  const std::vector<std::string> images = {"nginx:1",
                                           "docker.io/library/nginx:2",
                                           "REG.IO/a/b:1",
                                           "[::1]:5000/img:1",
                                           "[::1]:5000/img@sha256:" + std::string(64, 'c'),
                                           "reg.io/a/b/c:1",
                                           "reg.io/b/b:x"};
  for (std::vector<std::string> patterns : policies) {
    std::sort(patterns.begin(), patterns.end());
    int orders = 0, matched = 0;
    do {
      PolicyUnderTest s(patterns);
      for (const std::string& image : images) {
        const std::string want = s.Native(image);
        const std::string got = s.Select(image);
        if (want == "<none>") {
          EXPECT_THAT(got, HasSubstr("no matching rule")) << image;
        } else {
          EXPECT_EQ(got, want) << image << " with " << ::testing::PrintToString(patterns);
          matched++;
        }
      }
    } while (++orders < 24 && std::next_permutation(patterns.begin(), patterns.end()));
    EXPECT_GE(matched, 2 * orders) << ::testing::PrintToString(patterns);  // ranking exercised
  }
}

// Random rule sets drawn from pieces of the images, so that many patterns match and rank.
TEST(DefaultPolicyTest, AgreesWithTheNativeRankingOnGeneratedCases) {
  std::mt19937 rng(20240601);
  const std::vector<std::string> registries = {"docker.io", "reg.io:5000", "ghcr.io", "localhost"};
  const std::vector<std::string> paths = {"library/nginx", "library/redis", "team/app",
                                          "team/app/sub", "a/b/c/d"};
  const std::vector<std::string> tags = {"1", "v1.2", "latest", "v1"};
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  // Some letters of the host upper-cased, one pattern in four: the host ignores case.
  auto recase_host = [&](std::string p) {
    if (rng() % 4 == 0) {
      for (size_t i = 0; i < p.size() && p[i] != '/'; ++i) {
        if (p[i] >= 'a' && p[i] <= 'z' && rng() % 2) p[i] = static_cast<char>(p[i] - 'a' + 'A');
      }
    }
    return p;
  };
  // A pattern from an image: keep a prefix of it, then wildcards.
  auto pattern_from = [&](const std::string& image) {
    std::string p = recase_host(image.substr(0, rng() % (image.size() + 1)));
    switch (rng() % 5) {
      case 0:
        return p + "*";
      case 1:
        return p + "*:*";
      case 2:
        return "*" + image.substr(rng() % (image.size() + 1));
      case 3:
        return p.empty() ? std::string("*") : p + "?" + "*";
      default:
        return std::string(rng() % 2 ? "*/*" : "*/*/*");
    }
  };
  int compared = 0, matched = 0;
  for (int set = 0; set < 60; set++) {
    std::vector<std::string> images;
    for (int i = 0; i < 40; i++) {
      images.push_back(pick(registries) + "/" + pick(paths) + ":" + pick(tags));
    }
    std::vector<std::string> patterns;
    const int n = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < n; i++) {
      std::string p = pattern_from(pick(images));
      if (std::find(patterns.begin(), patterns.end(), p) == patterns.end()) patterns.push_back(p);
    }
    PolicyUnderTest s(patterns);
    for (const std::string& image : images) {
      const std::string want = s.Native(image);
      const std::string got = s.Select(image);
      if (want == "<none>") {
        EXPECT_THAT(got, HasSubstr("no matching rule")) << image;
      } else {
        EXPECT_EQ(got, want) << image << " with " << ::testing::PrintToString(patterns);
        matched++;
      }
      compared++;
    }
  }
  EXPECT_EQ(compared, 2400);
  EXPECT_GT(matched, 1000);  // the generator must exercise the ranking, not only misses
}

}  // namespace
}  // namespace connaisseur
