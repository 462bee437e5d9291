// JSON <-> Lua values for the sandbox: configuration and `with` options into Lua, script
// results and connaisseur.json.encode out of it.
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/status.h"

struct lua_State;

namespace connaisseur::policy {

// Deepest nesting either direction accepts; deeper input is refused, never recursed into.
inline constexpr int kMaxJsonDepth = 64;
// Most values (scalars and tables, counted each time they are visited) and string bytes one
// ToJson may produce. A table reached twice is converted twice, so without these a few
// hundred bytes of Lua (`t = {t, t}` forty times) would unfold into 2^40 values in C++, where
// neither the instruction hook nor the memory budget can see the work.
inline constexpr size_t kMaxJsonValues = 100'000;
inline constexpr size_t kMaxJsonBytes = 4u << 20;

// Pushes `j` as Lua (+1): objects and arrays become tables (arrays 1-based), null becomes nil;
// every table is read-only when `read_only`. Raises on memory errors and depth > kMaxJsonDepth.
void PushJson(lua_State* L, const nlohmann::json& j, bool read_only);

// Pushes a scalar `j` (string, boolean, number; null as nil) and returns true; pushes nothing
// and returns false for an object or array, which each caller builds its own way.
bool PushJsonScalar(lua_State* L, const nlohmann::json& j);

// Converts the value at `idx` to JSON without running any metamethod (raw reads only; our
// read-only proxies are read through). Tables with keys exactly 1..n are arrays, tables with
// string keys objects, the empty table an object. Functions, userdata, mixed or non-string keys,
// NaN/inf, nesting deeper than kMaxJsonDepth and output over kMaxJsonValues values or
// kMaxJsonBytes string bytes are kInvalidArgument naming the path.
// Does not allocate Lua memory and never raises.
StatusOr<nlohmann::json> ToJson(lua_State* L, int idx);

}  // namespace connaisseur::policy
