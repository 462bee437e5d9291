// The frozen base environment every script reads through (runtime/sandbox/README.md).
#pragma once

#include <vector>

#include "runtime/sandbox/native_context.h"

struct lua_State;

namespace connaisseur::sandbox {

// Opens the allowed libraries, builds the `connaisseur` table with `modules`, freezes it all and
// stores the base environment proxy in the registry. Runs once per state, inside Run; raises.
void BuildBaseEnvironment(lua_State* L, const std::vector<ModuleOpener>& modules);

// Pushes the frozen base environment (+1).
void PushBaseEnvironment(lua_State* L);

}  // namespace connaisseur::sandbox
