// string.find/match/gmatch/gsub/rep for the sandbox: same results as Lua 5.4, budgeted work.
#include <cstring>
#include <lua.hpp>
#include <string_view>

#include "runtime/sandbox/budget.h"
#include "runtime/sandbox/lua_pattern.h"
#include "runtime/sandbox/safe_libraries.h"

namespace connaisseur::sandbox {
namespace {

constexpr std::string_view kSpecials = "^$*+?.([%-";

std::string_view CheckString(lua_State* L, int arg) {
  size_t len = 0;
  const char* s = luaL_checklstring(L, arg, &len);
  return {s, len};
}

// Lua 5.4's start-position rule: negative counts from the end, clipped to [1, len + 1].
size_t StartPosition(lua_State* L, int arg, size_t len) {
  const lua_Integer pos = luaL_optinteger(L, arg, 1);
  if (pos > 0) return static_cast<size_t>(pos);
  if (pos == 0) return 1;
  if (pos < -static_cast<lua_Integer>(len)) return 1;
  return len + static_cast<size_t>(pos) + 1;
}

// Plain substring search, charging every compared byte: linear on ordinary input, and an
// adversarial needle ("aaa…b" in "aaa…a") runs out of budget instead of time.
ptrdiff_t PlainFind(lua_State* L, std::string_view s, std::string_view p, size_t from) {
  if (p.empty()) return static_cast<ptrdiff_t>(from);
  uint64_t steps = 0;
  for (size_t i = from; i + p.size() <= s.size(); i++) {
    size_t k = 0;
    while (k < p.size() && s[i + k] == p[k]) k++;
    steps += k + 1;
    if (steps >= 4096) {
      ChargeSteps(L, steps);
      steps = 0;
    }
    if (k == p.size()) {
      ChargeSteps(L, steps);
      return static_cast<ptrdiff_t>(i);
    }
  }
  ChargeSteps(L, steps);
  return -1;
}

int FindAux(lua_State* L, bool find) {
  const std::string_view s = CheckString(L, 1);
  const std::string_view p = CheckString(L, 2);
  const size_t init = StartPosition(L, 3, s.size()) - 1;
  if (init > s.size()) {
    luaL_pushfail(L);
    return 1;
  }
  if (find && (lua_toboolean(L, 4) || p.find_first_of(kSpecials) == std::string_view::npos)) {
    const ptrdiff_t at = PlainFind(L, s, p, init);
    if (at < 0) {
      luaL_pushfail(L);
      return 1;
    }
    lua_pushinteger(L, static_cast<lua_Integer>(at + 1));
    lua_pushinteger(L, static_cast<lua_Integer>(at + static_cast<ptrdiff_t>(p.size())));
    return 2;
  }
  LuaPattern m(L, s, p);
  const bool anchor = !p.empty() && p[0] == '^';
  const size_t p0 = anchor ? 1 : 0;
  size_t start = init;
  do {
    const ptrdiff_t end = m.MatchAt(start, p0);
    if (end >= 0) {
      m.Flush();
      if (find) {
        lua_pushinteger(L, static_cast<lua_Integer>(start + 1));
        lua_pushinteger(L, static_cast<lua_Integer>(end));
        return m.PushCaptures(start, static_cast<size_t>(end), false) + 2;
      }
      return m.PushCaptures(start, static_cast<size_t>(end), true);
    }
  } while (start++ < s.size() && !anchor);
  m.Flush();
  luaL_pushfail(L);
  return 1;
}

int Find(lua_State* L) { return FindAux(L, true); }
int Match(lua_State* L) { return FindAux(L, false); }

// gmatch's iterator. Upvalues: subject, pattern, next position, end of the last match (-1).
int GmatchStep(lua_State* L) {
  const std::string_view s = CheckString(L, lua_upvalueindex(1));
  const std::string_view p = CheckString(L, lua_upvalueindex(2));
  const auto pos = static_cast<size_t>(lua_tointeger(L, lua_upvalueindex(3)));
  const lua_Integer last = lua_tointeger(L, lua_upvalueindex(4));
  LuaPattern m(L, s, p);
  for (size_t src = pos; src <= s.size(); src++) {
    const ptrdiff_t end = m.MatchAt(src, 0);
    if (end >= 0 && end != last) {
      m.Flush();
      lua_pushinteger(L, end);
      lua_copy(L, -1, lua_upvalueindex(3));
      lua_replace(L, lua_upvalueindex(4));
      return m.PushCaptures(src, static_cast<size_t>(end), true);
    }
  }
  m.Flush();
  lua_pushinteger(L, static_cast<lua_Integer>(s.size() + 1));
  lua_replace(L, lua_upvalueindex(3));
  return 0;
}

int Gmatch(lua_State* L) {
  const std::string_view s = CheckString(L, 1);
  CheckString(L, 2);
  const size_t init = StartPosition(L, 3, s.size()) - 1;
  lua_settop(L, 2);
  lua_pushinteger(L, static_cast<lua_Integer>(init > s.size() ? s.size() + 1 : init));
  lua_pushinteger(L, -1);
  lua_pushcclosure(L, GmatchStep, 4);
  return 1;
}

// Appends the replacement of one match [start, end) to `b`. The replacement value is at arg 3.
void AddReplacement(lua_State* L, LuaPattern& m, luaL_Buffer* b, std::string_view s, size_t start,
                    size_t end) {
  const int kind = lua_type(L, 3);
  if (kind == LUA_TFUNCTION) {
    lua_pushvalue(L, 3);
    const int n = m.PushCaptures(start, end, true);
    lua_call(L, n, 1);
  } else if (kind == LUA_TTABLE) {
    m.PushCapture(0, start, end);
    lua_gettable(L, 3);
  } else {  // a string: %0-%9 name captures, %% is a percent sign
    size_t len = 0;
    const char* r = lua_tolstring(L, 3, &len);
    ChargeSteps(L, len);
    for (size_t i = 0; i < len; i++) {
      if (r[i] != '%') {
        luaL_addchar(b, r[i]);
        continue;
      }
      if (++i == len) luaL_error(L, "invalid use of '%%' in replacement string");
      if (r[i] == '%') {
        luaL_addchar(b, '%');
      } else if (r[i] >= '0' && r[i] <= '9') {
        if (r[i] == '0') {
          luaL_addlstring(b, s.data() + start, end - start);
        } else {
          m.PushCapture(r[i] - '1', start, end);
          luaL_tolstring(L, -1, nullptr);
          lua_remove(L, -2);
          luaL_addvalue(b);
        }
      } else {
        luaL_error(L, "invalid use of '%%' in replacement string");
      }
    }
    return;
  }
  if (!lua_toboolean(L, -1)) {  // nil or false: keep the original text
    lua_pop(L, 1);
    luaL_addlstring(b, s.data() + start, end - start);
  } else if (!lua_isstring(L, -1)) {
    luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  } else {
    luaL_addvalue(b);
  }
}

int Gsub(lua_State* L) {
  const std::string_view s = CheckString(L, 1);
  const std::string_view p = CheckString(L, 2);
  const int kind = lua_type(L, 3);
  const lua_Integer max_n = luaL_optinteger(L, 4, static_cast<lua_Integer>(s.size()) + 1);
  luaL_argexpected(
      L, kind == LUA_TNUMBER || kind == LUA_TSTRING || kind == LUA_TFUNCTION || kind == LUA_TTABLE,
      3, "string/function/table");
  const bool anchor = !p.empty() && p[0] == '^';
  const size_t p0 = anchor ? 1 : 0;
  LuaPattern m(L, s, p);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  size_t src = 0;
  ptrdiff_t last = -1;
  lua_Integer n = 0;
  while (n < max_n) {
    const ptrdiff_t end = m.MatchAt(src, p0);
    if (end >= 0 && end != last) {
      n++;
      AddReplacement(L, m, &b, s, src, static_cast<size_t>(end));
      src = static_cast<size_t>(end);
      last = end;
    } else if (src < s.size()) {
      luaL_addchar(&b, s[src++]);
    } else {
      break;
    }
    if (anchor) break;
  }
  m.Flush();
  luaL_addlstring(&b, s.data() + src, s.size() - src);
  luaL_pushresult(&b);
  lua_pushinteger(L, n);
  return 2;
}

// string.rep: the size is checked before any work. Stock rep loops n times even when the
// result is empty (string.rep("", 1e15) spins in C), and allocates first only when it is not.
int Rep(lua_State* L) {
  const std::string_view s = CheckString(L, 1);
  const lua_Integer n = luaL_checkinteger(L, 2);
  size_t seplen = 0;
  const char* sep = luaL_optlstring(L, 3, "", &seplen);
  if (n <= 0 || s.size() + seplen == 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  const auto count = static_cast<uint64_t>(n);
  const uint64_t unit = s.size() + seplen;
  if (count > Budget::kMaxAllocationBytes / unit)
    return luaL_error(L, "resulting string too large");
  const size_t total = static_cast<size_t>(count * s.size() + (count - 1) * seplen);
  ChargeSteps(L, total / 64);  // a step is worth ~64 copied bytes
  luaL_Buffer b;
  char* out = luaL_buffinitsize(L, &b, total);
  for (uint64_t i = 0; i < count; i++) {
    std::memcpy(out, s.data(), s.size());
    out += s.size();
    if (seplen > 0 && i + 1 < count) {
      std::memcpy(out, sep, seplen);
      out += seplen;
    }
  }
  luaL_pushresultsize(&b, total);
  return 1;
}

constexpr luaL_Reg kStringReplacements[] = {{"find", Find}, {"match", Match}, {"gmatch", Gmatch},
                                            {"gsub", Gsub}, {"rep", Rep},     {nullptr, nullptr}};

}  // namespace

void ReplaceStringFunctions(lua_State* L) {
  luaL_setfuncs(L, kStringReplacements, 0);
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");  // bytecode must never leave or enter the sandbox
}

}  // namespace connaisseur::sandbox
