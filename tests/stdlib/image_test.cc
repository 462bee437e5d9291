// stdlib/image.cc: connaisseur.image.parse as a script sees it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/stdlib/stdlib_test_support.h"

namespace connaisseur::stdlib {
namespace {

using ::testing::HasSubstr;
using testing::StdlibTest;

using ImageTest = StdlibTest;

TEST_F(ImageTest, ParseReturnsTheImageView) {
  EXPECT_EQ(Reason("local i = connaisseur.image.parse('reg.io:5000/a/b:v1') "
                   "return nil, i.registry .. '|' .. i.repository .. '|' .. i.name .. '|' .. "
                   "i.tag .. '|' .. i.normalized .. '|' .. tostring(i.digest)"),
            "reg.io:5000|a/b|reg.io:5000/a/b|v1|reg.io:5000/a/b:v1|nil");
}

TEST_F(ImageTest, ParseAnswersNilAndTheReasonForAnInvalidReference) {
  EXPECT_EQ(Reason("local i, err = connaisseur.image.parse('Invalid,Image') return nil, "
                   "tostring(i) .. ' ' .. "
                   "tostring(err:find('invalid image reference', 1, true) ~= nil)"),
            "nil true");
}

TEST_F(ImageTest, ParseRefusesOversizedInput) {
  EXPECT_THAT(Eval("connaisseur.image.parse(('a'):rep(5 * 1024 * 1024))").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("input too large")));
}

TEST_F(ImageTest, TheModuleIsReadOnly) {
  EXPECT_THAT(Eval("connaisseur.image.parse = nil").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("read-only")));
}

}  // namespace
}  // namespace connaisseur::stdlib
