// Join: separators go between items only, every item counts (an empty one too).
#include "runtime/join.h"

#include <gtest/gtest.h>

namespace connaisseur {
namespace {

TEST(JoinTest, NoItemsIsEmpty) { EXPECT_EQ(Join({}), ""); }

TEST(JoinTest, OneItemHasNoSeparator) { EXPECT_EQ(Join({"a"}), "a"); }

TEST(JoinTest, DefaultSeparatorIsCommaSpace) { EXPECT_EQ(Join({"a", "b", "c"}), "a, b, c"); }

TEST(JoinTest, TakesAnySeparator) { EXPECT_EQ(Join({"a", "b"}, "; "), "a; b"); }

TEST(JoinTest, EmptyItemsKeepTheirSeparators) { EXPECT_EQ(Join({"", "b", ""}, "|"), "|b|"); }

}  // namespace
}  // namespace connaisseur
