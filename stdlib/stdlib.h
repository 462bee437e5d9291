// stdlib/: the `connaisseur` module policy scripts call (docs/policy-lua.md). Bindings only
// marshal: check arguments, call the C++ API, push results. One Open… per Lua module, each filling
// its field of the `connaisseur` table at stack index -1 (the sandbox freezes it afterwards).
#pragma once

#include <vector>

#include "runtime/sandbox/native_context.h"

struct lua_State;

namespace connaisseur::stdlib {

void OpenImage(lua_State* L);          // connaisseur.image.parse
void OpenMatch(lua_State* L);          // connaisseur.match.glob / candidates
void OpenCrypto(lua_State* L);         // connaisseur.crypto.sha256 / verify
void OpenBase64(lua_State* L);         // connaisseur.base64.encode / decode
void OpenJson(lua_State* L);           // connaisseur.json.encode / decode
void OpenLog(lua_State* L);            // connaisseur.log.debug / info / warn
void OpenConfig(lua_State* L);         // connaisseur.config (read-only, built once per state)
void OpenVerify(lua_State* L);         // connaisseur.verify
void OpenDefaultPolicy(lua_State* L);  // connaisseur.default_policy
void OpenTime(lua_State* L);           // connaisseur.time.now / parse
void OpenAlert(lua_State* L);          // connaisseur.alert (admit only)

// Every module above, for PolicyOptions::modules.
std::vector<sandbox::ModuleOpener> StandardModules();

// Longest string argument a native accepts (bytes); longer input is refused before any work.
inline constexpr size_t kMaxInputBytes = 4u << 20;

}  // namespace connaisseur::stdlib
