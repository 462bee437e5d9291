// URL helpers: escaping, query building, scheme extraction.
#include "runtime/net/url.h"

#include <gtest/gtest.h>

namespace connaisseur::net {
namespace {

TEST(UrlTest, EscapesEverythingButUnreservedCharacters) {
  const std::pair<std::string, std::string> cases[] = {
      {"abcXYZ019-._~", "abcXYZ019-._~"},
      {"repository:library/alpine:pull", "repository%3Alibrary%2Falpine%3Apull"},
      {"a b&c=d?", "a%20b%26c%3Dd%3F"},
      {"\xc3\xa9", "%C3%A9"},
      {"", ""},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(UrlEscape(in), want) << in;
}

TEST(UrlTest, AppendsQueryWithTheRightSeparator) {
  EXPECT_EQ(AppendQuery("https://a/token", {{"service", "s p"}, {"scope", "x:y"}}),
            "https://a/token?service=s%20p&scope=x%3Ay");
  EXPECT_EQ(AppendQuery("https://a/token?x=1", {{"k", "v"}}), "https://a/token?x=1&k=v");
  EXPECT_EQ(AppendQuery("https://a/token", {}), "https://a/token");
}

TEST(UrlTest, ExtractsTheSchemeInLowerCase) {
  const std::pair<std::string, std::string> cases[] = {
      {"https://a", "https"}, {"HTTP://a", "http"}, {"a.example.com/x", ""},
      {"://x", ""},           {"ht tp://x", ""},    {"file:///etc", "file"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(UrlScheme(in), want) << in;
}

}  // namespace
}  // namespace connaisseur::net
