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

// The same Lua chunk, run by stock Lua and in the sandbox, draws 6 x 100 patterns from every kind
// of item (classes, sets, captures, back-references, %b, %f, anchors, quantifiers; malformed ones
// too) with its own seeded generator, and folds the results of find and match (or "error") into
// one hash: any difference from stock Lua changes it.
TEST(LuaPatternTest, GeneratedPatternsEqualStockLua) {
  const std::string generator = R"lua(
local seed = SEED
local function pick(list)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return list[seed % #list + 1]
end
local items = {'a', 'b', '.', '%a', '%d', '%s', '[ab]', '[^a]', '[%d)]', '%b()', '%f[%a]',
               '(', ')', '()', '%1', '%2', '$', '^', '%%', '%(', 'x'}
local quantifiers = {'', '', '', '*', '+', '-', '?'}
local letters = {'a', 'b', '(', ')', '1', ' ', 'x', 'ab', '%'}
local lengths = {0, 1, 2, 3, 4, 5}
local hash, matched = 0, 0
for _ = 1, 100 do
  local p, s = {}, {}
  for i = 1, pick(lengths) + 1 do p[i] = pick(items) .. pick(quantifiers) end
  for i = 1, pick(lengths) * 2 do s[i] = pick(letters) end
  local pattern, subject = table.concat(p), table.concat(s)
  local out = {}
  for _, f in ipairs({string.find, string.match}) do
    local r = table.pack(pcall(f, subject, pattern))
    if not r[1] then
      out[#out + 1] = 'error'
    else
      for i = 2, r.n do out[#out + 1] = tostring(r[i]) end
      if r[2] ~= nil then matched = matched + 1 end
    end
  end
  for _, c in ipairs({string.byte(pattern .. '|' .. table.concat(out, ','), 1, -1)}) do
    hash = (hash * 31 + c) % 2147483647
  end
end
return hash .. ' ' .. matched
)lua";
  int matched = 0;
  for (int seed = 1; seed <= 6; ++seed) {
    std::string chunk = generator;
    chunk.replace(chunk.find("SEED"), 4, std::to_string(seed * 7919));
    lua_State* stock = luaL_newstate();
    luaL_openlibs(stock);
    ASSERT_EQ(luaL_dostring(stock, chunk.c_str()), LUA_OK) << lua_tostring(stock, -1);
    const std::string want = lua_tostring(stock, -1);
    lua_close(stock);
    auto policy = MakePolicy("local function run()\n" + chunk +
                             "\nend\nreturn { select = function() return nil, run() end }");
    ASSERT_NE(policy, nullptr);
    EXPECT_EQ(Reason(*policy), want) << "seed " << seed * 7919;
    matched += std::stoi(want.substr(want.find(' ') + 1));
  }
  // Enough of the patterns match for the comparison to mean something.
  EXPECT_GT(matched, 150);
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
