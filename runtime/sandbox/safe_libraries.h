// The replacements the sandbox installs over standard functions whose C work the count hook
// cannot see (see README.md). Each bounds or charges its work before doing it.
#pragma once

struct lua_State;

namespace connaisseur::sandbox {

// in: the stock `string` table at -1; out: same table, with find/match/gmatch/gsub replaced by
// budget-charged LuaPattern versions, rep bounded before allocating, and dump removed.
void ReplaceStringFunctions(lua_State* L);

// in: the stock `table` table at -1; out: same table, with move/sort/unpack/concat/insert/remove
// charging their element counts before the work.
void ReplaceTableFunctions(lua_State* L);

// in: the stock `utf8` table at -1; out: same, with len/codepoint/offset charging the length.
void ReplaceUtf8Functions(lua_State* L);

}  // namespace connaisseur::sandbox
