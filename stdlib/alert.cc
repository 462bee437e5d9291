// connaisseur.alert(message): asks for an alert about the current request. Only `admit` may call
// it (select runs per image, before the request's verdict exists). The messages of one call are
// sent after the verdict as one event on the rejectRequest receivers, "CONNAISSEUR policy alert:
// <messages joined by '; '>", whatever the verdict (so a policy can admit and still alert); none
// are sent for dry-run requests or by `check`/`test`. Each message is cut at
// NativeContext::kMaxAlertBytes; past kMaxAlertsPerCall the call raises (a loop, not a policy).
#include <string>

#include "stdlib/module.h"

namespace connaisseur::stdlib {
namespace {

int Alert(lua_State* L) {
  size_t len = 0;
  const char* message = luaL_checklstring(L, 1, &len);
  sandbox::NativeContext& ctx = sandbox::GetContext(L);
  if (ctx.alerts == nullptr) return luaL_error(L, "connaisseur.alert: only admit may raise alerts");
  if (ctx.alerts->size() >= sandbox::NativeContext::kMaxAlertsPerCall) {
    return luaL_error(L, "connaisseur.alert: more than %d alerts in one call",
                      static_cast<int>(sandbox::NativeContext::kMaxAlertsPerCall));
  }
  ChargeBytes(L, len);
  ctx.alerts->emplace_back(message, std::min(len, sandbox::NativeContext::kMaxAlertBytes));
  return 0;
}

}  // namespace

void OpenAlert(lua_State* L) {
  lua_pushcfunction(L, Alert);
  lua_setfield(L, -2, "alert");
}

}  // namespace connaisseur::stdlib
