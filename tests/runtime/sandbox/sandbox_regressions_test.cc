// Regressions found in the security review of runtime/sandbox (each test names its problem).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <lua.hpp>
#include <optional>
#include <string>

#include "runtime/image/image_reference.h"
#include "runtime/policy/image_value.h"
#include "runtime/policy/lua_json.h"
#include "runtime/sandbox/read_only.h"
#include "runtime/sandbox/sandbox.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::sandbox {
namespace {

using policy::PushImage;
using policy::PushJson;
using policy::ToJson;
using ::testing::HasSubstr;

std::unique_ptr<Sandbox> MakeSandbox(NativeContext* context, size_t memory_limit) {
  SandboxOptions options;
  options.context = context;
  options.limits.memory_limit_bytes = memory_limit;
  options.limits.call_timeout_ms = 5000;
  auto sandbox = Sandbox::Create(options);
  EXPECT_THAT(sandbox, IsOk());
  return sandbox.ok() ? std::move(sandbox).value() : nullptr;
}

const char kKeepKey = 0;  // registry slot of what the fill below keeps alive

// Fills the state's heap with live (unfreeable) userdata until `leave` bytes of the budget or
// fewer are left, never asking for more than is left (so no overrun trips).
void FillHeap(lua_State* L, const Budget& budget, size_t leave) {
  lua_createtable(L, 256, 0);  // the array part is sized here: storing into it never allocates
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kKeepKey);  // kept alive from here on
  lua_gc(L, LUA_GCCOLLECT);  // no garbage left that an emergency collection could free
  size_t before = budget.memory_used();
  lua_newuserdatauv(L, 1, 0);  // a probe, to learn the size of a userdata's header
  const size_t header = budget.memory_used() - before - 1;
  lua_rawseti(L, -2, 1);
  const size_t limit = budget.limits().memory_limit_bytes;
  for (int i = 2; i <= 256; i++) {
    const size_t free = limit - budget.memory_used();
    if (free <= leave + header) break;
    lua_newuserdatauv(L, free > 4096 ? free / 2 : free - header - leave, 0);
    lua_rawseti(L, -2, i);
  }
  lua_pop(L, 1);
}

// Run used to push a C closure (an allocation) before entering lua_pcall. A script that keeps
// its state's heap within a few bytes of the budget between calls made that allocation fail
// outside any protected call: Lua's panic handler, then abort() of the whole process.
TEST(SandboxRegressionTest, RunDoesNotAllocateBeforeItsProtectedCallWhenTheHeapIsFull) {
  NativeContext context;
  auto sandbox = MakeSandbox(&context, 1u << 20);
  ASSERT_NE(sandbox, nullptr);
  ASSERT_THAT(
      sandbox->Run(Deadline::Infinite(), [&](lua_State* L) { FillHeap(L, sandbox->budget(), 16); }),
      IsOk());
  const size_t free =
      sandbox->budget().limits().memory_limit_bytes - sandbox->budget().memory_used();
  ASSERT_LT(free, 48u) << "the fill must leave less than a C closure's size";
  // The call may fail for lack of memory inside the protected call; it must not abort.
  Status s = sandbox->Run(Deadline::Infinite(), [](lua_State* L) { lua_pushboolean(L, 1); });
  EXPECT_TRUE(s.ok() || s.code() == StatusCode::kResourceExhausted) << s.ToString();
}

// FreezeNested descended without checking the Lua stack: two slots per level past the 20 a C
// function is guaranteed, i.e. writes past the end of the stack for nesting beyond ~10 levels.
TEST(SandboxRegressionTest, FreezingADeeplyNestedTableChecksTheStack) {
  NativeContext context;
  auto sandbox = MakeSandbox(&context, 8u << 20);
  ASSERT_NE(sandbox, nullptr);
  int depth_seen = 0;
  Status s = sandbox->Run(Deadline::Infinite(), [&](lua_State* L) {
    lua_newtable(L);  // root
    lua_pushvalue(L, -1);
    for (int i = 0; i < 60; i++) {  // root.next.next... 60 levels
      lua_newtable(L);
      lua_pushvalue(L, -1);
      lua_setfield(L, -3, "next");
      lua_remove(L, -2);
    }
    lua_pop(L, 1);
    MakeReadOnlyDeep(L);
    while (lua_getfield(L, -1, "next") == LUA_TTABLE) {  // reads through each proxy
      EXPECT_TRUE(IsReadOnly(L, -1)) << "level " << depth_seen;
      depth_seen++;
      lua_remove(L, -2);
    }
  });
  EXPECT_THAT(s, IsOk());
  EXPECT_EQ(depth_seen, 60);
}

