// runtime/sandbox/lua_pattern: the string library's patterns, run by a policy in the sandbox,
// give stock Lua's results, and malformed patterns raise.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <lua.hpp>
#include <string>

#include "runtime/policy/policy.h"
#include "tests/runtime/policy/policy_test_support.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::sandbox {
namespace {

using policy::PolicyRequest;
using policy::testing::Image;
using policy::testing::MakePolicy;
using policy::testing::Reason;
using ::testing::HasSubstr;

constexpr const char* kShow =
    "local function show(...) local t = table.pack(...) local out = {} "
    "for i = 1, t.n do out[i] = tostring(t[i]) end return table.concat(out, ',') end\n";

TEST(LuaPatternTest, ResultsEqualStockLua) {
  const char* exprs[] = {
      "string.find('hello world', 'o w')",
      "string.find('hello world', 'l+')",
      "string.find('hello', 'l', -2)",
      "string.find('hello', 'xyz', 10)",
      "string.find('a.b', '.', 1, true)",
      "string.find('abc', '')",
      "string.match('key = value', '(%w+)%s*=%s*(%w+)')",
      "string.match('  trim  ', '^%s*(.-)%s*$')",
      "string.match('v1.22.3', '^v(%d+)%.(%d+)')",
      "string.match('hello', '()ll()')",
      "string.match('THE (quick) fox', '%((%a+)%)')",
      "string.match('f(a(b)c)d', '%b()')",
      "string.match('THE (quick) fox', '%f[%a]%a+', 5)",
      "string.match('abcabc', '(abc)%1')",
      "string.find('ab', '()a%1')",  // a back-reference to a position capture never matches
      "string.match('[x]', '[]x[]+')",
      "string.match('a-b', '[a%-]+')",
      "string.match('aaab', 'a-b')",
      "string.match('aaab', 'a?a?b')",
      "string.match('x$y', '$y')",
      "string.match('caf\\195\\169', '[\\128-\\255]+')",
      "string.gsub('hello world', 'o', '0')",
      "string.gsub('hello world', '(%w+)', '<%1>')",
      "string.gsub('abc', '%w', '%0%0', 2)",
      "string.gsub('abc', '', '-')",
      "string.gsub('hello', 'l', {l = 'L'})",
      "string.gsub('$name is $age', '%$(%w+)', {name = 'bob', age = 42})",
      "string.gsub('abc', '.', function(c) return c:upper() end)",
      "string.gsub('abc', '^a', 'x')",
      "(function() local r = {} for k, v in ('a=1, b=2'):gmatch('(%w+)=(%w+)') do "
      "r[#r + 1] = k .. v end return table.concat(r, ';') end)()",
      "(function() local r = {} for w in ('one two  three'):gmatch('%a*') do "
      "r[#r + 1] = '[' .. w .. ']' end return table.concat(r) end)()",
      "string.rep('ab', 3, ',')",
      "string.rep('x', 0)",
  };
  lua_State* stock = luaL_newstate();  // the reference: stock Lua, outside any sandbox
  luaL_openlibs(stock);
  for (const char* expr : exprs) {
    const std::string chunk = std::string(kShow) + "return show(" + expr + ")";
    ASSERT_EQ(luaL_dostring(stock, chunk.c_str()), LUA_OK) << expr << lua_tostring(stock, -1);
    const std::string want = lua_tostring(stock, -1);
    lua_settop(stock, 0);
    auto policy = MakePolicy(std::string(kShow) + "return { select = function() return nil, show(" +
                             expr + ") end }");
    ASSERT_NE(policy, nullptr);
    EXPECT_EQ(Reason(*policy), want) << expr;
  }
  lua_close(stock);
}

TEST(LuaPatternTest, MalformedPatternsRaise) {
  const char* bad[] = {"('x'):find('%')",   "('x'):find('[a')", "('x'):match('(()')",
                       "('x'):match('%1')", "('x'):find('%f')", "('x'):gsub('x', '%2')"};
  for (const char* expr : bad) {
    auto policy = MakePolicy(std::string("return { select = function() return ") + expr + " end }");
    ASSERT_NE(policy, nullptr);
    auto rule = policy->Select(Image("nginx"), PolicyRequest(), Deadline::Infinite());
    EXPECT_THAT(rule, StatusIs(StatusCode::kInvalidArgument, HasSubstr("test.lua:1:"))) << expr;
  }
}

}  // namespace
}  // namespace connaisseur::sandbox
