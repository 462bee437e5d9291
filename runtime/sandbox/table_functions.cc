// Charging wrappers over table.* and utf8.* functions whose C loops the count hook cannot see.
// Each computes the size of the work from its arguments, charges it, then calls the stock
// function (upvalue 1) with the same arguments.
#include <bit>
#include <cstdint>
#include <lua.hpp>

#include "runtime/sandbox/budget.h"
#include "runtime/sandbox/safe_libraries.h"

namespace connaisseur::sandbox {
namespace {

uint64_t Span(lua_Integer first, lua_Integer last) {
  if (last < first) return 0;
  return static_cast<uint64_t>(last) - static_cast<uint64_t>(first) + 1;
}

// Calls upvalue 1 with every argument, returns all its results.
int CallStock(lua_State* L) {
  const int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

lua_Integer Length(lua_State* L, int arg) {
  luaL_checktype(L, arg, LUA_TTABLE);
  return luaL_len(L, arg);  // may run __len, which is Lua code under the hook
}

// table.move(a1, f, e, t [,a2]): stock move loops e - f + 1 times even over empty tables.
int Move(lua_State* L) {
  ChargeSteps(L, Span(luaL_checkinteger(L, 2), luaL_checkinteger(L, 3)));
  return CallStock(L);
}

// table.unpack(t [, i [, j]]).
int Unpack(lua_State* L) {
  const lua_Integer first = luaL_optinteger(L, 2, 1);
  const lua_Integer last = lua_isnoneornil(L, 3) ? Length(L, 1) : luaL_checkinteger(L, 3);
  ChargeSteps(L, Span(first, last));
  return CallStock(L);
}

// table.concat(t [, sep [, i [, j]]]).
int Concat(lua_State* L) {
  const lua_Integer first = luaL_optinteger(L, 3, 1);
  const lua_Integer last = lua_isnoneornil(L, 4) ? Length(L, 1) : luaL_checkinteger(L, 4);
  ChargeSteps(L, Span(first, last));
  return CallStock(L);
}

// table.insert(t, [pos,] v): with a position, stock insert shifts t[pos..#t] up by one in C.
int Insert(lua_State* L) {
  if (lua_gettop(L) >= 3) {
    const lua_Integer pos = luaL_checkinteger(L, 2);
    ChargeSteps(L, Span(pos, Length(L, 1)));
  }
  return CallStock(L);
}

// table.remove(t [, pos]): stock remove shifts t[pos+1..#t] down by one in C.
int Remove(lua_State* L) {
  const lua_Integer n = Length(L, 1);
  ChargeSteps(L, Span(luaL_optinteger(L, 2, n), n) + 1);
  return CallStock(L);
}

// table.sort(t [, comp]): n log n comparisons (a Lua comparator is also counted by the hook).
int Sort(lua_State* L) {
  const auto n = static_cast<uint64_t>(std::max<lua_Integer>(Length(L, 1), 0));
  ChargeSteps(L, n * (std::bit_width(n) + 1));
  return CallStock(L);
}

// utf8.len/codepoint/offset(s, ...): linear scans of the subject.
int ChargeSubject(lua_State* L) {
  size_t len = 0;
  luaL_checklstring(L, 1, &len);
  ChargeSteps(L, len / 8);
  return CallStock(L);
}

void Wrap(lua_State* L, const char* name, lua_CFunction wrapper) {
  lua_getfield(L, -1, name);
  lua_pushcclosure(L, wrapper, 1);
  lua_setfield(L, -2, name);
}

}  // namespace

void ReplaceTableFunctions(lua_State* L) {
  Wrap(L, "move", Move);
  Wrap(L, "unpack", Unpack);
  Wrap(L, "concat", Concat);
  Wrap(L, "sort", Sort);
  Wrap(L, "insert", Insert);
  Wrap(L, "remove", Remove);
}

void ReplaceUtf8Functions(lua_State* L) {
  Wrap(L, "len", ChargeSubject);
  Wrap(L, "codepoint", ChargeSubject);
  Wrap(L, "offset", ChargeSubject);
}

}  // namespace connaisseur::sandbox
