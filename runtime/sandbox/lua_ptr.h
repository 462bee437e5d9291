// LuaStatePtr: the owner of a lua_State (runtime/free_with.h). lua_close runs the finalizers of our
// own userdata; scripts cannot register finalizers (see sandbox.cc, setmetatable).
#pragma once

#include <lua.hpp>
#include <memory>

#include "runtime/free_with.h"

namespace connaisseur::sandbox {

using LuaStatePtr = std::unique_ptr<lua_State, FreeWith<lua_close>>;

}  // namespace connaisseur::sandbox
