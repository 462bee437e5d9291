// Canonical JSON (docker/go canonical form), RFC 3339 expiry parsing, TUF key ids, role names.
#include "validators/notaryv1/canonical_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/crypto/digest.h"
#include "tests/testing/status_matchers.h"
#include "validators/notaryv1/expiry.h"
#include "validators/notaryv1/key_set.h"
#include "validators/notaryv1/tuf_metadata.h"

namespace connaisseur::notaryv1 {
namespace {

using json = nlohmann::json;

TEST(CanonicalJsonTest, WritesTheGoCanonicalForm) {
  const std::pair<std::string, std::string> cases[] = {
      // Keys sorted bytewise (upper case before lower, UTF-8 after ASCII), no whitespace.
      {R"({ "b": 1, "a": [true, false, null], "B": {} })",
       R"({"B":{},"a":[true,false,null],"b":1})"},
      {R"({"\u00e9": 1, "z": 2})", "{\"z\":2,\"\xc3\xa9\":1}"},
      // Only " and \ escaped; control characters, <>& and UTF-8 raw.
      {R"(["q\"b\\s"])", R"(["q\"b\\s"])"},
      {R"(["\u0001\n\t"])", std::string("[\"\x01\n\t\"]")},
      {R"(["<a>&</a>"])", R"(["<a>&</a>"])"},
      {R"(["caf\u00e9 \ud83d\ude00"])", "[\"caf\xc3\xa9 \xf0\x9f\x98\x80\"]"},
      {R"([-9223372036854775808, 18446744073709551615, 0])",
       "[-9223372036854775808,18446744073709551615,0]"},
  };
  for (const auto& [in, want] : cases) {
    auto out = CanonicalJson(json::parse(in));
    ASSERT_THAT(out, IsOk()) << in;
    EXPECT_EQ(*out, want) << in;
  }
}

TEST(CanonicalJsonTest, RejectsFloats) {
  for (const char* in : {"1.5", "[1e3]", R"({"a":-0.0})"}) {
    EXPECT_THAT(CanonicalJson(json::parse(in)),
                StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("floating")))
        << in;
  }
}

TEST(KeyIdTest, IsTheSha256OfTheCanonicalPublicKey) {
  EXPECT_EQ(TufKeyId("ecdsa", "QUJD"),
            crypto::Sha256Hex(R"({"keytype":"ecdsa","keyval":{"private":null,"public":"QUJD"}})"));
}

TEST(ExpiryTest, ParsesRfc3339WithFractionsAndZones) {
  using std::chrono::sys_days;
  using namespace std::chrono_literals;
  const SystemTime base = sys_days(std::chrono::year(2030) / 1 / 2) + 3h + 4min + 5s;
  const std::pair<std::string, SystemTime> cases[] = {
      {"2030-01-02T03:04:05Z", base},
      {"2030-01-02t03:04:05z", base},
      {"2030-01-02T03:04:05.5Z", base + 500ms},
      {"2030-01-02T03:04:05.123456789Z", base + 123456us + 789ns},
      {"2030-01-02T04:04:05+01:00", base},
      {"2030-01-02T01:34:05-01:30", base},
  };
  for (const auto& [text, want] : cases) {
    auto t = ParseRfc3339(text);
    ASSERT_THAT(t, IsOk()) << text;
    EXPECT_EQ(*t, want) << text;
  }
}

TEST(ExpiryTest, ClampsTimesOutsideTheClockRangeInsteadOfOverflowing) {
  using std::chrono::sys_days;
  using namespace std::chrono_literals;
  const SystemTime now = std::chrono::system_clock::now();
  for (const char* late :
       {"2500-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2262-04-11T23:47:16Z"}) {
    auto t = ParseRfc3339(late);
    ASSERT_THAT(t, IsOk()) << late;
    EXPECT_EQ(*t, SystemTime::max()) << late;
    EXPECT_GT(*t, now) << late;
  }
  for (const char* early : {"0000-01-01T00:00:00Z", "1000-06-15T12:00:00Z"}) {
    auto t = ParseRfc3339(early);
    ASSERT_THAT(t, IsOk()) << early;
    EXPECT_EQ(*t, SystemTime::min()) << early;
  }
  // Just inside the range: exact, not clamped.
  auto edge = ParseRfc3339("2262-04-11T23:47:14Z");
  ASSERT_THAT(edge, IsOk());
  EXPECT_EQ(*edge, SystemTime(sys_days(std::chrono::year(2262) / 4 / 11) + 23h + 47min + 14s));
}

TEST(ExpiryTest, RejectsMalformedTimes) {
  for (const char* text :
       {"", "2030-01-02", "2030-01-02T03:04:05", "2030-01-02 03:04:05Z", "2030-13-02T03:04:05Z",
        "2030-02-30T03:04:05Z", "2030-01-02T24:04:05Z", "2030-01-02T03:04:05.Z",
        "2030-01-02T03:04:05.1234567891Z", "2030-01-02T03:04:05+0100", "2030-01-02T03:04:05Zjunk",
        "+2030-01-02T03:04:05Z"}) {
    EXPECT_THAT(ParseRfc3339(text), StatusIs(StatusCode::kInvalidArgument, ::testing::_)) << text;
  }
}

TEST(RoleNameTest, AcceptsOnlyNotaryRoleNames) {
  for (const char* ok :
       {"root", "snapshot", "timestamp", "targets", "targets/releases", "targets/a.b-c"}) {
    EXPECT_TRUE(IsValidRoleName(ok)) << ok;
  }
  for (const char* bad : {"", "Root", "targets/", "targets/a/b", "targets/a b", "../root",
                          "targetsx", "targets/\t"}) {
    EXPECT_FALSE(IsValidRoleName(bad)) << bad;
  }
}

}  // namespace
}  // namespace connaisseur::notaryv1
