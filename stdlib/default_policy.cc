// connaisseur.default_policy(): the table returned by the compiled-in scripts/default.lua,
// loaded in the calling script's sandbox on first use and cached for the life of the state.
#include "scripts/default_policy.h"

#include <string_view>

#include "runtime/sandbox/read_only.h"
#include "runtime/sandbox/sandbox.h"
#include "stdlib/module.h"

namespace connaisseur::stdlib {
namespace {

const char kDefaultPolicyKey = 0;  // registry slot of the cached table

int DefaultPolicy(lua_State* L) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &kDefaultPolicyKey) == LUA_TTABLE) return 1;
  lua_pop(L, 1);
  sandbox::LoadScript(L, embedded::kDefaultPolicyLua, "default.lua");
  if (lua_type(L, -1) != LUA_TTABLE) return luaL_error(L, "default.lua did not return a table");
  if (!sandbox::IsReadOnly(L, -1)) sandbox::MakeReadOnly(L);  // shared: nobody may patch it
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kDefaultPolicyKey);
  return 1;
}

}  // namespace

void OpenDefaultPolicy(lua_State* L) {
  lua_pushcfunction(L, DefaultPolicy);
  lua_setfield(L, -2, "default_policy");
}

}  // namespace connaisseur::stdlib
