#include "runtime/sandbox/environment.h"

#include <lua.hpp>
#include <string>
#include <string_view>

#include "runtime/log/logger.h"
#include "runtime/sandbox/read_only.h"
#include "runtime/sandbox/safe_libraries.h"
#include "runtime/sandbox/sandbox.h"

namespace connaisseur::sandbox {
namespace {

const char kBaseKey = 0;  // registry slot of the frozen base environment

// The base functions a script may call, at a glance. Absent on purpose: dofile, loadfile, load
// (code from strings and files), collectgarbage (it can stop the collector), rawset (it writes
// through our read-only proxies), print and setmetatable (replaced below).
constexpr const char* kBaseAllowList[] = {
    "assert", "error",  "getmetatable", "ipairs",   "next",     "pairs", "pcall",  "rawequal",
    "rawget", "rawlen", "select",       "tonumber", "tostring", "type",  "xpcall", "_VERSION",
};

struct Library {
  const char* name;
  lua_CFunction open;
  void (*harden)(lua_State* L);  // replaces functions whose C work escapes the hook; may be null
};

void HardenMath(lua_State* L) {
  // Seeded per state, deterministically, and not re-seedable by a script (a seed would carry
  // from one request to the next).
  lua_getfield(L, -1, "randomseed");
  lua_pushinteger(L, 20240601);
  lua_call(L, 1, 0);
  lua_pushnil(L);
  lua_setfield(L, -2, "randomseed");
}

constexpr Library kLibraries[] = {
    {LUA_STRLIBNAME, luaopen_string, ReplaceStringFunctions},
    {LUA_TABLIBNAME, luaopen_table, ReplaceTableFunctions},
    {LUA_MATHLIBNAME, luaopen_math, HardenMath},
    {LUA_UTF8LIBNAME, luaopen_utf8, ReplaceUtf8Functions},
};

// print(...): one structured log line tagged source=policy; never stdout.
int Print(lua_State* L) {
  NativeContext& ctx = GetContext(L);
  if (ctx.logger == nullptr || ++ctx.log_lines > NativeContext::kMaxLogLinesPerCall) return 0;
  const int n = lua_gettop(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 1; i <= n; i++) {
    if (i > 1) luaL_addchar(&b, '\t');
    luaL_tolstring(L, i, nullptr);  // may run __tostring: Lua code, under the hook
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  size_t len = 0;
  const char* text = lua_tolstring(L, -1, &len);
  {
    const std::string_view line(text, std::min(len, NativeContext::kMaxLogLineBytes));
    ctx.logger->Info(line, {{"source", "policy"}});
  }
  return 0;
}

// setmetatable(t, mt) refusing __gc: finalizers run with hooks off (at collection and at
// lua_close), so a finalizer that loops could never be stopped. An object is only ever marked
// for finalization when its metatable has __gc at this moment, so adding __gc later is inert.
int SetMetatable(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  const int t = lua_type(L, 2);
  luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
  if (t == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL) return luaL_error(L, "__gc metamethods are not allowed");
    lua_pop(L, 1);
  }
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) {
    return luaL_error(L, "cannot change a protected metatable");
  }
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

// __index of a script's _ENV. Upvalues: the script's sealed globals, the base environment.
int EnvIndex(lua_State* L) {
  lua_settop(L, 2);
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
  lua_pushvalue(L, 2);
  if (lua_gettable(L, lua_upvalueindex(2)) != LUA_TNIL) return 1;
  if (lua_type(L, 2) == LUA_TSTRING) {
    return luaL_error(L, "undefined global '%s'", lua_tostring(L, 2));
  }
  return luaL_error(L, "undefined global");
}

// __newindex of a sealed _ENV.
int RefuseGlobalWrite(lua_State* L) {
  const char* name = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?";
  return luaL_error(L, "assignment to global '%s' after the script was loaded", name);
}

// in: env at `env`, its metatable's __index closure holds the sealed-globals table.
// Moves the globals the top level defined into that table and refuses new ones.
void SealEnvironment(lua_State* L, int env) {
  lua_getmetatable(L, env);
  const int mt = lua_gettop(L);
  lua_getfield(L, mt, "__index");
  lua_getupvalue(L, -1, 1);
  const int sealed = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, env) != 0) {
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, sealed);  // sealed[k] = v; leaves k
  }
  lua_pushnil(L);
  while (lua_next(L, sealed) != 0) {  // clear env: every read now goes through __index
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushnil(L);
    lua_rawset(L, env);
  }
  lua_pushcfunction(L, RefuseGlobalWrite);
  lua_setfield(L, mt, "__newindex");
  lua_settop(L, mt - 1);
}

}  // namespace

