// Read-only views of Lua tables (runtime/sandbox/README.md). Stock Lua 5.4 has no read-only tables,
// so a frozen table is an empty proxy whose protected metatable reads through to the real table:
//   proxy --metatable--> { __index = real, __newindex = error, __len, __pairs,
//                          __metatable = false }
// getmetatable(proxy) answers false, setmetatable and rawset (absent from the sandbox) cannot
// reach the real table, and pairs/ipairs/# work as on the real table. Nothing hands the real
// table to a script.
#pragma once

struct lua_State;

namespace connaisseur::sandbox {

// in: table at -1; out: the table replaced by its read-only proxy. Raises on memory errors.
void MakeReadOnly(lua_State* L);

// in: table at -1; out: replaced by its proxy, with every nested plain table (reachable through
// values, not keys) made read-only first. Tables that are already proxies are kept; cycles are
// not supported (the tables we freeze are built by us and are trees).
void MakeReadOnlyDeep(lua_State* L);

// Whether the value at `idx` is a read-only proxy.
bool IsReadOnly(lua_State* L, int idx);

// If the value at `idx` is a read-only proxy, pushes the table behind it and returns true;
// otherwise pushes nothing and returns false. For host code that must read a proxy raw.
bool PushReadOnlyTarget(lua_State* L, int idx);

}  // namespace connaisseur::sandbox
