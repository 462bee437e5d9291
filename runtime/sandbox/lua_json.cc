#include "runtime/sandbox/lua_json.h"

#include <cmath>
#include <lua.hpp>
#include <string>

#include "runtime/sandbox/read_only.h"

namespace connaisseur::sandbox {
namespace {

void Push(lua_State* L, const nlohmann::json& j, bool read_only, int depth) {
  if (depth > kMaxJsonDepth) luaL_error(L, "JSON nested deeper than %d levels", kMaxJsonDepth);
  luaL_checkstack(L, 4, "json");
  switch (j.type()) {
    case nlohmann::json::value_t::object:
      lua_createtable(L, 0, static_cast<int>(j.size()));
      for (const auto& [key, value] : j.items()) {
        if (value.is_null()) continue;
        lua_pushlstring(L, key.data(), key.size());
        Push(L, value, read_only, depth + 1);
        lua_rawset(L, -3);
      }
      if (read_only) MakeReadOnly(L);
      return;
    case nlohmann::json::value_t::array: {
      lua_createtable(L, static_cast<int>(j.size()), 0);
      lua_Integer i = 1;
      for (const auto& value : j) {
        Push(L, value, read_only, depth + 1);
        lua_rawseti(L, -2, i++);
      }
      if (read_only) MakeReadOnly(L);
      return;
    }
    case nlohmann::json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      lua_pushlstring(L, s.data(), s.size());
      return;
    }
    case nlohmann::json::value_t::boolean:
      lua_pushboolean(L, j.get<bool>());
      return;
    case nlohmann::json::value_t::number_integer:
      lua_pushinteger(L, j.get<int64_t>());
      return;
    case nlohmann::json::value_t::number_unsigned:
      lua_pushinteger(L, static_cast<lua_Integer>(j.get<uint64_t>()));
      return;
    case nlohmann::json::value_t::number_float:
      lua_pushnumber(L, j.get<double>());
      return;
    default:
      lua_pushnil(L);
      return;
  }
}

// Needs 3 free stack slots per level; the caller checks.
StatusOr<nlohmann::json> Convert(lua_State* L, int idx, int depth, const std::string& path) {
  switch (lua_type(L, idx)) {
    case LUA_TNIL:
      return nlohmann::json(nullptr);
    case LUA_TBOOLEAN:
      return nlohmann::json(lua_toboolean(L, idx) != 0);
    case LUA_TNUMBER: {
      if (lua_isinteger(L, idx)) return nlohmann::json(static_cast<int64_t>(lua_tointeger(L, idx)));
      const double d = lua_tonumber(L, idx);
      if (!std::isfinite(d)) return InvalidArgumentError(path + ": number is not finite");
      return nlohmann::json(d);
    }
    case LUA_TSTRING: {
      size_t len = 0;
      const char* s = lua_tolstring(L, idx, &len);
      return nlohmann::json(std::string(s, len));
    }
    case LUA_TTABLE:
      break;
    default:
      return InvalidArgumentError(path + ": cannot convert a " + luaL_typename(L, idx) +
                                  " to JSON");
  }
  if (depth >= kMaxJsonDepth) return InvalidArgumentError(path + ": nested too deeply");
  if (!lua_checkstack(L, 4)) return InvalidArgumentError(path + ": nested too deeply");
  const int t = PushReadOnlyTarget(L, idx) ? lua_gettop(L) : lua_absindex(L, idx);
  const bool pushed = t != lua_absindex(L, idx);
  const lua_Unsigned n = lua_rawlen(L, t);
  size_t keys = 0;
  bool all_strings = true;
  lua_pushnil(L);
  while (lua_next(L, t) != 0) {
    keys++;
    if (lua_type(L, -2) != LUA_TSTRING) all_strings = false;
    lua_pop(L, 1);
  }
  nlohmann::json out;
  Status error;
  if (keys > 0 && keys == n && !all_strings) {
    out = nlohmann::json::array();
    for (lua_Unsigned i = 1; i <= n && error.ok(); i++) {
      if (lua_rawgeti(L, t, static_cast<lua_Integer>(i)) == LUA_TNIL) {
        lua_pop(L, 1);
        error = InvalidArgumentError(path + ": table mixes array and non-string keys");
        break;
      }
      auto v = Convert(L, -1, depth + 1, path + "[" + std::to_string(i) + "]");
      lua_pop(L, 1);
      if (v.ok())
        out.push_back(std::move(v).value());
      else
        error = v.status();
    }
  } else if (all_strings) {
    out = nlohmann::json::object();
    lua_pushnil(L);
    while (error.ok() && lua_next(L, t) != 0) {
      const std::string key = lua_tostring(L, -2);
      auto v = Convert(L, -1, depth + 1, path + "." + key);
      lua_pop(L, 1);
      if (v.ok())
        out[key] = std::move(v).value();
      else
        error = v.status();
    }
    if (!error.ok()) lua_pop(L, 1);  // the key lua_next left
  } else {
    error = InvalidArgumentError(path + ": table mixes array and non-string keys");
  }
  if (pushed) lua_pop(L, 1);
  if (!error.ok()) return error;
  return out;
}

}  // namespace

void PushJson(lua_State* L, const nlohmann::json& j, bool read_only) { Push(L, j, read_only, 0); }

StatusOr<nlohmann::json> ToJson(lua_State* L, int idx) {
  return Convert(L, lua_absindex(L, idx), 0, "value");
}

}  // namespace connaisseur::sandbox
