// JSON <-> Lua values for the sandbox: configuration and `with` options into Lua, script
// results and connaisseur.json.encode out of it.
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/status.h"

struct lua_State;

namespace connaisseur::sandbox {

// Deepest nesting either direction accepts; deeper input is refused, never recursed into.
inline constexpr int kMaxJsonDepth = 64;

// Pushes `j` as Lua (+1): objects and arrays become tables (arrays 1-based), null becomes nil;
// every table is read-only when `read_only`. Raises on memory errors and depth > kMaxJsonDepth.
void PushJson(lua_State* L, const nlohmann::json& j, bool read_only);

// Converts the value at `idx` to JSON without running any metamethod (raw reads only; our
// read-only proxies are read through). Tables with keys exactly 1..n are arrays, tables with
// string keys objects, the empty table an object. Functions, userdata, mixed or non-string keys,
// NaN/inf and nesting deeper than kMaxJsonDepth are kInvalidArgument naming the path.
// Does not allocate Lua memory and never raises.
StatusOr<nlohmann::json> ToJson(lua_State* L, int idx);

}  // namespace connaisseur::sandbox
