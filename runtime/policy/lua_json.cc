#include "runtime/policy/lua_json.h"

#include <cmath>
#include <lua.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/policy/image_value.h"
#include "runtime/sandbox/read_only.h"

namespace connaisseur::policy {
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
      if (read_only) sandbox::MakeReadOnly(L);
      return;
    case nlohmann::json::value_t::array: {
      lua_createtable(L, static_cast<int>(j.size()), 0);
      lua_Integer i = 1;
      for (const auto& value : j) {
        Push(L, value, read_only, depth + 1);
        lua_rawseti(L, -2, i++);
      }
      if (read_only) sandbox::MakeReadOnly(L);
      return;
    }
    default:
      PushJsonScalar(L, j);
      return;
  }
}

// One ToJson walk: what it has produced so far (against kMaxJsonValues and kMaxJsonBytes) and
// where it is. The path is kept as parts and only joined for an error message, so converting
// many values under a long key costs nothing per value.
class Walk {
 public:
  explicit Walk(lua_State* L) : L_(L) {}

  StatusOr<nlohmann::json> Convert(int idx, int depth);

 private:
  // A key (a Lua string that stays on the stack while its value converts) or an array index.
  struct Part {
    std::string_view key;
    lua_Unsigned index = 0;
  };

  // kInvalidArgument "<path>: <reason>", e.g. `value.with.keys[2]: cannot convert ...`.
  Status Error(const std::string& reason) const {
    constexpr size_t kMaxKeyShown = 64;
    std::string where = "value";
    for (const Part& part : path_) {
      if (part.key.data() == nullptr) {
        where += "[" + std::to_string(part.index) + "]";
      } else {
        where += "." + std::string(part.key.substr(0, kMaxKeyShown));
        if (part.key.size() > kMaxKeyShown) where += "...";
      }
    }
    return InvalidArgumentError(where + ": " + reason);
  }

  bool AddBytes(size_t n) {
    bytes_ += n;
    return bytes_ <= kMaxJsonBytes;
  }
  Status TooManyBytes() const {
    return Error("more than " + std::to_string(kMaxJsonBytes) +
                 " bytes of strings to convert to JSON");
  }

  StatusOr<nlohmann::json> ConvertTable(int idx, int depth);

  lua_State* L_;
  std::vector<Part> path_;
  size_t values_ = 0;
  size_t bytes_ = 0;
};

StatusOr<nlohmann::json> Walk::Convert(int idx, int depth) {
  if (++values_ > kMaxJsonValues) {
    return Error("more than " + std::to_string(kMaxJsonValues) + " values to convert to JSON");
  }
  switch (lua_type(L_, idx)) {
    case LUA_TNIL:
      return nlohmann::json(nullptr);
    case LUA_TBOOLEAN:
      return nlohmann::json(lua_toboolean(L_, idx) != 0);
    case LUA_TNUMBER: {
      if (lua_isinteger(L_, idx)) {
        return nlohmann::json(static_cast<int64_t>(lua_tointeger(L_, idx)));
      }
      const double d = lua_tonumber(L_, idx);
      if (!std::isfinite(d)) return Error("number is not finite");
      return nlohmann::json(d);
    }
    case LUA_TSTRING: {
      size_t len = 0;
      const char* s = lua_tolstring(L_, idx, &len);
      if (!AddBytes(len)) return TooManyBytes();
      return nlohmann::json(std::string(s, len));
    }
    case LUA_TTABLE:
      return ConvertTable(idx, depth);
    case LUA_TUSERDATA:
      if (!lua_checkstack(L_, 2)) return Error("nested too deeply");  // for ImageString
      if (const std::string* text = ImageString(L_, idx)) {           // an image is its text
        if (!AddBytes(text->size())) return TooManyBytes();
        return nlohmann::json(*text);
      }
      return Error(std::string("cannot convert a ") + luaL_typename(L_, idx) + " to JSON");
    default:
      return Error(std::string("cannot convert a ") + luaL_typename(L_, idx) + " to JSON");
  }
}

// Needs 3 free stack slots per level; checks for them.
StatusOr<nlohmann::json> Walk::ConvertTable(int idx, int depth) {
  if (depth >= kMaxJsonDepth) return Error("nested too deeply");
  if (!lua_checkstack(L_, 4)) return Error("nested too deeply");
  idx = lua_absindex(L_, idx);  // before the push below moves what a relative index means
  const bool pushed = sandbox::PushReadOnlyTarget(L_, idx);
  const int t = pushed ? lua_gettop(L_) : idx;
  const lua_Unsigned n = lua_rawlen(L_, t);
  size_t keys = 0;
  bool all_strings = true;
  lua_pushnil(L_);
  while (lua_next(L_, t) != 0) {
    keys++;
    if (lua_type(L_, -2) != LUA_TSTRING) all_strings = false;
    lua_pop(L_, 1);
  }
  nlohmann::json out;
  Status error;
  if (keys > 0 && keys == n && !all_strings) {
    out = nlohmann::json::array();
    for (lua_Unsigned i = 1; i <= n && error.ok(); i++) {
      path_.push_back({{}, i});
      if (lua_rawgeti(L_, t, static_cast<lua_Integer>(i)) == LUA_TNIL) {
        error = Error("table mixes array and non-string keys");
      } else {
        auto v = Convert(-1, depth + 1);
        if (v.ok())
          out.push_back(std::move(v).value());
        else
          error = v.status();
      }
      lua_pop(L_, 1);
      path_.pop_back();
    }
  } else if (all_strings) {
    out = nlohmann::json::object();
    lua_pushnil(L_);
    while (error.ok() && lua_next(L_, t) != 0) {
      size_t key_len = 0;
      const char* key = lua_tolstring(L_, -2, &key_len);  // a string: no conversion, no alloc
      path_.push_back({std::string_view(key, key_len), 0});
      if (!AddBytes(key_len)) {
        error = TooManyBytes();
      } else {
        auto v = Convert(-1, depth + 1);
        if (v.ok())
          out[std::string(key, key_len)] = std::move(v).value();
        else
          error = v.status();
      }
      path_.pop_back();
      lua_pop(L_, 1);
    }
    if (!error.ok()) lua_pop(L_, 1);  // the key lua_next left
  } else {
    error = Error("table mixes array and non-string keys");
  }
  if (pushed) lua_pop(L_, 1);
  if (!error.ok()) return error;
  return out;
}

}  // namespace

bool PushJsonScalar(lua_State* L, const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object:
    case nlohmann::json::value_t::array:
      return false;
    case nlohmann::json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      lua_pushlstring(L, s.data(), s.size());
      return true;
    }
    case nlohmann::json::value_t::boolean:
      lua_pushboolean(L, j.get<bool>());
      return true;
    case nlohmann::json::value_t::number_integer:
      lua_pushinteger(L, j.get<int64_t>());
      return true;
    case nlohmann::json::value_t::number_unsigned:
      lua_pushinteger(L, static_cast<lua_Integer>(j.get<uint64_t>()));
      return true;
    case nlohmann::json::value_t::number_float:
      lua_pushnumber(L, j.get<double>());
      return true;
    default:
      lua_pushnil(L);
      return true;
  }
}

void PushJson(lua_State* L, const nlohmann::json& j, bool read_only) { Push(L, j, read_only, 0); }

StatusOr<nlohmann::json> ToJson(lua_State* L, int idx) {
  Walk walk(L);
  return walk.Convert(lua_absindex(L, idx), 0);
}

}  // namespace connaisseur::policy
