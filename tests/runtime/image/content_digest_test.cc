// IsSha256Digest: exactly "sha256:" and 64 lower-case hex digits; anything else is refused.
#include "runtime/image/content_digest.h"

#include <gtest/gtest.h>

#include <string>

namespace connaisseur::image {
namespace {

const std::string kHex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(ContentDigestTest, AcceptsSha256WithLowerCaseHex) {
  EXPECT_TRUE(IsSha256Digest("sha256:" + kHex));
}

TEST(ContentDigestTest, RefusesUpperCaseHex) {
  EXPECT_FALSE(IsSha256Digest("sha256:" + std::string(64, 'A')));
}

TEST(ContentDigestTest, RefusesNonHexDigits) {
  EXPECT_FALSE(IsSha256Digest("sha256:" + std::string(63, 'a') + "g"));
}

TEST(ContentDigestTest, RefusesOneDigitTooFewOrTooMany) {
  EXPECT_FALSE(IsSha256Digest("sha256:" + kHex.substr(1)));
  EXPECT_FALSE(IsSha256Digest("sha256:" + kHex + "0"));
}

TEST(ContentDigestTest, RefusesOtherAlgorithms) {
  EXPECT_FALSE(IsSha256Digest("sha512:" + kHex));
  EXPECT_FALSE(IsSha256Digest("SHA256:" + kHex));
}

TEST(ContentDigestTest, RefusesTheEmptyStringAndABarePrefix) {
  EXPECT_FALSE(IsSha256Digest(""));
  EXPECT_FALSE(IsSha256Digest("sha256:"));
  EXPECT_FALSE(IsSha256Digest(kHex));
}

TEST(ContentDigestTest, RefusesAHiddenTrailingNul) {
  std::string digest = "sha256:" + kHex.substr(1);
  digest.push_back('\0');
  EXPECT_FALSE(IsSha256Digest(digest));
}

}  // namespace
}  // namespace connaisseur::image
