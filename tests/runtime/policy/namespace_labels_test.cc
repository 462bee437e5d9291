// runtime/policy/namespace_labels: the --namespace-labels syntax (accepting and rejecting tables)
// and the fixed and failing fetches the CLI commands use.
#include "runtime/policy/namespace_labels.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace connaisseur::policy {
namespace {

using ::testing::HasSubstr;

TEST(NamespaceLabelsTest, ParsesKeyValueLists) {
  struct Case {
    const char* text;
    nlohmann::json want;
  };
  const Case cases[] = {
      {"", nlohmann::json::object()},
      {"env=prod", {{"env", "prod"}}},
      {"env=prod,connaisseur/pin-digests=true",
       {{"env", "prod"}, {"connaisseur/pin-digests", "true"}}},
      {"example.com/team=a_b-c.d", {{"example.com/team", "a_b-c.d"}}},
      {"empty=", {{"empty", ""}}},
  };
  for (const Case& c : cases) {
    auto labels = ParseNamespaceLabels(c.text);
    ASSERT_THAT(labels, IsOk()) << c.text;
    EXPECT_EQ(*labels, c.want) << c.text;
  }
}

TEST(NamespaceLabelsTest, RefusesWhatIsNotAListOfLabels) {
  const char* cases[] = {"env",      "=prod",     "env=prod,,team=a", "env=pr od",
                         "env=a=b",  "e nv=prod", "env=prod,env=dev", "env=\xc3\xa9",
                         ",env=prod"};
  for (const char* text : cases) {
    EXPECT_THAT(ParseNamespaceLabels(text),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("label")))
        << text;
  }
  EXPECT_THAT(ParseNamespaceLabels("v=" + std::string(64, 'a')),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("label")));
}

TEST(NamespaceLabelsTest, FixedLabelsAnswerEveryNamespaceAndNoLabelsSayWhy) {
  auto fixed = FixedNamespaceLabels({{"env", "prod"}});
  auto labels = fixed("any", Deadline::Infinite());
  ASSERT_THAT(labels, IsOk());
  ASSERT_NE(*labels, nullptr);
  EXPECT_EQ(**labels, nlohmann::json({{"env", "prod"}}));
  EXPECT_THAT(NoNamespaceLabels("no cluster here")("any", Deadline::Infinite()),
              StatusIs(StatusCode::kUnavailable, HasSubstr("no cluster here")));
}

}  // namespace
}  // namespace connaisseur::policy
