// runtime/sandbox: RAII inside raising natives, globals sealed after the top level.
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

}  // namespace
}  // namespace connaisseur::sandbox
