// stdlib/config.cc: connaisseur.config, the loaded configuration, read-only.
#include <gtest/gtest.h>

#include "tests/stdlib/stdlib_test_support.h"

namespace connaisseur::stdlib {
namespace {

using testing::StdlibTest;

using ConfigTest = StdlibTest;

TEST_F(ConfigTest, ShowsValidatorsAndPolicy) {
  EXPECT_EQ(Reason("return nil, connaisseur.config.validators.other.type .. ' ' .. "
                   "connaisseur.config.policy[2].pattern"),
            "static docker.io/library/*:*");
}

TEST_F(ConfigTest, IsReadOnly) {
  EXPECT_EQ(Reason("local ok = pcall(function() connaisseur.config.features = {} end) "
                   "return nil, tostring(ok)"),
            "false");
}

}  // namespace
}  // namespace connaisseur::stdlib