void BuildBaseEnvironment(lua_State* L, const std::vector<ModuleOpener>& modules) {
  luaL_checkstack(L, 8, "base environment");
  luaL_requiref(L, LUA_GNAME, luaopen_base, 0);
  const int stock = lua_gettop(L);
  lua_createtable(L, 0, 32);
  const int base = lua_gettop(L);
  for (const char* name : kBaseAllowList) {
    lua_getfield(L, stock, name);
    lua_setfield(L, base, name);
  }
  lua_pushcfunction(L, Print);
  lua_setfield(L, base, "print");
  lua_pushcfunction(L, SetMetatable);
  lua_setfield(L, base, "setmetatable");

  for (const Library& lib : kLibraries) {
    luaL_requiref(L, lib.name, lib.open, 0);
    if (lib.harden != nullptr) lib.harden(L);
    if (std::string_view(lib.name) == LUA_STRLIBNAME) {
      // Method calls ("x"):upper() read the real table directly; __metatable hides it.
      lua_pushliteral(L, "");
      lua_getmetatable(L, -1);
      lua_pushvalue(L, -3);
      lua_setfield(L, -2, "__index");
      lua_pushboolean(L, 0);
      lua_setfield(L, -2, "__metatable");
      lua_pop(L, 2);
    }
    MakeReadOnly(L);
    lua_setfield(L, base, lib.name);
  }

  lua_createtable(L, 0, 16);
  for (ModuleOpener open : modules) {
    open(L);
    luaL_checktype(L, -1, LUA_TTABLE);  // an opener must leave the table where it found it
  }
  MakeReadOnlyDeep(L);
  lua_setfield(L, base, "connaisseur");

  lua_pushvalue(L, base);
  MakeReadOnly(L);
  lua_pushvalue(L, -1);
  lua_setfield(L, base, "_G");  // _G is the frozen base: setmetatable(_G, ...) is refused
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kBaseKey);
  lua_settop(L, stock - 1);
}

void PushBaseEnvironment(lua_State* L) { lua_rawgetp(L, LUA_REGISTRYINDEX, &kBaseKey); }

void LoadScript(lua_State* L, std::string_view source, std::string_view chunk_name) {
  luaL_checkstack(L, 8, "load script");
  int loaded = LUA_OK;
  {
    std::string name = "=" + std::string(chunk_name);
    // "t": text only; a binary chunk ("\27Lua...") is refused before it is read.
    loaded = luaL_loadbufferx(L, source.data(), source.size(), name.c_str(), "t");
  }
  if (loaded != LUA_OK) lua_error(L);  // raised once our std::string is gone
  const int chunk = lua_gettop(L);
  lua_createtable(L, 0, 8);  // the script's _ENV
  const int env = lua_gettop(L);
  lua_createtable(L, 0, 3);  // its metatable
  lua_createtable(L, 0, 8);  // upvalue 1 of __index: the globals sealed after the top level
  PushBaseEnvironment(L);
  lua_pushcclosure(L, EnvIndex, 2);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, env);
  lua_pushvalue(L, env);
  if (lua_setupvalue(L, chunk, 1) == nullptr) lua_pop(L, 1);  // a chunk's upvalue 1 is _ENV
  lua_pushvalue(L, chunk);
  lua_call(L, 0, 1);
  SealEnvironment(L, env);
  lua_replace(L, chunk);
  lua_settop(L, chunk);
}

}  // namespace connaisseur::sandbox
