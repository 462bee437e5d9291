// Rules as Lua values: {pattern=str, validator=str, with=table, index=int}, read-only.
// A configured rule's table is built once per state and reused (select runs per image; a policy
// may have 1,000 rules), and the host recognises it when a script returns it unchanged.
#pragma once

#include "runtime/config/config.h"

struct lua_State;

namespace connaisseur::policy {

// Pushes the cached read-only table of configured rule `rule` (+1). `rule` must live in the
// Config the state was built for (its address is the cache key).
void PushConfigRule(lua_State* L, const config::Rule& rule);

// The configured rule whose table is at `idx`, or null for any other value. Raw: no metamethod.
const config::Rule* ToConfigRule(lua_State* L, int idx);

}  // namespace connaisseur::policy
