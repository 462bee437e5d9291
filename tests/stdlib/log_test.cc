// stdlib/log.cc: connaisseur.log lines are tagged as the policy's and capped per call.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/stdlib/stdlib_test_support.h"

namespace connaisseur::stdlib {
namespace {

using testing::StdlibTest;

using LogTest = StdlibTest;

TEST_F(LogTest, LinesAreTaggedAndCappedPerCall) {
  ASSERT_THAT(Eval("for i = 1, 500 do connaisseur.log.info('hello', {n = i}) end "
                   "return nil, 'x'"),
              IsOk());
  ASSERT_EQ(logger_.lines.size(), sandbox::NativeContext::kMaxLogLinesPerCall);
  EXPECT_EQ(logger_.lines[0].msg, "hello");
  EXPECT_EQ(logger_.lines[0].fields["source"], "policy");
  EXPECT_EQ(logger_.lines[0].fields["n"], 1);
}

// Shared tables used to unfold exponentially when a log line's fields were converted.
TEST_F(LogTest, FieldsWithSharedTablesAreBounded) {
  EXPECT_EQ(Reason("local t = {} for i = 1, 40 do t = {t, t} end "
                   "connaisseur.log.info('shared', {t = t}) return nil, 'logged'"),
            "logged");
}

}  // namespace
}  // namespace connaisseur::stdlib
