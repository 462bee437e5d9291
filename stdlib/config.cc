// connaisseur.config: the configuration's public view (Config::PublicJson: no secrets), as
// read-only tables built once per state.
#include "runtime/policy/lua_json.h"
#include "stdlib/module.h"

namespace connaisseur::stdlib {

void OpenConfig(lua_State* L) {
  const sandbox::NativeContext& ctx = sandbox::GetContext(L);
  if (ctx.config != nullptr) {
    policy::PushJson(L, ctx.config->PublicJson(), /*read_only=*/true);
  } else {
    lua_newtable(L);
  }
  lua_setfield(L, -2, "config");
}

}  // namespace connaisseur::stdlib
