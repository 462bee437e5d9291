// Covers validators/static: approve=true allows (passing a pinned digest through), approve=false
// denies, whatever the image.
#include "validators/static/static_validator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/testing/status_matchers.h"

namespace connaisseur::validators {
namespace {

using ::testing::HasSubstr;

constexpr char kDigest[] =
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

image::ImageReference Parse(const std::string& raw) {
  auto ref = image::ImageReference::Parse(raw);
  EXPECT_TRUE(ref.ok()) << raw << ": " << ref.status().ToString();
  return std::move(ref).value();
}

TEST(StaticValidatorTest, ApprovingValidatorAllowsEveryImageAndPassesPinnedDigestsThrough) {
  const struct {
    std::string raw;
    std::string digest;
  } cases[] = {
      {"nginx", ""},
      {"registry.io:5000/team/app:1.2", ""},
      {std::string("nginx@") + kDigest, kDigest},
      {std::string("nginx:1.25@") + kDigest, kDigest},
  };
  StaticValidator validator(/*approve=*/true);
  for (const auto& c : cases) {
    auto result = validator.Verify(Parse(c.raw), config::RuleOptions{}, Deadline::Infinite());
    ASSERT_THAT(result.status(), IsOk()) << c.raw;
    EXPECT_EQ(result->digest, c.digest) << c.raw;
  }
}

TEST(StaticValidatorTest, DenyingValidatorDeniesEveryImage) {
  StaticValidator validator(/*approve=*/false);
  for (const std::string& raw : std::vector<std::string>{"nginx", std::string("nginx@") + kDigest,
                                                         std::string("a.io/b/c:d")}) {
    EXPECT_THAT(validator.Verify(Parse(raw), config::RuleOptions{}, Deadline::Infinite()).status(),
                StatusIs(StatusCode::kVerificationFailed, HasSubstr("static deny")))
        << raw;
  }
}

TEST(StaticValidatorTest, ReportsItsType) {
  EXPECT_EQ(StaticValidator(true).type(), config::ValidatorType::kStatic);
}

}  // namespace
}  // namespace connaisseur::validators
