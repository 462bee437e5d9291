// connaisseur.json: encode(value) -> text; decode(text) -> value | nil, err. Both refuse
// nesting deeper than policy::kMaxJsonDepth and input over kMaxInputBytes; decode also refuses
// input whose values could not fit in the script's remaining memory budget.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "runtime/policy/lua_json.h"
#include "runtime/sandbox/budget.h"
#include "stdlib/module.h"

namespace connaisseur::stdlib {
namespace {

// Bytes one decoded value may take in the nlohmann tree (a json node plus its container or
// map node, allocator overhead included): the estimate the memory check below uses.
constexpr size_t kTreeBytesPerValue = 64;

struct Shape {
  int depth = 0;      // deepest [ / { nesting
  size_t values = 1;  // upper bound on the values: one, plus one per [ { , :
};

// The shape of `text`, counted outside strings, in one pass.
Shape Measure(std::string_view text) {
  Shape shape;
  int depth = 0;
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
      shape.depth = std::max(shape.depth, ++depth);
      ++shape.values;
    } else if (c == ']' || c == '}') {
      depth--;
    } else if (c == ',' || c == ':') {
      ++shape.values;
    }
  }
  return shape;
}

int Encode(lua_State* L) {
  luaL_checkany(L, 1);
  std::string text;
  std::string error;
  {
    auto j = policy::ToJson(L, 1);
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
  const Shape shape = Measure(text);
  if (shape.depth > policy::kMaxJsonDepth) {
    lua_pushnil(L);
    lua_pushliteral(L, "JSON nested too deeply");
    return 2;
  }
  // The tree is built outside the Lua heap, so the memory limit would not see it; the tables
  // made from it cost at least as much, so input whose tree cannot fit in what is left of the
  // state's memory budget is refused before parsing.
  const sandbox::Budget& budget = sandbox::GetBudget(L);
  const size_t limit = budget.limits().memory_limit_bytes;
  const size_t left = limit - std::min(budget.memory_used(), limit);
  if (shape.values > left / kTreeBytesPerValue) {
    lua_pushnil(L);
    lua_pushliteral(L, "JSON too large for the script's memory limit");
    return 2;
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    lua_pushnil(L);
    lua_pushliteral(L, "invalid JSON");
    return 2;
  }
  policy::PushJson(L, j, /*read_only=*/false);  // the script owns what it decoded
  return 1;
}

constexpr luaL_Reg kJson[] = {{"encode", Encode}, {"decode", Decode}, {nullptr, nullptr}};

}  // namespace

void OpenJson(lua_State* L) { RegisterModule(L, "json", kJson); }

}  // namespace connaisseur::stdlib
