// LuaStatePtr: the owner of a lua_State (style.md §3). lua_close runs the finalizers of our own
// userdata; scripts cannot register finalizers (see sandbox.cc, setmetatable).
#pragma once

#include <lua.hpp>
#include <memory>

namespace connaisseur::sandbox {

struct LuaStateCloser {
  void operator()(lua_State* L) const { lua_close(L); }
};
using LuaStatePtr = std::unique_ptr<lua_State, LuaStateCloser>;

}  // namespace connaisseur::sandbox
