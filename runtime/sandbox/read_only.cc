#include "runtime/sandbox/read_only.h"

#include <lua.hpp>

namespace connaisseur::sandbox {
namespace {

// Its address marks a proxy's metatable: the field [&kProxyTag] holds the real table. A light
// userdata key cannot be named by a script, and the metatable is out of its reach anyway.
const char kProxyTag = 0;

// __newindex of every proxy.
int RefuseWrite(lua_State* L) {
  const char* key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?";
  return luaL_error(L, "attempt to modify read-only table (field '%s')", key);
}

// Pushes the real table behind the proxy at `idx` (which must be a proxy), returns its index.
int PushTarget(lua_State* L, int idx) {
  if (!PushReadOnlyTarget(L, idx)) luaL_error(L, "not a read-only table");
  return lua_gettop(L);
}

// __len: the real table's border.
int ProxyLen(lua_State* L) {
  PushTarget(L, 1);
  lua_pushinteger(L, static_cast<lua_Integer>(lua_rawlen(L, -1)));
  return 1;
}

// The iterator __pairs hands out: next() over the real table, called as iter(proxy, key).
int ProxyNext(lua_State* L) {
  lua_settop(L, 2);
  const int real = PushTarget(L, 1);
  lua_pushvalue(L, 2);
  if (lua_next(L, real) == 0) {
    lua_pushnil(L);
    return 1;
  }
  return 2;
}

// __pairs: returns (ProxyNext, proxy, nil), so the real table never reaches the script.
int ProxyPairs(lua_State* L) {
  lua_pushcfunction(L, ProxyNext);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

void FreezeNested(lua_State* L, int depth) {
  if (depth > 64) luaL_error(L, "table nested too deeply to freeze");
  // Each level keeps a key and a value on the stack while it descends.
  luaL_checkstack(L, 3, "freezing a nested table");
  const int t = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, t) != 0) {
    if (lua_type(L, -1) == LUA_TTABLE && !IsReadOnly(L, -1)) {
      FreezeNested(L, depth + 1);
      MakeReadOnly(L);
      lua_pushvalue(L, -2);  // key
      lua_insert(L, -2);     // key, key, proxy
      lua_rawset(L, t);      // replaces the value; allowed during next for an existing key
    } else {
      lua_pop(L, 1);
    }
  }
}

}  // namespace

void MakeReadOnly(lua_State* L) {
  luaL_checkstack(L, 4, "read-only proxy");
  const int real = lua_gettop(L);
  lua_createtable(L, 0, 0);  // proxy
  lua_createtable(L, 0, 6);  // metatable
  lua_pushvalue(L, real);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, RefuseWrite);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, ProxyLen);
  lua_setfield(L, -2, "__len");
  lua_pushcfunction(L, ProxyPairs);
  lua_setfield(L, -2, "__pairs");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pushvalue(L, real);
  lua_rawsetp(L, -2, &kProxyTag);
  lua_setmetatable(L, -2);
  lua_replace(L, real);
}

void MakeReadOnlyDeep(lua_State* L) {
  FreezeNested(L, 0);
  MakeReadOnly(L);
}

bool IsReadOnly(lua_State* L, int idx) {
  if (!PushReadOnlyTarget(L, idx)) return false;
  lua_pop(L, 1);
  return true;
}

bool PushReadOnlyTarget(lua_State* L, int idx) {
  if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx)) return false;
  if (lua_rawgetp(L, -1, &kProxyTag) != LUA_TTABLE) {
    lua_pop(L, 2);
    return false;
  }
  lua_remove(L, -2);
  return true;
}

}  // namespace connaisseur::sandbox
