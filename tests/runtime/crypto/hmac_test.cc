#include "runtime/crypto/hmac.h"

#include <gtest/gtest.h>

namespace connaisseur::crypto {
namespace {

// RFC 4231 test cases 1 and 2 (HMAC-SHA-256).
TEST(HmacTest, MatchesRfc4231) {
  EXPECT_EQ(*HmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(*HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacTest, AnotherKeyOrMessageGivesAnotherTag) {
  const std::string tag = *HmacSha256Hex("key one", "message");
  EXPECT_NE(*HmacSha256Hex("key two", "message"), tag);
  EXPECT_NE(*HmacSha256Hex("key one", "messagf"), tag);
}

TEST(HmacTest, ConstantTimeEqualsComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

}  // namespace
}  // namespace connaisseur::crypto
