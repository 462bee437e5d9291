// runtime/sandbox: pattern results equal stock Lua's, RAII inside raising natives, sealed
// globals, request views that die with their call, admit, and the PolicyPool.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <lua.hpp>
#include <string>

#include "runtime/sandbox/policy.h"
#include "runtime/sandbox/policy_pool.h"
#include "tests/runtime/sandbox/policy_test_support.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::sandbox {
namespace {

using ::testing::HasSubstr;
using testing::Image;
using testing::SmallConfig;

const config::Config& TestConfig() {
  static const config::Config config = SmallConfig();
  return config;
}

std::unique_ptr<Policy> MakePolicy(const std::string& source,
                                   std::vector<ModuleOpener> modules = {}) {
  PolicyOptions options;
  options.source = source;
  options.chunk_name = "test.lua";
  options.config = &TestConfig();
  options.modules = std::move(modules);
  auto policy = Policy::Create(options);
  EXPECT_THAT(policy, IsOk()) << source;
  return policy.ok() ? std::move(policy).value() : nullptr;
}

// select's `nil, reason` answer.
std::string Reason(Policy& policy, const PolicyRequest& request = PolicyRequest()) {
  auto rule = policy.Select(Image("nginx"), request, Deadline::In(std::chrono::seconds(5)));
  if (rule.status().code() == StatusCode::kNotFound) return rule.status().message();
  return "unexpected: " + rule.status().ToString();
}

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

// A native that raises with a C++ object alive: the C++ build of Lua must run its destructor.
int destroyed_guards = 0;
struct Guard {
  ~Guard() { destroyed_guards++; }
};
int RaiseWithGuard(lua_State* L) {
  Guard guard;
  return luaL_error(L, "raised with a guard alive");
}
void OpenRaiser(lua_State* L) {
  lua_pushcfunction(L, RaiseWithGuard);
  lua_setfield(L, -2, "raise");
}

TEST(SandboxTest, RaisingNativeRunsDestructorsOfItsObjects) {
  auto policy = MakePolicy("return { select = function() connaisseur.raise() end }", {OpenRaiser});
  ASSERT_NE(policy, nullptr);
  destroyed_guards = 0;
  auto rule = policy->Select(Image("nginx"), PolicyRequest(), Deadline::Infinite());
  EXPECT_THAT(rule, StatusIs(StatusCode::kInvalidArgument, HasSubstr("raised with a guard")));
  EXPECT_EQ(destroyed_guards, 1);
}

TEST(SandboxTest, GlobalsAreSealedAfterTheTopLevelAndHostTablesStayIntact) {
  auto policy = MakePolicy(
      "function helper() return 'helped' end\n"
      "local calls = 0\n"
      "return { select = function(image, request)\n"
      "  calls = calls + 1\n"
      "  if calls == 1 then pcall(function() string.upper = nil end) helper = nil end\n"
      "  return nil, helper() .. ' ' .. string.upper('x') .. ' ' .. calls\n"
      "end }");
  ASSERT_NE(policy, nullptr);
  EXPECT_THAT(Reason(*policy), HasSubstr("assignment to global 'helper'"));
  EXPECT_EQ(Reason(*policy), "helped X 2");
}

TEST(SandboxTest, RequestFieldsAreReadLazilyAndDieWithTheirCall) {
  const nlohmann::json admission = {
      {"userInfo", {{"username", "alice"}, {"groups", {"dev", "ops"}}}},
      {"object", {{"metadata", {{"labels", {{"app", "web"}}}}}, {"spec", {{"replicas", 3}}}}}};
  PolicyRequest request;
  request.namespace_name = "payments";
  request.kind = "Deployment";
  request.admission_request = &admission;
  auto policy = MakePolicy(
      "local saved\n"
      "return { select = function(image, request)\n"
      "  if saved then return nil, tostring(pcall(function() return saved.kind end)) end\n"
      "  saved = request\n"
      "  local groups = {}\n"
      "  for i, g in ipairs(request.user.groups) do groups[i] = g end\n"
      "  return nil, table.concat({request.kind, request.namespace, request.user.username,\n"
      "    table.concat(groups, '+'), request.labels.app, request.object.spec.replicas,\n"
      "    #request.user.groups, tostring(request.dry_run)}, ' ')\n"
      "end }");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(Reason(*policy, request), "Deployment payments alice dev+ops web 3 2 false");
  EXPECT_EQ(Reason(*policy, request), "false");  // the saved request is dead
}

TEST(SandboxTest, AdmitDecidesAndIsCheckedFieldByField) {
  const ImageResult results[] = {{"nginx", std::nullopt, true, "", "ok"},
                                 {"redis", std::nullopt, false, "", "unsigned"}};
  struct Case {
    const char* admit;
    bool ok;
    bool allowed;
    const char* message;
  };
  const Case cases[] = {
      {"function(req, res) return {allowed = true, message = #res .. res[2].reason} end", true,
       true, "2unsigned"},
      {"function(req, res) return {allowed = false, warnings = {'w1'}} end", true, false, ""},
      {"function() return {allowed = 'yes'} end", false, false, "'allowed' must be a boolean"},
      {"function() return {allowed = true, warnings = {1}} end", false, false, "warnings"},
      {"function() return 5 end", false, false, "malformed decision"},
      {"function(req, res) res[1].allowed = true end", false, false, "read-only"},
  };
  for (const Case& c : cases) {
    auto policy =
        MakePolicy(std::string("return { select = function() end, admit = ") + c.admit + " }");
    ASSERT_NE(policy, nullptr);
    auto d = policy->Admit(PolicyRequest(), results, Deadline::Infinite());
    if (c.ok) {
      ASSERT_THAT(d, IsOk()) << c.admit;
      EXPECT_EQ(d->allowed, c.allowed) << c.admit;
      EXPECT_EQ(d->message, c.message) << c.admit;
    } else {
      EXPECT_THAT(d, StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message))) << c.admit;
    }
  }
  auto no_admit = MakePolicy("return { select = function() end }");
  auto d = no_admit->Admit(PolicyRequest(), results, Deadline::Infinite());
  ASSERT_THAT(d, IsOk());
  EXPECT_FALSE(d->allowed);
  EXPECT_EQ(d->message, "unsigned");
}

TEST(PolicyPoolTest, GivesEachConcurrentCallerItsOwnPolicyAndReusesThem) {
  PolicyOptions options;
  options.source = "return { select = function() return nil, 'pooled' end }";
  options.config = &TestConfig();
  auto pool = PolicyPool::Create(options);
  ASSERT_THAT(pool, IsOk());
  {
    auto a = (*pool)->Acquire();
    auto b = (*pool)->Acquire();
    ASSERT_THAT(a, IsOk());
    ASSERT_THAT(b, IsOk());
    EXPECT_NE(&**a, &**b);
    EXPECT_EQ(Reason(**a), "pooled");
  }
  auto c = (*pool)->Acquire();
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ((*pool)->size(), 2u);
  options.source = "return 1";
  EXPECT_THAT(PolicyPool::Create(options), StatusIs(StatusCode::kInvalidArgument, HasSubstr("")));
}

}  // namespace
}  // namespace connaisseur::sandbox
