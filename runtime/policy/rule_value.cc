#include "runtime/policy/rule_value.h"

#include <lua.hpp>

#include "runtime/policy/lua_json.h"
#include "runtime/sandbox/read_only.h"

namespace connaisseur::policy {
namespace {

const char kByRuleKey = 0;   // registry: light(const Rule*) -> rule table
const char kByTableKey = 0;  // registry: rule table -> light(const Rule*)

// Pushes the registry table at `key`, creating it on first use (+1).
void PushRegistryTable(lua_State* L, const void* key) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_createtable(L, 0, 0);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}

}  // namespace

void PushConfigRule(lua_State* L, const config::Rule& rule) {
  luaL_checkstack(L, 6, "rule");
  PushRegistryTable(L, &kByRuleKey);
  if (lua_rawgetp(L, -1, &rule) == LUA_TTABLE) {
    lua_remove(L, -2);
    return;
  }
  lua_pop(L, 1);
  lua_createtable(L, 0, 4);
  lua_pushlstring(L, rule.pattern.data(), rule.pattern.size());
  lua_setfield(L, -2, "pattern");
  lua_pushlstring(L, rule.validator.data(), rule.validator.size());
  lua_setfield(L, -2, "validator");
  PushJson(L, rule.with_json.is_object() ? rule.with_json : nlohmann::json::object(), true);
  lua_setfield(L, -2, "with");
  lua_pushinteger(L, static_cast<lua_Integer>(rule.index) + 1);  // 1-based, as Lua counts
  lua_setfield(L, -2, "index");
  sandbox::MakeReadOnly(L);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, -3, &rule);  // by rule
  PushRegistryTable(L, &kByTableKey);
  lua_pushvalue(L, -2);
  lua_pushlightuserdata(L, const_cast<config::Rule*>(&rule));
  lua_rawset(L, -3);  // by table
  lua_pop(L, 1);
  lua_remove(L, -2);
}

const config::Rule* ToConfigRule(lua_State* L, int idx) {
  if (lua_type(L, idx) != LUA_TTABLE) return nullptr;
  idx = lua_absindex(L, idx);
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &kByTableKey) != LUA_TTABLE) {
    lua_pop(L, 1);
    return nullptr;
  }
  lua_pushvalue(L, idx);
  lua_rawget(L, -2);
  auto* rule = static_cast<const config::Rule*>(lua_touserdata(L, -1));
  lua_pop(L, 2);
  return rule;
}

}  // namespace connaisseur::policy
