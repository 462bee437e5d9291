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

TEST(UrlTest, TakesTheOriginOfAnAbsoluteUrl) {
  EXPECT_EQ(UrlOrigin("HTTPS://Registry.Example:5000/v2/a?x=1"), "https://registry.example:5000");
  EXPECT_EQ(UrlOrigin("https://host?q"), "https://host");
  EXPECT_EQ(UrlOrigin("https://"), "");
  EXPECT_EQ(UrlOrigin("/v2/a"), "");
}

TEST(UrlTest, ResolvesARedirectLocationAgainstTheRequestUrl) {
  const std::string base = "https://reg.example/v2/a/blobs/sha256:1";
  EXPECT_EQ(ResolveLocation(base, "https://cdn.example/o?sig=1"), "https://cdn.example/o?sig=1");
  EXPECT_EQ(ResolveLocation(base, "//cdn.example/o"), "https://cdn.example/o");
  EXPECT_EQ(ResolveLocation(base, "/v2/a/blobs/x"), "https://reg.example/v2/a/blobs/x");
  EXPECT_EQ(ResolveLocation(base, "x"), "");
  EXPECT_EQ(ResolveLocation("no-scheme", "/x"), "");
}

}  // namespace
}  // namespace connaisseur::net
