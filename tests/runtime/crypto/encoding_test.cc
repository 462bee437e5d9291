// Base64, hex and digests: RFC 4648 / FIPS 180 vectors and strict rejection of bad input.
#include "runtime/crypto/encoding.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/crypto/digest.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::crypto {
namespace {

TEST(Base64Test, EncodesAndDecodesRfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded) << plain;
    auto decoded = Base64Decode(encoded);
    ASSERT_THAT(decoded, IsOk()) << encoded;
    EXPECT_EQ(*decoded, plain) << encoded;
  }
}

TEST(Base64Test, RejectsMalformedInput) {
  for (const char* bad : {"Zg=", "Z", "Zm9v\n", "Zm 9v", "Zm9v!", "Zh==", "====", "Zm9vY==="}) {
    EXPECT_THAT(Base64Decode(bad), StatusIs(StatusCode::kInvalidArgument, ::testing::_)) << bad;
  }
}

TEST(Base64Test, UrlAlphabetAllowsMissingPadding) {
  auto d = Base64UrlDecode("-_8");
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(*d, std::string("\xfb\xff", 2));
  EXPECT_FALSE(Base64UrlDecode("+/8").ok());
}

TEST(HexTest, RoundTripsAndRejectsBadCharacters) {
  EXPECT_EQ(HexEncode(std::string("\x00\xab\xff", 3)), "00abff");
  auto d = HexDecode("00ABff");
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(*d, std::string("\x00\xab\xff", 3));
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
}

TEST(DigestTest, MatchesFips180Vectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(OciDigest(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  auto d512 = Sha512("abc");
  EXPECT_EQ(HexEncode(std::string_view(reinterpret_cast<const char*>(d512.data()), 8)),
            "ddaf35a193617aba");
}

}  // namespace
}  // namespace connaisseur::crypto
