#include "runtime/policy/script_results.h"

#include <lua.hpp>

#include "runtime/image/image_reference.h"
#include "runtime/policy/attestation_value.h"
#include "runtime/policy/image_value.h"
#include "runtime/policy/lua_json.h"
#include "runtime/policy/rule_value.h"
#include "runtime/sandbox/read_only.h"

namespace connaisseur::policy {
namespace {

Status MalformedRule(const std::string& why) {
  return InvalidArgumentError("policy returned malformed rule: " + why);
}
Status MalformedDecision(const std::string& why) {
  return InvalidArgumentError("policy returned malformed decision: " + why);
}

// Reads field `name` of the table at `t` raw (+1, the caller pops).
int RawField(lua_State* L, int t, const char* name) {
  lua_pushstring(L, name);  // a short literal: interned at state build, so no allocation
  return lua_rawget(L, t);
}

// The table at `idx` read through a read-only proxy if it is one; pushes it (+1) or returns 0.
int PushPlainTable(lua_State* L, int idx) {
  if (lua_type(L, idx) != LUA_TTABLE) return 0;
  if (!sandbox::PushReadOnlyTarget(L, idx)) lua_pushvalue(L, idx);
  return lua_gettop(L);
}

std::string TypeName(lua_State* L, int idx) { return luaL_typename(L, idx); }

}  // namespace

StatusOr<config::Rule> ReadSelectedRule(lua_State* L, int first, const config::Config* config,
                                        const std::string& image) {
  first = lua_absindex(L, first);
  if (lua_isnil(L, first)) {
    if (lua_type(L, first + 1) == LUA_TSTRING) return NotFoundError(lua_tostring(L, first + 1));
    return NotFoundError("policy selected no rule for image " + image);
  }
  if (const config::Rule* rule = ToConfigRule(L, first)) return *rule;
  const int t = PushPlainTable(L, first);
  if (t == 0) return MalformedRule("expected a rule table or nil, got " + TypeName(L, first));
  config::Rule rule;
  rule.index = Policy::kScriptRuleIndex;
  if (RawField(L, t, "pattern") != LUA_TSTRING) {
    return MalformedRule("'pattern' must be a string, got " + TypeName(L, -1));
  }
  rule.pattern = lua_tostring(L, -1);
  lua_pop(L, 1);
  if (RawField(L, t, "validator") != LUA_TSTRING || lua_rawlen(L, -1) == 0) {
    return MalformedRule("'validator' must be a non-empty string, got " + TypeName(L, -1));
  }
  rule.validator = lua_tostring(L, -1);
  lua_pop(L, 1);
  const int with_type = RawField(L, t, "with");
  if (with_type != LUA_TNIL && with_type != LUA_TTABLE) {
    return MalformedRule("'with' must be a table, got " + TypeName(L, -1));
  }
  auto with = ToJson(L, -1);
  lua_pop(L, 2);
  if (!with.ok()) return MalformedRule("'with': " + with.status().message());
  rule.with_json = with->is_null() ? nlohmann::json::object() : std::move(with).value();
  auto options = config::ParseRuleOptions(rule.with_json);
  if (!options.ok()) return MalformedRule("'with': " + options.status().message());
  rule.with = std::move(options).value();
  if (config == nullptr || config->FindValidator(rule.validator) == nullptr) {
    return MalformedRule("validator \"" + rule.validator + "\" not found");
  }
  return rule;
}

StatusOr<AdmitDecision> ReadDecision(lua_State* L, int idx) {
  const int t = PushPlainTable(L, idx);
  if (t == 0) return MalformedDecision("expected a table, got " + TypeName(L, idx));
  AdmitDecision d;
  if (RawField(L, t, "allowed") != LUA_TBOOLEAN) {
    return MalformedDecision("'allowed' must be a boolean, got " + TypeName(L, -1));
  }
  d.allowed = lua_toboolean(L, -1) != 0;
  lua_pop(L, 1);
  const int message_type = RawField(L, t, "message");
  if (message_type == LUA_TSTRING) {
    d.message = lua_tostring(L, -1);
  } else if (message_type != LUA_TNIL) {
    return MalformedDecision("'message' must be a string, got " + TypeName(L, -1));
  }
  lua_pop(L, 1);
  const int warnings_type = RawField(L, t, "warnings");
  if (warnings_type == LUA_TTABLE) {
    const int w = PushPlainTable(L, -1);
    const lua_Unsigned n = lua_rawlen(L, w);
    for (lua_Unsigned i = 1; i <= n && i <= 100; i++) {
      if (lua_rawgeti(L, w, static_cast<lua_Integer>(i)) != LUA_TSTRING) {
        return MalformedDecision("'warnings' must be a list of strings");
      }
      d.warnings.emplace_back(lua_tostring(L, -1));
      lua_pop(L, 1);
    }
  } else if (warnings_type != LUA_TNIL) {
    return MalformedDecision("'warnings' must be a list of strings, got " + TypeName(L, -1));
  }
  lua_settop(L, t - 1);
  return d;
}

namespace {

// results[i].image: the image view, whose text is the reference as written; a reference that does
// not parse stays that string (its fields then read nil, as a string's do).
void PushResultImage(lua_State* L, const std::string& written) {
  auto ref = image::ImageReference::Parse(written);
  if (ref.ok()) {
    PushImage(L, *ref, ImageText::kAsWritten);
  } else {
    lua_pushlstring(L, written.data(), written.size());
  }
}

}  // namespace

void PushResults(lua_State* L, std::span<const ImageResult> results) {
  luaL_checkstack(L, 4, "results");
  lua_createtable(L, static_cast<int>(results.size()), 0);
  lua_Integer i = 1;
  for (const ImageResult& r : results) {
    lua_createtable(L, 0, 8);
    PushResultImage(L, r.image);
    lua_setfield(L, -2, "image");
    if (r.rule) {
      nlohmann::json rule = {{"pattern", r.rule->pattern},
                             {"validator", r.rule->validator},
                             {"with", r.rule->with_json}};
      PushJson(L, rule, true);
      lua_setfield(L, -2, "rule");
      lua_pushlstring(L, r.rule->validator.data(), r.rule->validator.size());
      lua_setfield(L, -2, "validator");
    }
    lua_pushboolean(L, r.allowed);
    lua_setfield(L, -2, "allowed");
    if (!r.digest.empty()) {
      lua_pushlstring(L, r.digest.data(), r.digest.size());
      lua_setfield(L, -2, "digest");
    }
    lua_pushlstring(L, r.reason.data(), r.reason.size());
    lua_setfield(L, -2, "reason");
    PushAttestations(L, r.attestations, r.attestation_errors, true);
    sandbox::MakeReadOnly(L);
    lua_rawseti(L, -2, i++);
  }
  sandbox::MakeReadOnly(L);
}

}  // namespace connaisseur::policy
