// Specificity: the metrics and ordering of docs/policy-lua.md "connaisseur.default_policy", with
// its worked examples.
#include "runtime/matching/specificity.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace connaisseur::matching {
namespace {

using ::testing::ElementsAre;

const std::string kSample = "docker.io/securesystemsengineering/sample:v1";

TEST(SpecificityTest, MeasuresComponentsPrefixesAndLengthsAsWritten) {
  Specificity s = Specificity::Measure("docker.i*/s*", kSample);
  EXPECT_EQ(s.count, 2u);
  EXPECT_THAT(s.lcp, ElementsAre(8, 1));  // "docker.i" of "docker.io"; "s" of "secure..."
  EXPECT_THAT(s.len, ElementsAre(9, 2));
}

TEST(SpecificityTest, TagIsNotAComponentButItsBytesCount) {
  Specificity s = Specificity::Measure("*:test", kSample);
  EXPECT_EQ(s.count, 1u);
  EXPECT_THAT(s.len, ElementsAre(6));
  Specificity tagged =
      Specificity::Measure("docker.io/securesystemsengineering/sample:v1", kSample);
  EXPECT_THAT(tagged.lcp, ElementsAre(9, 24, 9));
  EXPECT_THAT(tagged.len, ElementsAre(9, 24, 9));
}

TEST(SpecificityTest, MissingImageComponentHasNoCommonPrefix) {
  Specificity s = Specificity::Measure("a/b/c/d", "a/b");
  EXPECT_EQ(s.count, 4u);
  EXPECT_THAT(s.lcp, ElementsAre(1, 1, 0, 0));
}

// Issue 11: the host ignores case, so `REG.IO/*` is as close to reg.io/x:1 as `reg.io/*`;
// the path and the tag keep theirs.
TEST(SpecificityTest, HostPrefixIgnoresCaseAndThePathDoesNot) {
  const std::string image = "reg.io/team/app:v1";
  EXPECT_THAT(Specificity::Measure("REG.IO/*", image).lcp, ElementsAre(6, 0));
  EXPECT_THAT(Specificity::Measure("Reg.IO*", image).lcp, ElementsAre(6));
  EXPECT_THAT(Specificity::Measure("reg.io/TEAM/*", image).lcp, ElementsAre(6, 0, 0));
  EXPECT_THAT(Specificity::Measure("*/team/app:V1", image).lcp, ElementsAre(0, 4, 4));
  EXPECT_TRUE(MoreSpecific(Specificity::Measure("REG.IO/*", image),
                           Specificity::Measure("reg.i*/*", image)));
}

// Each pair: (less specific, more specific) for kSample, from docs/policy-lua.md
// "connaisseur.default_policy".
TEST(SpecificityTest, OrdersTheWorkedExamples) {
  const std::pair<std::string, std::string> kPairs[] = {
      {"*", "*:*"},
      {"*:*", "*/*"},
      {"*/*", "docker*/*"},
      {"docker*/*", "*/*/*"},
      {"*", "*/*/*"},  // the chain is transitive
      {"*/*/image:v1", "*/sam*/*"},
      {"docker.i*/s*", "docker.io/*"},
      {"securesystemsengineering/sample:*", "securesystemsengineering/sample:v*"},
  };
  for (const auto& [less, more] : kPairs) {
    const Specificity a = Specificity::Measure(less, kSample);
    const Specificity b = Specificity::Measure(more, kSample);
    EXPECT_TRUE(MoreSpecific(b, a)) << more << " > " << less;
    EXPECT_FALSE(MoreSpecific(a, b)) << less << " !> " << more;
    EXPECT_LT(CompareSpecificity(a, b), 0) << less << " < " << more;
    EXPECT_GT(CompareSpecificity(b, a), 0) << more << " > " << less;
  }
}

TEST(SpecificityTest, EqualMetricsTie) {
  const std::string image = "docker.io/library/xy:1";
  const Specificity star = Specificity::Measure("docker.io/library/x*", image);
  const Specificity any = Specificity::Measure("docker.io/library/x?", image);
  EXPECT_EQ(CompareSpecificity(star, any), 0);
  EXPECT_FALSE(MoreSpecific(star, any));
  EXPECT_FALSE(MoreSpecific(any, star));
}

TEST(SpecificityTest, PrefixDecidesBeforeLength) {
  // Same count; component 0 has the longer common prefix in `docker*` though `d*********` is
  // longer.
  const Specificity longer = Specificity::Measure("d*********/*", kSample);
  const Specificity closer = Specificity::Measure("docker*/*", kSample);
  EXPECT_TRUE(MoreSpecific(closer, longer));
}

TEST(SpecificityTest, FirstDifferingComponentDecides) {
  // lcp (9, 1) beats (9, 0) although the second pattern is longer later on.
  const Specificity a = Specificity::Measure("docker.io/s*/x", kSample);
  const Specificity b = Specificity::Measure("docker.io/*/sample:v1", kSample);
  EXPECT_TRUE(MoreSpecific(a, b));
}

}  // namespace
}  // namespace connaisseur::matching
