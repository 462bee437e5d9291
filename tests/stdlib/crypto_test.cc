// stdlib/crypto.cc: connaisseur.crypto.sha256 and connaisseur.crypto.verify as a script sees them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/crypto/digest.h"
#include "tests/stdlib/stdlib_test_support.h"

namespace connaisseur::stdlib {
namespace {

using ::testing::HasSubstr;
using testing::StdlibTest;

using CryptoTest = StdlibTest;

TEST_F(CryptoTest, Sha256IsLowerCaseHex) {
  EXPECT_EQ(Reason("return nil, connaisseur.crypto.sha256('abc')"), crypto::Sha256Hex("abc"));
}

TEST_F(CryptoTest, VerifyAnswersFalseAndAReasonForABadKey) {
  EXPECT_EQ(Reason("local ok, why = connaisseur.crypto.verify('not a pem', 'data', 'sig', "
                   "'ecdsa') return nil, tostring(ok) .. ' ' .. type(why)"),
            "false string");
}

TEST_F(CryptoTest, VerifyRejectsAnUnknownAlgorithm) {
  EXPECT_THAT(Eval("connaisseur.crypto.verify('k', 'd', 's', 'md5')").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown signature algorithm")));
}

}  // namespace
}  // namespace connaisseur::stdlib
