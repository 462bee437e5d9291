// stdlib/default_policy.cc: connaisseur.default_policy(), the compiled-in scripts/default.lua
// (its behaviour is tested in tests/scripts/default_policy_test.cc).
#include <gtest/gtest.h>

#include "tests/stdlib/stdlib_test_support.h"

namespace connaisseur::stdlib {
namespace {

using testing::StdlibTest;

using DefaultPolicyTest = StdlibTest;

TEST_F(DefaultPolicyTest, ReturnsTheSameTableWithASelectFunction) {
  EXPECT_EQ(Reason("local d = connaisseur.default_policy() return nil, type(d.select) .. ' ' .. "
                   "tostring(d == connaisseur.default_policy())"),
            "function true");
}

TEST_F(DefaultPolicyTest, TheTableIsReadOnly) {
  EXPECT_EQ(Reason("local ok = pcall(function() connaisseur.default_policy().select = nil end) "
                   "return nil, tostring(ok)"),
            "false");
}

}  // namespace
}  // namespace connaisseur::stdlib
