// stdlib/base64.cc: connaisseur.base64.encode and decode as a script sees them.
#include <gtest/gtest.h>

#include "tests/stdlib/stdlib_test_support.h"

namespace connaisseur::stdlib {
namespace {

using testing::StdlibTest;

using Base64Test = StdlibTest;

TEST_F(Base64Test, EncodesAndDecodes) {
  EXPECT_EQ(Reason("local b = connaisseur.base64 "
                   "return nil, b.encode('hello') .. ' ' .. b.decode('aGVsbG8=')"),
            "aGVsbG8= hello");
}

TEST_F(Base64Test, DecodeAnswersNilAndAReasonForInvalidInput) {
  EXPECT_EQ(Reason("local v, err = connaisseur.base64.decode('!!!') "
                   "return nil, tostring(v) .. ' ' .. type(err)"),
            "nil string");
}

}  // namespace
}  // namespace connaisseur::stdlib
