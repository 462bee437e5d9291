// RuleIndex: candidates (anchoring, implicit tag, policy order), the native specificity ranking
// with the worked examples of docs/policy-lua.md "connaisseur.default_policy", ties, and agreement
// with brute force.
#include "runtime/matching/rule_index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "runtime/matching/glob.h"
#include "runtime/matching/specificity.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::matching {
namespace {

using ::testing::HasSubstr;

std::vector<config::Rule> Rules(const std::vector<std::string>& patterns) {
  std::vector<config::Rule> rules;
  for (size_t i = 0; i < patterns.size(); ++i) {
    config::Rule r;
    r.pattern = patterns[i];
    r.validator = "v" + std::to_string(i);
    r.index = i;
    rules.push_back(std::move(r));
  }
  return rules;
}

image::ImageReference Image(std::string_view raw) {
  StatusOr<image::ImageReference> ref = image::ImageReference::Parse(raw);
  EXPECT_THAT(ref, IsOk()) << raw;
  return std::move(ref).value();
}

std::unique_ptr<RuleIndex> Index(const std::vector<config::Rule>& rules, bool legacy = false) {
  StatusOr<std::unique_ptr<RuleIndex>> index = RuleIndex::Build(rules, legacy);
  EXPECT_THAT(index, IsOk());
  return std::move(index).value();
}

std::string Pattern(const config::Rule* r) { return r == nullptr ? "<none>" : r->pattern; }

std::vector<std::string> CandidatePatterns(const RuleIndex& index, std::string_view raw) {
  std::vector<std::string> out;
  for (const config::Rule* r : index.Candidates(Image(raw))) out.push_back(r->pattern);
  return out;
}

TEST(RuleIndexTest, WorkedChainWinsInEveryPolicyOrder) {
  // docs/policy-lua.md "connaisseur.default_policy": `*` < `*:*` < `*/*` < `docker*/*` < `*/*/*`,
  // all matching the sample.
  std::vector<std::string> patterns = {"*", "*:*", "*/*", "docker*/*", "*/*/*"};
  std::sort(patterns.begin(), patterns.end());
  do {
    const auto rules = Rules(patterns);
    const auto index = Index(rules);
    EXPECT_EQ(index->Candidates(Image("securesystemsengineering/sample:v1")).size(), 5u);
    EXPECT_EQ(Pattern(index->BestMatch(Image("securesystemsengineering/sample:v1"))), "*/*/*")
        << ::testing::PrintToString(patterns);
  } while (std::next_permutation(patterns.begin(), patterns.end()));
}

TEST(RuleIndexTest, ExactRegistryBeatsRegistryPrefix) {
  for (bool reversed : {false, true}) {
    std::vector<std::string> patterns = {"docker.i*/s*", "docker.io/*"};
    if (reversed) std::reverse(patterns.begin(), patterns.end());
    const auto rules = Rules(patterns);
    EXPECT_EQ(Pattern(Index(rules)->BestMatch(Image("securesystemsengineering/sample:v1"))),
              "docker.io/*");
  }
}

TEST(RuleIndexTest, LongerTagPrefixWinsUnderLegacyMatching) {
  // Registry-less patterns only match at all under legacy `*pattern*` matching.
  for (bool reversed : {false, true}) {
    std::vector<std::string> patterns = {"securesystemsengineering/sample:*",
                                         "securesystemsengineering/sample:v*"};
    if (reversed) std::reverse(patterns.begin(), patterns.end());
    const auto rules = Rules(patterns);
    const auto image = Image("securesystemsengineering/sample:v1");
    EXPECT_EQ(Pattern(Index(rules, /*legacy=*/true)->BestMatch(image)),
              "securesystemsengineering/sample:v*");
    EXPECT_EQ(Index(rules, /*legacy=*/false)->BestMatch(image), nullptr);
  }
}

TEST(RuleIndexTest, DocumentationExampleSelectsTheDocumentedRules) {
  // Connaisseur's documented example.
  const auto rules = Rules({"*:*", "docker.io/myrepo/*:*", "docker.io/myrepo/myimg:*"});
  const auto index = Index(rules);
  const std::pair<std::string, std::string> cases[] = {
      {"docker.io/superrepo/myimg:v1", "*:*"},
      {"docker.io/myrepo/superimg:v1", "docker.io/myrepo/*:*"},
      {"docker.io/myrepo/myimg:v1", "docker.io/myrepo/myimg:*"},
      {"myrepo/myimg:v1", "docker.io/myrepo/myimg:*"},
  };
  for (const auto& [image, winner] : cases) {
    EXPECT_EQ(Pattern(index->BestMatch(Image(image))), winner) << image;
  }
}

TEST(RuleIndexTest, TiedRulesResolveToTheLaterOneAndReportTheTie) {
  for (bool reversed : {false, true}) {
    std::vector<std::string> patterns = {"docker.io/library/x*", "docker.io/library/x?"};
    if (reversed) std::reverse(patterns.begin(), patterns.end());
    const auto rules = Rules(patterns);
    const auto index = Index(rules);
    const config::Rule* tied = nullptr;
    const config::Rule* best = index->BestMatch(Image("xy:1"), &tied);
    EXPECT_EQ(best, &rules[1]) << patterns[1];
    EXPECT_EQ(tied, &rules[0]) << patterns[0];
    EXPECT_EQ(index->BestMatch(Image("xy:1")), &rules[1]);
  }
}

TEST(RuleIndexTest, NoTieIsReportedForAStrictWinner) {
  const auto rules =
      Rules({"docker.io/library/x*", "docker.io/library/x?", "docker.io/library/xy"});
  const auto index = Index(rules);
  const config::Rule* tied = &rules[0];
  EXPECT_EQ(index->BestMatch(Image("xy:1"), &tied), &rules[2]);
  EXPECT_EQ(tied, nullptr);
}

TEST(RuleIndexTest, NoCandidateMeansNoMatch) {
  const auto rules = Rules({"docker.io/a/*", "quay.io/b/*"});
  const auto index = Index(rules);
  EXPECT_TRUE(index->Candidates(Image("ghcr.io/a/x:1")).empty());
  EXPECT_EQ(index->BestMatch(Image("ghcr.io/a/x:1")), nullptr);
  const auto empty = Rules({});
  EXPECT_EQ(Index(empty)->BestMatch(Image("nginx")), nullptr);
}

// Review regression: the registry's case used to survive normalisation, so with a deny rule
// for a registry and an allow-all catch-all, `REG.example.com/evil/x` (pulled from the same
// host) fell through to the catch-all.
TEST(RuleIndexTest, RegistryCaseDoesNotSidestepARegistryRule) {
  const auto rules = Rules({"*:*", "reg.example.com/evil/*", "docker.io/library/*"});
  const auto index = Index(rules);
  const std::string digest = "@sha256:" + std::string(64, 'a');
  for (const std::string& raw :
       std::vector<std::string>{"REG.example.com/evil/x:1", "Reg.Example.Com/evil/x",
                                "reg.example.com/evil/x", "reg.EXAMPLE.com/evil/x" + digest}) {
    EXPECT_EQ(Pattern(index->BestMatch(Image(raw))), "reg.example.com/evil/*") << raw;
  }
  EXPECT_EQ(Pattern(index->BestMatch(Image("DOCKER.IO/nginx"))), "docker.io/library/*");
}

// Issue 11: a pattern's host is case-insensitive too. `Reg.IO/*` (as Connaisseur users write
// it) matches `Reg.IO/x:1`, whose host we normalise to reg.io; the literal-prefix index must not
// skip it, and its common prefix with the host counts in full. The path keeps its case.
TEST(RuleIndexTest, PatternHostIgnoresCaseAndThePathDoesNot) {
  const auto rules = Rules({"reg.i*/*", "Reg.IO/*", "localHost/app*", "reg.io/Team/*"});
  const auto index = Index(rules);
  EXPECT_THAT(CandidatePatterns(*index, "Reg.IO/x:1"),
              ::testing::ElementsAre("reg.i*/*", "Reg.IO/*"));
  EXPECT_EQ(Pattern(index->BestMatch(Image("Reg.IO/x:1"))), "Reg.IO/*");
  EXPECT_EQ(Pattern(index->BestMatch(Image("reg.io/x:1"))), "Reg.IO/*");
  EXPECT_EQ(Pattern(index->BestMatch(Image("localhost/app:1"))), "localHost/app*");
  EXPECT_EQ(Pattern(index->BestMatch(Image("LOCALHOST/app/x:1"))), "localHost/app*");
  EXPECT_EQ(Pattern(index->BestMatch(Image("reg.io/team/x:1"))), "Reg.IO/*");
  EXPECT_EQ(Pattern(index->BestMatch(Image("localhost/other:1"))), "<none>");
  // `Registry/x` names the host `registry` only through its upper case, which normalisation
  // keeps; a pattern's host matches it whatever the case.
  const auto upper_rules = Rules({"REGISTRY/*"});
  const auto upper_only = Index(upper_rules);
  EXPECT_EQ(Pattern(upper_only->BestMatch(Image("Registry/x:1"))), "REGISTRY/*");
}

TEST(RuleIndexTest, CandidatesComeInPolicyOrder) {
  const auto rules = Rules({"docker.io/library/*", "*:*", "docker.io/*", "quay.io/*", "*"});
  EXPECT_THAT(CandidatePatterns(*Index(rules), "nginx:1"),
              ::testing::ElementsAre("docker.io/library/*", "*:*", "docker.io/*", "*"));
}

TEST(RuleIndexTest, StarCrossesSlashes) {
  const auto rules = Rules({"docker.io/*"});
  EXPECT_EQ(CandidatePatterns(*Index(rules), "docker.io/a/b/c/d:1").size(), 1u);
}

TEST(RuleIndexTest, PatternsAreAnchoredUnlessLegacyMatchingIsOn) {
  const auto rules = Rules({"my.registry/*"});
  const std::pair<std::string, bool> cases[] = {
      {"my.registry/x:1", true},
      {"attacker.io/my.registry/x:1", false},
      {"evilmy.registry/x:1", false},
      {"my.registry.evil.io/x:1", false},
  };
  const auto anchored = Index(rules, false);
  const auto legacy = Index(rules, true);
  for (const auto& [image, matches] : cases) {
    EXPECT_EQ(anchored->BestMatch(Image(image)) != nullptr, matches) << image;
  }
  for (const char* image :
       {"my.registry/x:1", "attacker.io/my.registry/x:1", "evilmy.registry/x:1"}) {
    EXPECT_EQ(Pattern(legacy->BestMatch(Image(image))), "my.registry/*") << image;
  }
}

TEST(RuleIndexTest, TaglessPatternsMatchAnyTagOrDigest) {
  const std::string digest = "sha256:" + std::string(64, 'e');
  const auto rules = Rules({"reg:5000/img", "docker.io/library/x", "docker.io/library/y:1"});
  const auto index = Index(rules);
  const std::pair<std::string, std::string> cases[] = {
      {"reg:5000/img:1", "reg:5000/img"},
      {"reg:5000/img@" + digest, "reg:5000/img"},
      {"reg:5000/img2:1", "<none>"},
      {"x@" + digest, "docker.io/library/x"},
      {"x:1.0@" + digest, "docker.io/library/x"},
      {"x", "docker.io/library/x"},
      {"xx", "<none>"},
      {"y:1", "docker.io/library/y:1"},
      {"y:12", "<none>"},
      {"y@" + digest, "<none>"},  // the pattern names a tag, so it is exact
  };
  for (const auto& [image, winner] : cases) {
    EXPECT_EQ(Pattern(index->BestMatch(Image(image))), winner) << image;
  }
}

TEST(RuleIndexTest, BuildRejectsABadPatternNamingTheRule) {
  const auto rules = Rules({"*:*", "docker.io/[abc"});
  EXPECT_THAT(RuleIndex::Build(rules, false),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("policy rule 1")));
  EXPECT_THAT(RuleIndex::Build(rules, false),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unterminated")));
}

// Brute force: every rule's glob tried, the winner the maximum of (specificity, policy index).
// A different formulation of the specificity ranking than BestMatch's loop, and no prefix index.
const config::Rule* BruteForceBest(const std::vector<config::Rule>& rules,
                                   const std::vector<Glob>& globs, const std::string& image) {
  const config::Rule* best = nullptr;
  Specificity best_spec;
  for (const config::Rule& r : rules) {
    if (!globs[r.index].Match(image)) continue;
    Specificity s = Specificity::Measure(r.pattern, image);
    const int c = best == nullptr ? 1 : CompareSpecificity(s, best_spec);
    if (c > 0 || (c == 0 && r.index > best->index)) {
      best = &r;
      best_spec = s;
    }
  }
  return best;
}

TEST(RuleIndexTest, AgreesWithBruteForceOnGeneratedPolicies) {
  std::mt19937 rng(7);
  const std::vector<std::string> registries = {"docker.io", "quay.io", "reg:5000", "ghcr.io"};
  const std::vector<std::string> repos = {"library/nginx", "org/app", "org/api", "a/b/c"};
  const std::vector<std::string> tags = {":1", ":v1.2", ":latest", ""};
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  // A registry as a user may write it: one time in four with some letters upper-cased.
  auto recase = [&](std::string s) {
    if (rng() % 4 == 0) {
      for (char& c : s) {
        if (c >= 'a' && c <= 'z' && rng() % 2) c = static_cast<char>(c - 'a' + 'A');
      }
    }
    return s;
  };
  // Pattern pieces: each part exact, starred, partially starred or '?'-ed.
  auto blur = [&](std::string s) {
    switch (rng() % 5) {
      case 0:
        return std::string("*");
      case 1:
        return s.substr(0, rng() % (s.size() + 1)) + "*";
      case 2:
        if (!s.empty()) s[rng() % s.size()] = '?';
        return s;
      default:
        return s;
    }
  };
  int matched = 0;
  for (int policy = 0; policy < 40; ++policy) {
    std::vector<std::string> patterns;
    const size_t n = 1 + rng() % 60;
    for (size_t i = 0; i < n; ++i) {
      std::string p = blur(recase(pick(registries))) + "/" + blur(pick(repos));
      if (rng() % 2) p += blur(pick(tags));
      if (rng() % 10 == 0) p = rng() % 2 ? "*:*" : "*";
      patterns.push_back(p);
    }
    const auto rules = Rules(patterns);
    for (bool legacy : {false, true}) {
      const auto index = Index(rules, legacy);
      std::vector<Glob> globs;
      for (const config::Rule& r : rules) {
        Glob::Options options;
        options.unanchored = legacy;
        options.implicit_tag = true;
        options.host_case_insensitive = true;
        StatusOr<Glob> g = Glob::Compile(r.pattern, options);
        ASSERT_THAT(g, IsOk()) << r.pattern;
        globs.push_back(std::move(g).value());
      }
      for (int k = 0; k < 50; ++k) {
        const auto image = Image(recase(pick(registries)) + "/" + pick(repos) + pick(tags));
        const config::Rule* expected = BruteForceBest(rules, globs, image.normalized());
        matched += expected != nullptr;
        ASSERT_EQ(index->BestMatch(image), expected)
            << image.normalized() << " legacy=" << legacy << " got "
            << Pattern(index->BestMatch(image)) << " want " << Pattern(expected);
      }
    }
  }
  EXPECT_GT(matched, 500);  // the generator produces matches, not only misses
}

// Candidates against running every glob, on policies full of wildcard-first patterns (the rules
// the required-infix automaton serves): infixes that overlap, nest, repeat in the image, hold
// classes or escapes, or meet the host, across both matching modes.
TEST(RuleIndexTest, CandidatesAgreeWithBruteForceOnWildcardFirstPolicies) {
  std::mt19937 rng(11);
  const std::vector<std::string> hosts = {"reg.io", "Reg.IO", "team-1.io", "app", "r:5000"};
  const std::vector<std::string> parts = {"team-1", "team-12", "app", "app-1", "ap", "1", "a/b"};
  const std::vector<std::string> tags = {":v1", ":v12", ":latest",
                                         "@sha256:" + std::string(64, 'a')};
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto pattern = [&] {
    std::string p = rng() % 3 ? "*" : "?";
    const size_t n = 1 + rng() % 3;
    for (size_t i = 0; i < n; ++i) {
      p += rng() % 4 ? "/" : "*";
      p += pick(parts);
    }
    switch (rng() % 6) {
      case 0:
        return p + ":*";
      case 1:
        return p + pick(tags);
      case 2:
        return p + "[:@]*";
      case 3:
        return "*" + pick(hosts) + p.substr(1);
      case 4:
        return p + "*\\:v1";
      default:
        return p;
    }
  };
  size_t matched = 0;
  for (int policy = 0; policy < 60; ++policy) {
    std::vector<std::string> patterns;
    const size_t n = 1 + rng() % 80;
    for (size_t i = 0; i < n; ++i) patterns.push_back(pattern());
    if (rng() % 3 == 0) patterns.push_back("reg.io/*");
    const auto rules = Rules(patterns);
    for (bool legacy : {false, true}) {
      const auto index = Index(rules, legacy);
      std::vector<Glob> globs;
      Glob::Options options;
      options.unanchored = legacy;
      options.implicit_tag = true;
      options.host_case_insensitive = true;
      for (const config::Rule& r : rules) {
        StatusOr<Glob> g = Glob::Compile(r.pattern, options);
        ASSERT_THAT(g, IsOk()) << r.pattern;
        globs.push_back(std::move(g).value());
      }
      for (int k = 0; k < 60; ++k) {
        std::string raw = pick(hosts) + "/" + pick(parts);
        for (size_t i = rng() % 3; i > 0; --i) raw += "/" + pick(parts);
        const auto image = Image(raw + pick(tags));
        std::vector<std::string> expected;
        for (const config::Rule& r : rules) {
          if (globs[r.index].Match(image.normalized())) expected.push_back(r.pattern);
        }
        matched += expected.size();
        ASSERT_EQ(CandidatePatterns(*index, image.normalized()), expected)
            << image.normalized() << " legacy=" << legacy;
      }
    }
  }
  EXPECT_GT(matched, 2000u);  // the generator produces matches, not only misses
}

}  // namespace
}  // namespace connaisseur::matching
