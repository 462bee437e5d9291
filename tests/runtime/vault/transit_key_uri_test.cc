// TransitKeyUri: the `hashivault://KEYNAME` names cosign accepts, and the malformed ones that
// must be refused before their name reaches a URL path.
#include "runtime/vault/transit_key_uri.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace connaisseur::vault {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(TransitKeyUriTest, ParsesTheNamesCosignAccepts) {
  for (const std::string name : {"cosign", "k", "_", "team-a.cosign_1", "A9", "x.y-z"}) {
    auto parsed = ParseTransitKeyUri("hashivault://" + name);
    ASSERT_THAT(parsed, IsOk()) << name;
    EXPECT_EQ(parsed->key_name, name);
  }
  EXPECT_TRUE(IsTransitKeyUri("hashivault://cosign"));
  EXPECT_FALSE(IsTransitKeyUri("awskms:///alias/cosign"));
}

TEST(TransitKeyUriTest, RefusesNamesThatAreNotAKeyName) {
  const std::string refused[] = {
      "hashivault://",                     // no name
      "hashivault:///cosign",              // a path
      "hashivault://transit/keys/cosign",  // a mount in the name
      "hashivault://../sys/seal",          // escapes the keys path
      "hashivault://-cosign",              // must begin with a word character
      "hashivault://cosign.",              // and end with one
      "hashivault://cos ign",              // spaces
      "hashivault://cosign?x=1",           // a query
      "hashivault://cosign#frag",          // a fragment
      "hashivault://cos%2Fign",            // an escape
      "hashivault://cosign\n",             // a control character
      "hashivault://cos\x01ign",           // another
      "hashivault://k\xc3\xa9y",           // non-ASCII
      "hashivault:cosign",                 // not the scheme
      "HASHIVAULT://cosign",               // cosign's scheme is lower-case
      "hashivault://" + std::string(300, 'k'),
  };
  for (const std::string& uri : refused) {
    auto parsed = ParseTransitKeyUri(uri);
    EXPECT_THAT(parsed,
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected hashivault://KEYNAME")))
        << uri;
  }
}

TEST(TransitKeyUriTest, MessagesEscapeControlCharacters) {
  auto parsed = ParseTransitKeyUri("hashivault://a\nb\x1b[31m");
  ASSERT_THAT(parsed, Not(IsOk()));
  EXPECT_THAT(parsed.status().message(), HasSubstr("a\\x0ab\\x1b[31m"));
  EXPECT_EQ(parsed.status().message().find('\n'), std::string::npos);
  EXPECT_EQ(parsed.status().message().find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace connaisseur::vault
