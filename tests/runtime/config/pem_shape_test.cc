// Tests the PEM armour checks applied to keys and certificates at load time.
#include "runtime/config/pem_shape.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace connaisseur::config {
namespace {

using ::testing::HasSubstr;

const std::string kBody = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\nOXYta5TgdCwX==\n";
const std::string kKeyPem = "-----BEGIN PUBLIC KEY-----\n" + kBody + "-----END PUBLIC KEY-----\n";
const std::string kCertPem =
    "-----BEGIN CERTIFICATE-----\n" + kBody + "-----END CERTIFICATE-----\n";

TEST(PemShapeTest, AcceptsOneKeyBlockWithSurroundingWhitespace) {
  for (const std::string& text :
       {kKeyPem, "\n  " + kKeyPem + "\n\n", kKeyPem.substr(0, kKeyPem.size() - 1),
        std::string("-----BEGIN PUBLIC KEY-----\r\nAAAA\r\n-----END PUBLIC KEY-----\r\n")}) {
    EXPECT_THAT(CheckPublicKeyPem(text), IsOk()) << text;
  }
}

TEST(PemShapeTest, RejectsMalformedKeys) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "is empty"},
      {"   \n", "is empty"},
      {kBody, "is not PEM"},
      {"garbage\n" + kKeyPem, "extraneous characters before"},
      {kKeyPem + "garbage", "extraneous characters after"},
      {kKeyPem + kKeyPem, "more than one PEM block"},
      {kCertPem, "found a different PEM block"},
      {"-----BEGIN PUBLIC KEY-----\n" + kBody, "no -----END PUBLIC KEY----- line"},
      {"-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n", "not base64"},
      {"-----BEGIN PUBLIC KEY-----\nAB!D\n-----END PUBLIC KEY-----\n", "not base64"},
      {"-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n",
       "different PEM block"},
  };
  for (const auto& [text, expected] : cases) {
    EXPECT_THAT(CheckPublicKeyPem(text),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(expected)))
        << text;
  }
}

TEST(PemShapeTest, AcceptsCertificateBundles) {
  for (const std::string& text : {kCertPem, kCertPem + "\n" + kCertPem, " " + kCertPem}) {
    EXPECT_THAT(CheckCertificatePem(text), IsOk()) << text;
  }
  for (const std::string& text :
       {std::string("nope"), kKeyPem, kCertPem + "trailing", std::string()}) {
    EXPECT_THAT(CheckCertificatePem(text), StatusIs(StatusCode::kInvalidArgument, ::testing::_))
        << text;
  }
}

}  // namespace
}  // namespace connaisseur::config
