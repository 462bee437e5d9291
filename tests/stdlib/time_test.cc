// stdlib/time.cc: connaisseur.time.now and connaisseur.time.parse as a script sees them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "runtime/policy/policy.h"
#include "stdlib/stdlib.h"
#include "tests/runtime/policy/policy_test_support.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::stdlib {
namespace {

using policy::testing::Image;

// Runs `body` as select and returns the reason of its `nil, reason` answer.
StatusOr<std::string> Eval(const std::string& body) {
  const config::Config config = policy::testing::SmallConfig();
  policy::PolicyOptions options;
  options.source = "return { select = function(image, request)\n" + body + "\nend }";
  options.chunk_name = "time_test.lua";
  options.config = &config;
  options.modules = StandardModules();
  CN_ASSIGN_OR_RETURN(auto policy, policy::Policy::Create(options));
  auto rule = policy->Select(Image("nginx"), policy::PolicyRequest(),
                             Deadline::In(std::chrono::seconds(5)));
  if (rule.status().code() == StatusCode::kNotFound) return rule.status().message();
  if (!rule.ok()) return rule.status();
  return InternalError("select returned a rule");
}

int64_t SystemSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(TimeTest, NowIsTheWallClockInWholeSeconds) {
  const int64_t before = SystemSeconds();
  auto out = Eval("return nil, math.type(connaisseur.time.now()) .. ' ' .. connaisseur.time.now()");
  const int64_t after = SystemSeconds();
  ASSERT_THAT(out, IsOk());
  ASSERT_EQ(out->rfind("integer ", 0), 0u) << *out;
  const int64_t now = std::stoll(out->substr(8));
  EXPECT_GE(now, before);
  EXPECT_LE(now, after);
}

struct ParseCase {
  const char* text;
  int64_t seconds;
};

TEST(TimeTest, ParsesDatesAndRfc3339TimesToEpochSeconds) {
  const ParseCase cases[] = {
      {"1970-01-01", 0},
      {"2000-02-29", 951782400},
      {"2027-01-31", 1801353600},
      {"2027-01-31T12:30:15Z", 1801398615},
      {"2027-01-31t12:30:15z", 1801398615},
      {"2027-01-31T12:30:15.999Z", 1801398615},
      {"2027-01-31T14:30:15+02:00", 1801398615},
      {"2027-01-31T07:30:15-05:00", 1801398615},
      {"1969-12-31T23:59:59Z", -1},
      {"0000-01-01", -62167219200},
      {"9999-12-31T23:59:59Z", 253402300799},
  };
  for (const ParseCase& c : cases) {
    auto out = Eval(std::string("return nil, tostring(connaisseur.time.parse('") + c.text + "'))");
    ASSERT_THAT(out, IsOk()) << c.text;
    EXPECT_EQ(*out, std::to_string(c.seconds)) << c.text;
  }
}

TEST(TimeTest, RefusesAnythingElseWithNilAndAReason) {
  const char* cases[] = {"",
                         "2027-1-31",
                         "2027-02-29",
                         "2027-13-01",
                         "2027-00-10",
                         "2027-01-32",
                         "2027-01-31T24:00:00Z",
                         "2027-01-31T12:60:00Z",
                         "2027-01-31T12:00:60Z",
                         "2027-01-31T12:00:00",
                         "2027-01-31T12:00:00Zjunk",
                         "2027-01-31 12:00:00Z",
                         "2027-01-31T12:00:00.Z",
                         "2027-01-31T12:00:00+0200",
                         "2027-01-31junk",
                         "tomorrow",
                         "+2027-01-31",
                         "2027-01-31T12:00:00+02:00:00"};
  for (const char* text : cases) {
    auto out = Eval(std::string("local v, err = connaisseur.time.parse('") + text +
                    "') return nil, tostring(v) .. ' ' .. tostring(err)");
    ASSERT_THAT(out, IsOk()) << text;
    EXPECT_THAT(*out, ::testing::StartsWith("nil not a date")) << text;
  }
  auto long_input =
      Eval("local v = connaisseur.time.parse(('9'):rep(1000000)) return nil, tostring(v)");
  ASSERT_THAT(long_input, IsOk());
  EXPECT_EQ(*long_input, "nil");
  EXPECT_THAT(Eval("return nil, connaisseur.time.parse(1)"), IsOk())
      << "a number converts to a string, as everywhere in Lua";
  EXPECT_THAT(Eval("return nil, connaisseur.time.parse({})"),
              StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("bad argument #1")));
}

}  // namespace
}  // namespace connaisseur::stdlib