// ToJson read a nested read-only proxy through a relative index that the push of its target
// had moved: the target stayed on the stack, so objects holding frozen tables raised "invalid
// key to 'next'" and arrays of them leaked one stack slot per element.
TEST(SandboxRegressionTest, ToJsonReadsNestedReadOnlyTables) {
  NativeContext context;
  auto sandbox = MakeSandbox(&context, 8u << 20);
  ASSERT_NE(sandbox, nullptr);
  nlohmann::json in = {{"list", nlohmann::json::array()}, {"map", {{"k", "v"}}}};
  for (int i = 0; i < 200; i++) in["list"].push_back({{"i", i}, {"tags", {"a", "b"}}});
  std::optional<StatusOr<nlohmann::json>> out;
  int top_before = -1, top_after = -2;
  Status s = sandbox->Run(Deadline::Infinite(), [&](lua_State* L) {
    PushJson(L, in, /*read_only=*/true);
    top_before = lua_gettop(L);
    out.emplace(ToJson(L, -1));
    top_after = lua_gettop(L);
  });
  ASSERT_THAT(s, IsOk());
  ASSERT_THAT(*out, IsOk());
  EXPECT_EQ(**out, in);
  EXPECT_EQ(top_after, top_before);
}

// A table reachable twice converts twice: forty levels of `t = {t, t}` are 2^40 values of C++
// work and heap that neither the instruction hook nor the memory budget could see.
TEST(SandboxRegressionTest, ToJsonRefusesExponentialSharing) {
  NativeContext context;
  auto sandbox = MakeSandbox(&context, 8u << 20);
  ASSERT_NE(sandbox, nullptr);
  std::optional<StatusOr<nlohmann::json>> out;
  Status s = sandbox->Run(Deadline::Infinite(), [&](lua_State* L) {
    lua_newtable(L);
    for (int i = 0; i < 40; i++) {
      lua_createtable(L, 2, 0);
      lua_pushvalue(L, -2);
      lua_rawseti(L, -2, 1);
      lua_pushvalue(L, -2);
      lua_rawseti(L, -2, 2);
      lua_remove(L, -2);
    }
    out.emplace(ToJson(L, -1));
  });
  ASSERT_THAT(s, IsOk());
  EXPECT_THAT(*out, StatusIs(StatusCode::kInvalidArgument, HasSubstr("values to convert")));
}

// Lua's collector keeps objects awaiting a finalizer (each image userdata) alive for one more
// cycle and paces itself by a heap that counts them, so a state that left one image of garbage
// per call drifted into its memory budget: with 1,000 rules (about 1 MB live), every few hundred
// thousand selects failed with "memory budget exceeded" and the state was rebuilt.
TEST(SandboxRegressionTest, GarbageAwaitingFinalizersDoesNotExhaustTheBudget) {
  NativeContext context;
  auto sandbox = MakeSandbox(&context, 8u << 20);
  ASSERT_NE(sandbox, nullptr);
  ASSERT_THAT(sandbox->Run(Deadline::Infinite(),
                           [](lua_State* L) {
                             const std::string live(1u << 20, 'x');  // a live heap of 1 MiB
                             lua_pushlstring(L, live.data(), live.size());
                             lua_rawsetp(L, LUA_REGISTRYINDEX, &kKeepKey);
                           }),
              IsOk());
  auto image = image::ImageReference::Parse("docker.io/team/app:1");
  ASSERT_THAT(image, IsOk());
  size_t peak = 0;
  for (int i = 0; i < 120'000; i++) {
    Status s = sandbox->Run(Deadline::Infinite(), [&](lua_State* L) {
      PushImage(L, *image);  // garbage with a finalizer once popped
      lua_pop(L, 1);
    });
    ASSERT_THAT(s, IsOk()) << "call " << i;
    peak = std::max(peak, sandbox->budget().memory_used());
  }
  EXPECT_LE(peak, (8u << 20) * 3 / 4);
}

}  // namespace
}  // namespace connaisseur::sandbox
