// Status / StatusOr: codes, messages and the early-return macros.
#include "runtime/status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace connaisseur {
namespace {

using ::testing::HasSubstr;

StatusOr<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd: " + std::to_string(x));
  return x / 2;
}

StatusOr<int> Quarter(int x) {
  CN_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(StatusTest, DefaultIsOk) { EXPECT_TRUE(Status().ok()); }

TEST(StatusTest, PrefixKeepsCode) {
  Status s = NotFoundError("tag v1").WithPrefix("targets.json");
  EXPECT_THAT(s, StatusIs(StatusCode::kNotFound, "targets.json: tag v1"));
}

TEST(StatusTest, AssignOrReturnPropagatesTheFirstFailure) {
  EXPECT_EQ(Quarter(8).value(), 2);
  EXPECT_THAT(Quarter(6), StatusIs(StatusCode::kInvalidArgument, HasSubstr("odd: 3")));
  EXPECT_THAT(Quarter(5), StatusIs(StatusCode::kInvalidArgument, HasSubstr("odd: 5")));
}

}  // namespace
}  // namespace connaisseur
