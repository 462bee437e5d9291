// KmsKeyUri: every `awskms://` form cosign accepts, and the malformed ones it must refuse.
#include "runtime/aws/kms_key_uri.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace connaisseur::aws {
namespace {

using ::testing::HasSubstr;

struct Accepted {
  std::string uri;
  KmsKeyUri want;
};

TEST(KmsKeyUriTest, ParsesEveryFormCosignAccepts) {
  const std::string id = "1234abcd-12ab-34cd-56ef-1234567890ab";
  const std::string arn = "arn:aws:kms:us-east-2:111122223333:";
  const Accepted cases[] = {
      {"awskms:///" + id, {"", id, "", "", ""}},
      {"awskms://localhost:4566/" + id, {"localhost:4566", id, "", "", ""}},
      {"awskms:///1234ABCD12AB34CD56EF1234567890AB",
       {"", "1234ABCD12AB34CD56EF1234567890AB", "", "", ""}},
      {"awskms:///mrk-1234abcd12ab34cd56ef1234567890ab",
       {"", "mrk-1234abcd12ab34cd56ef1234567890ab", "", "", ""}},
      {"awskms:///" + arn + "key/" + id, {"", arn + "key/" + id, "", "us-east-2", "aws"}},
      {"awskms://kms.example:443/" + arn + "key/" + id,
       {"kms.example:443", arn + "key/" + id, "", "us-east-2", "aws"}},
      {"awskms:///arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/" + id,
       {"", "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/" + id, "", "us-gov-west-1",
        "aws-us-gov"}},
      {"awskms:///alias/ExampleAlias", {"", "alias/ExampleAlias", "alias/ExampleAlias", "", ""}},
      {"awskms://localhost:4566/alias/team/cosign-key",
       {"localhost:4566", "alias/team/cosign-key", "alias/team/cosign-key", "", ""}},
      {"awskms:///" + arn + "alias/cosign-key",
       {"", arn + "alias/cosign-key", "alias/cosign-key", "us-east-2", "aws"}},
      {"awskms://[::1]:8443/alias/k", {"[::1]:8443", "alias/k", "alias/k", "", ""}},
  };
  for (const auto& c : cases) {
    auto parsed = ParseKmsKeyUri(c.uri);
    ASSERT_THAT(parsed, IsOk()) << c.uri;
    EXPECT_EQ(parsed->endpoint, c.want.endpoint) << c.uri;
    EXPECT_EQ(parsed->key_id, c.want.key_id) << c.uri;
    EXPECT_EQ(parsed->alias, c.want.alias) << c.uri;
    EXPECT_EQ(parsed->region, c.want.region) << c.uri;
    EXPECT_EQ(parsed->partition, c.want.partition) << c.uri;
    EXPECT_TRUE(IsAwsKmsUri(c.uri)) << c.uri;
  }
}

TEST(KmsKeyUriTest, RefusesMalformedReferences) {
  const std::string id = "1234abcd-12ab-34cd-56ef-1234567890ab";
  const std::string cases[] = {
      "",
      "awskms://",
      "awskms:///",
      "awskms://host",                                    // no key at all
      "awskms:" + id,                                     // not a URI
      "gcpkms:///" + id,                                  // another scheme
      "AWSKMS:///" + id,                                  // the scheme is case-sensitive in cosign
      "awskms:///1234abcd-12ab-34cd-56ef-1234567890a",    // 11 hex in the last group
      "awskms:///1234abcd-12ab-34cd-56ef-1234567890abc",  // 13
      "awskms:///1234abcg-12ab-34cd-56ef-1234567890ab",   // not hex
      "awskms:///" + id + "\n",                           // trailing garbage
      "awskms:///" + id + "/",
      "awskms:///km-" + id,    // "mrk" letters out of order
      "awskms:///key/" + id,   // key/ without an ARN
      "awskms:///alias/",      // empty alias name
      "awskms:///alias/a\nb",  // control character in the alias
      "awskms:///alias",
      "awskms:///arn:aws:kms:us-east-2:111122223333:key/not-a-uuid",
      "awskms:///arn:aws-cn:kms:cn-north-1:111122223333:key/" + id,  // partition cosign refuses
      "awskms:///arn:aws:kms:US-EAST-2:111122223333:key/" + id,      // upper-case region
      "awskms:///arn:aws:kms::111122223333:key/" + id,               // empty region
      "awskms:///arn:aws:kms:us-east-2:11112222333:key/" + id,       // 11-digit account
      "awskms:///arn:aws:kms:us-east-2:1111222233334:key/" + id,     // 13-digit account
      "awskms:///arn:aws:s3:us-east-2:111122223333:key/" + id,       // not kms
      "awskms:///arn:aws:kms:us-east-2:111122223333:alias/",
      "awskms://user:secret@host/" + id,  // userinfo is not an endpoint
      "awskms://host?x=1/" + id,
      "awskms://ho st/" + id,
      "awskms://host#frag/" + id,
      "awskms://h%2fst/" + id,
  };
  for (const auto& uri : cases) {
    EXPECT_THAT(ParseKmsKeyUri(uri),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid awskms key reference")))
        << uri;
  }
}

TEST(KmsKeyUriTest, ErrorQuotesTheInputEscapedAndShortened) {
  const std::string long_alias = "awskms://bad host/" + std::string(1000, 'a');
  auto parsed = ParseKmsKeyUri(long_alias);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("\"awskms://bad host/aaa"));
  EXPECT_THAT(parsed.status().message(), HasSubstr("\"..."));
  EXPECT_LT(parsed.status().message().size(), 500u);
  EXPECT_THAT(ParseKmsKeyUri("awskms:///\x01\"").status().message(),
              HasSubstr("\"awskms:///\\x01\\\"\""));
}

TEST(KmsKeyUriTest, RecognisesTheSchemeOnly) {
  EXPECT_TRUE(IsAwsKmsUri("awskms://anything"));
  EXPECT_FALSE(IsAwsKmsUri("gcpkms://projects/p"));
  EXPECT_FALSE(IsAwsKmsUri("-----BEGIN PUBLIC KEY-----"));
}

}  // namespace
}  // namespace connaisseur::aws
