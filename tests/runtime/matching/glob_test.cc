// Glob: the pattern language of docs/configuration.md "Policy rules" (accept and reject tables),
// anchoring, the implicit tag, and a randomized check against a plain dynamic-programming matcher.
#include "runtime/matching/glob.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "tests/testing/status_matchers.h"

namespace connaisseur::matching {
namespace {

using ::testing::HasSubstr;

struct Case {
  std::string pattern, text;
  bool match;
};

const Case kSemantics[] = {
    {"abc", "abc", true},
    {"abc", "abcd", false},  // anchored at the end
    {"bcd", "abcd", false},  // anchored at the start
    {"abc", "", false},
    {"*", "", true},
    {"*", "docker.io/library/nginx:latest", true},
    {"a*b", "ab", true},
    {"a*b", "a/x/y/b", true},  // `*` crosses '/'
    {"a*b", "a/x/y/bc", false},
    {"docker.io/*", "docker.io/a/b/c:1", true},
    {"**", "x", true},
    {"a**b", "ab", true},
    {"*a", "bbba", true},
    {"*a", "bbab", false},
    {"a?c", "abc", true},
    {"a?c", "a/c", true},  // `?` is any one byte, '/' included
    {"a?c", "ac", false},
    {"a?c", "abbc", false},
    {"[abc]", "b", true},
    {"[abc]", "d", false},
    {"[abc]", "ab", false},
    {"[a-c]x", "bx", true},
    {"[a-c]x", "dx", false},
    {"[!a-c]x", "bx", false},
    {"[!a-c]x", "dx", true},
    {"[!a-c]x", "x", false},
    {"[]]", "]", true},  // ']' first in a class is a member
    {"[!]]", "a", true},
    {"[!]]", "]", false},
    {"[a-]", "-", true},  // '-' before ']' is a member
    {"[a-]", "b", false},
    {"[*]", "*", true},  // metacharacters are plain inside a class
    {"[*]", "a", false},
    {"[?]", "?", true},
    {"[?]", "a", false},
    {"[\\]]", "]", true},  // `\` escapes inside a class
    {"[\\!a]", "!", true},
    {"[^a]", "^", true},  // only '!' negates
    {"[^a]", "b", false},
    {"\\*", "*", true},
    {"\\*", "a", false},
    {"\\?", "?", true},
    {"\\?", "a", false},
    {"\\[a]", "[a]", true},
    {"\\\\", "\\", true},
    {"\\a", "a", true},
    {"*:*", "docker.io/library/x:1", true},
    {"*:*", "docker.io/library/x@sha256:00", true},  // ':' of the digest
    {"*.io/*", "docker.io/x", true},
    {"caf\xc3\xa9", "caf\xc3\xa9", true},                  // bytes beyond ASCII are literals
    {std::string(100, '?'), std::string(100, 'x'), true},  // more than one machine word
    {std::string(100, '?'), std::string(99, 'x'), false},
    {std::string(100, '?'), std::string(101, 'x'), false},
    {std::string(63, 'a') + "*" + std::string(70, 'b'), std::string(63, 'a') + std::string(70, 'b'),
     true},
    {std::string(63, 'a') + "*" + std::string(70, 'b'),
     std::string(63, 'a') + "xyz/" + std::string(70, 'b'), true},
    {std::string(63, 'a') + "*" + std::string(70, 'b'), std::string(63, 'a') + std::string(69, 'b'),
     false},
    {std::string(512, 'x'), std::string(512, 'x'), true},
};

TEST(GlobTest, MatchesTheDocumentedSemantics) {
  for (const Case& c : kSemantics) {
    StatusOr<Glob> g = Glob::Compile(c.pattern);
    ASSERT_THAT(g, IsOk()) << c.pattern;
    EXPECT_EQ(g->Match(c.text), c.match) << c.pattern << " vs " << c.text;
  }
}

TEST(GlobTest, RejectsMalformedPatterns) {
  const std::pair<std::string, std::string> kRejected[] = {
      {"", "empty"},
      {std::string(513, 'a'), "513 bytes, the limit is 512"},
      {"a b", "byte 0x20 at offset 1"},
      {"a\tb", "byte 0x09"},
      {"a\nb", "byte 0x0a"},
      {std::string("a\0b", 3), "byte 0x00"},
      {"a\x7f", "byte 0x7f"},
      {"[abc", "unterminated character class"},
      {"[!", "unterminated character class"},
      {"[]", "unterminated character class"},
      {"[a-", "unterminated character class"},
      {"[\\", "unterminated character class"},
      {"[z-a]", "reversed"},
      {"abc\\", "ends with '\\'"},
  };
  for (const auto& [pattern, reason] : kRejected) {
    EXPECT_THAT(Glob::Compile(pattern),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid pattern")))
        << pattern;
    EXPECT_THAT(Glob::Compile(pattern), StatusIs(StatusCode::kInvalidArgument, HasSubstr(reason)))
        << pattern;
  }
}

TEST(GlobTest, BacktrackingPatternRunsInOnePass) {
  // A backtracking matcher takes exponential time here; the NFA makes one pass.
  const std::string pattern = "*a*a*a*a*a*a*a*a*a*a*a*a*b";
  StatusOr<Glob> g = Glob::Compile(pattern);
  ASSERT_THAT(g, IsOk());
  const std::string as(100'000, 'a');
  EXPECT_FALSE(g->Match(as)) << pattern;
  EXPECT_TRUE(g->Match(as + "b")) << pattern;
  EXPECT_FALSE(g->Match(as + "ba")) << pattern;
}

TEST(GlobTest, ImplicitTagAddsAnyTagOrDigestWhenTheLastComponentHasNone) {
  struct TagCase {
    std::string pattern, text;
    bool match;
  } cases[] = {
      {"reg:5000/img", "reg:5000/img:1", true},  // the registry's ':' does not count
      {"reg:5000/img", "reg:5000/img@sha256:ab", true},
      // Only the extended forms: a normalised image always carries a tag or a digest anyway.
      {"reg:5000/img", "reg:5000/img", false},
      {"reg:5000/img", "reg:5000/imgx:1", false},
      {"reg:5000/img", "reg:5000/img/sub:1", false},
      {"docker.io/library/x", "docker.io/library/x@sha256:00", true},
      {"docker.io/library/x", "docker.io/library/x:1@sha256:00", true},
      {"docker.io/library/x:1", "docker.io/library/x:1@sha256:00", false},  // has a tag: exact
      {"docker.io/library/x:*", "docker.io/library/x@sha256:00", false},
      {"docker.io/*", "docker.io/a/b:1", true},
  };
  Glob::Options options;
  options.implicit_tag = true;
  for (const TagCase& c : cases) {
    StatusOr<Glob> g = Glob::Compile(c.pattern, options);
    ASSERT_THAT(g, IsOk()) << c.pattern;
    EXPECT_EQ(g->Match(c.text), c.match) << c.pattern << " vs " << c.text;
  }
}

TEST(GlobTest, UnanchoredMatchesAnywhere) {
  Glob::Options options;
  options.unanchored = true;
  options.implicit_tag = true;  // ignored: the trailing `*` already covers tags
  StatusOr<Glob> g = Glob::Compile("my.registry/*", options);
  ASSERT_THAT(g, IsOk());
  for (std::string text :
       {"my.registry/x:1", "attacker.io/my.registry/x:1", "evilmy.registry/x:1"}) {
    EXPECT_TRUE(g->Match(text)) << text;
  }
  EXPECT_FALSE(g->Match("my.registr/x:1"));
  StatusOr<Glob> anchored = Glob::Compile("my.registry/*");
  ASSERT_THAT(anchored, IsOk());
  EXPECT_FALSE(anchored->Match("attacker.io/my.registry/x:1"));
  EXPECT_FALSE(anchored->Match("evilmy.registry/x:1"));
}

TEST(GlobTest, LiteralPrefixStopsAtTheFirstMetacharacter) {
  const std::pair<std::string, std::string> cases[] = {
      {"docker.io/*:*", "docker.io/"},
      {"*", ""},
      {"a\\*b*", "a*b"},
      {"[a]bc?d", ""},
      {"ab[cd]", "ab"},
      {"reg:5000/img", "reg:5000/img"},
  };
  for (const auto& [pattern, prefix] : cases) {
    StatusOr<Glob> g = Glob::Compile(pattern);
    ASSERT_THAT(g, IsOk()) << pattern;
    EXPECT_EQ(g->literal_prefix(), prefix) << pattern;
  }
  Glob::Options unanchored;
  unanchored.unanchored = true;
  StatusOr<Glob> g = Glob::Compile("docker.io/*", unanchored);
  ASSERT_THAT(g, IsOk());
  EXPECT_EQ(g->literal_prefix(), "");
}

// Issue 11: a registry host is case-insensitive, so a pattern written `Reg.IO/*` must match the
// image Connaisseur matches it against, whose host we normalise to `reg.io`; the path and the
// tag stay case-sensitive.
TEST(GlobTest, HostIsCaseInsensitiveAndTheRestIsNot) {
  const Case cases[] = {
      {"Reg.IO/*", "reg.io/x:1", true},
      {"reg.io/*", "Reg.IO/x:1", true},
      {"localHost/app*", "localhost/app:1", true},
      {"REG.IO:5000/x", "reg.io:5000/x:1", true},
      {"*IO/team/app:*", "reg.io/team/app:1", true},  // a star, then host letters
      {"[A-Z]eg.io/*", "reg.io/x:1", true},           // a class meets the host too
      {"[!r]eg.io/*", "Reg.io/x:1", false},           // the listed 'r' is refused in both cases
      {"[!R]eg.io/*", "reg.io/x:1", false},
      {"[!r]eg.io/*", "xeg.io/x:1", true},
      {"*.IO*", "reg.io/x:1", true},
      {"reg.io/App*", "reg.io/app:1", false},  // the path keeps its case
      {"reg.io/*:V1", "reg.io/x:v1", false},   // and the tag
      {"*:V1", "reg.io/x:v1", false},
      {"*/TEAM/*", "Reg.IO/team/x:1", false},
      {"*/x*", "reg.io/X:1", false},
      {"Reg.IO:*", "reg.io:5000", true},  // a text without '/' is all host
  };
  Glob::Options options;
  options.implicit_tag = true;
  options.host_case_insensitive = true;
  for (const Case& c : cases) {
    StatusOr<Glob> g = Glob::Compile(c.pattern, options);
    ASSERT_THAT(g, IsOk()) << c.pattern;
    EXPECT_EQ(g->Match(c.text), c.match) << c.pattern << " vs " << c.text;
  }
  StatusOr<Glob> exact = Glob::Compile("Reg.IO/*");
  ASSERT_THAT(exact, IsOk());
  EXPECT_FALSE(exact->Match("reg.io/x:1")) << "without the option every byte is exact";
}

// Reference matcher for patterns over {a, b, /, *, ?, [ab]}: dynamic programming over
// (pattern position, text position), obviously correct and O(n*m). With `fold_host`, text bytes
// before the first '/' (all when none) compare with ASCII case ignored.
bool ReferenceMatch(const std::string& p, const std::string& t, bool fold_host = false) {
  // Tokenize `[ab]` as one position.
  std::vector<std::string> tok;
  for (size_t i = 0; i < p.size();) {
    if (p[i] == '[') {
      tok.push_back(p.substr(i, 4));
      i += 4;
    } else {
      tok.push_back(p.substr(i, 1));
      ++i;
    }
  }
  // ok[i][j]: tok[i..] matches t[j..]
  const size_t host_end = fold_host ? std::min(t.find('/'), t.size()) : 0;
  auto same = [&](char pc, size_t j) {
    const char tc = t[j];
    if (j >= host_end) return pc == tc;
    return std::tolower(static_cast<unsigned char>(pc)) ==
           std::tolower(static_cast<unsigned char>(tc));
  };
  std::vector<std::vector<char>> ok(tok.size() + 1, std::vector<char>(t.size() + 1, 0));
  ok[tok.size()][t.size()] = 1;
  for (size_t i = tok.size(); i-- > 0;) {
    for (size_t j = t.size() + 1; j-- > 0;) {
      const std::string& k = tok[i];
      if (k == "*") {
        ok[i][j] = ok[i + 1][j] || (j < t.size() && ok[i][j + 1]);
      } else if (j < t.size()) {
        const bool one = k == "?" || (k == "[ab]" ? (same('a', j) || same('b', j)) : same(k[0], j));
        ok[i][j] = one && ok[i + 1][j + 1];
      }
    }
  }
  return ok[0][0];
}

// The infix prefilter (longest literal run) must only ever reject texts the NFA would reject.
TEST(GlobTest, WildcardFirstPatternsStillMatchThroughTheInfixPrefilter) {
  const struct {
    const char* pattern;
    const char* text;
    bool match;
  } cases[] = {
      {"*/team-7/app-3:*", "docker.io/team-7/app-3:v1", true},
      {"*/team-7/app-3:*", "docker.io/team-7/app-30:v1", false},
      {"*/team-7/app-3:*", "docker.io/team-8/app-3:v1", false},
      {"*a\\*b", "xa*b", true},
      {"*[ab]cd*", "xbcdy", true},
      {"*cd*cd*", "cdcd", true},
      {"*cd*cd*", "cd", false},
      {"?abc", "abc", false},
  };
  for (const auto& c : cases) {
    auto g = Glob::Compile(c.pattern);
    ASSERT_TRUE(g.ok()) << c.pattern;
    EXPECT_EQ(g->Match(c.text), c.match) << c.pattern << " ~ " << c.text;
  }
}

TEST(GlobTest, AgreesWithAReferenceMatcherOnRandomPatterns) {
  std::mt19937 rng(20240601);
  const std::vector<std::string> pattern_atoms = {"a", "b", "/", "*", "?", "[ab]", "c"};
  const std::string text_chars = "abc/";
  int matches = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string p, t;
    const size_t plen = 1 + rng() % (round % 3 == 0 ? 90 : 12);  // some cross a word boundary
    for (size_t i = 0; i < plen; ++i) p += pattern_atoms[rng() % pattern_atoms.size()];
    if (round % 2 == 0) {
      // Half the texts instantiate the pattern (then maybe get one byte changed), so both
      // outcomes are common.
      for (size_t i = 0; i < p.size(); ++i) {
        if (p[i] == '*') {
          for (size_t k = rng() % 4; k > 0; --k) t += text_chars[rng() % text_chars.size()];
        } else if (p[i] == '?') {
          t += text_chars[rng() % text_chars.size()];
        } else if (p[i] == '[') {
          t += "ab"[rng() % 2];
          i += 3;
        } else {
          t += p[i];
        }
      }
      if (!t.empty() && rng() % 3 == 0) t[rng() % t.size()] = text_chars[rng() % text_chars.size()];
    } else {
      const size_t tlen = rng() % (plen + 8);
      for (size_t i = 0; i < tlen; ++i) t += text_chars[rng() % text_chars.size()];
    }
    StatusOr<Glob> g = Glob::Compile(p);
    ASSERT_THAT(g, IsOk()) << p;
    const bool expected = ReferenceMatch(p, t);
    matches += expected;
    ASSERT_EQ(g->Match(t), expected) << p << " vs " << t;
  }
  EXPECT_GT(matches, 1000);  // the generator exercises both outcomes
  EXPECT_LT(matches, 2500);
}

// The same with mixed-case letters and a case-insensitive host: the host folding (and the
// literal-run prefilter, which must not reject a host that differs only in case) agrees with
// the reference on both sides of the first '/'.
TEST(GlobTest, AgreesWithAReferenceMatcherOnRandomMixedCasePatterns) {
  std::mt19937 rng(20261203);
  const std::vector<std::string> pattern_atoms = {"a", "A", "b", "B", "/", "*", "?", "[ab]"};
  const std::string text_chars = "aAbB/";
  Glob::Options options;
  options.host_case_insensitive = true;
  int matches = 0, folded_only = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string p, t;
    const size_t plen = 1 + rng() % 12;
    for (size_t i = 0; i < plen; ++i) p += pattern_atoms[rng() % pattern_atoms.size()];
    for (size_t i = 0; i < p.size(); ++i) {  // a text instantiating p, letters recased
      if (p[i] == '*') {
        for (size_t k = rng() % 3; k > 0; --k) t += text_chars[rng() % text_chars.size()];
      } else if (p[i] == '?') {
        t += text_chars[rng() % text_chars.size()];
      } else if (p[i] == '[') {
        t += "abAB"[rng() % 4];
        i += 3;
      } else {
        t += rng() % 2 ? p[i] : static_cast<char>(p[i] ^ (p[i] == '/' ? 0 : 0x20));
      }
    }
    StatusOr<Glob> g = Glob::Compile(p, options);
    ASSERT_THAT(g, IsOk()) << p;
    const bool expected = ReferenceMatch(p, t, /*fold_host=*/true);
    matches += expected;
    folded_only += expected && !ReferenceMatch(p, t);
    ASSERT_EQ(g->Match(t), expected) << p << " vs " << t;
  }
  EXPECT_GT(matches, 500);
  EXPECT_GT(folded_only, 200);  // cases that only match because the host ignores case
  EXPECT_LT(matches, 2900);     // and the path's case still rejects
}

}  // namespace
}  // namespace connaisseur::matching
