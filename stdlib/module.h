// Small helpers shared by the module files: how a module registers and reads its arguments.
#pragma once

#include <lua.hpp>
#include <string_view>

#include "runtime/sandbox/budget.h"
#include "stdlib/stdlib.h"

namespace connaisseur::stdlib {

// in: `connaisseur` table at -1; out: same, with field `name` = a new table of `funcs`.
inline void RegisterModule(lua_State* L, const char* name, const luaL_Reg* funcs) {
  lua_newtable(L);
  luaL_setfuncs(L, funcs, 0);
  lua_setfield(L, -2, name);
}

// String argument `arg`, refused when longer than kMaxInputBytes.
inline std::string_view CheckInput(lua_State* L, int arg) {
  size_t len = 0;
  const char* s = luaL_checklstring(L, arg, &len);
  if (len > kMaxInputBytes) luaL_argerror(L, arg, "input too large");
  return {s, len};
}

// Charges work linear in `bytes` to the call's budget before doing it.
inline void ChargeBytes(lua_State* L, size_t bytes) { sandbox::ChargeSteps(L, bytes / 16 + 1); }

}  // namespace connaisseur::stdlib
