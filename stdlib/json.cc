// connaisseur.json: encode(value) -> text; decode(text) -> value | nil, err. Both refuse
// nesting deeper than sandbox::kMaxJsonDepth and input over kMaxInputBytes.
#include <nlohmann/json.hpp>
#include <string>

#include "runtime/sandbox/lua_json.h"
#include "stdlib/module.h"

namespace connaisseur::stdlib {
namespace {

// The deepest [ / { nesting of `text`, counted outside strings, in one pass.
int NestingDepth(std::string_view text) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == ']' || c == '}') {
      depth--;
    }
  }
  return max_depth;
}

int Encode(lua_State* L) {
  luaL_checkany(L, 1);
  std::string text;
  std::string error;
  {
    auto j = sandbox::ToJson(L, 1);
    if (j.ok()) {
      text = j->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      error = j.status().message();
    }
  }
  if (!error.empty()) return luaL_argerror(L, 1, error.c_str());
  ChargeBytes(L, text.size());
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

int Decode(lua_State* L) {
  const std::string_view text = CheckInput(L, 1);
  ChargeBytes(L, text.size());
  if (NestingDepth(text) > sandbox::kMaxJsonDepth) {
    lua_pushnil(L);
    lua_pushliteral(L, "JSON nested too deeply");
    return 2;
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    lua_pushnil(L);
    lua_pushliteral(L, "invalid JSON");
    return 2;
  }
  sandbox::PushJson(L, j, /*read_only=*/false);  // the script owns what it decoded
  return 1;
}

constexpr luaL_Reg kJson[] = {{"encode", Encode}, {"decode", Decode}, {nullptr, nullptr}};

}  // namespace

void OpenJson(lua_State* L) { RegisterModule(L, "json", kJson); }

}  // namespace connaisseur::stdlib
