// connaisseur.log: debug/info/warn(msg [, fields]) -> one structured line tagged source=policy
// with the request id; at most NativeContext::kMaxLogLinesPerCall lines per call.
#include <string>

#include "runtime/log/logger.h"
#include "runtime/policy/lua_json.h"
#include "runtime/policy/request_value.h"
#include "stdlib/module.h"

namespace connaisseur::stdlib {
namespace {

int LogAt(lua_State* L, log::Level level) {
  size_t len = 0;
  const char* msg = luaL_checklstring(L, 1, &len);
  sandbox::NativeContext& ctx = sandbox::GetContext(L);
  if (ctx.logger == nullptr || !ctx.logger->Enabled(level)) return 0;
  if (++ctx.log_lines > sandbox::NativeContext::kMaxLogLinesPerCall) return 0;
  {
    nlohmann::json fields = nlohmann::json::object();
    if (lua_type(L, 2) == LUA_TTABLE) {
      auto j = policy::ToJson(L, 2);
      if (j.ok() && j->is_object()) fields = std::move(j).value();
    }
    fields["source"] = "policy";
    if (ctx.request != nullptr && !ctx.request->request_id.empty()) {
      fields["uid"] = ctx.request->request_id;
    }
    const std::string_view text(msg, std::min(len, sandbox::NativeContext::kMaxLogLineBytes));
    ctx.logger->Log(level, text, fields);
  }
  return 0;
}

int Debug(lua_State* L) { return LogAt(L, log::Level::kDebug); }
int Info(lua_State* L) { return LogAt(L, log::Level::kInfo); }
int Warn(lua_State* L) { return LogAt(L, log::Level::kWarn); }

constexpr luaL_Reg kLog[] = {{"debug", Debug}, {"info", Info}, {"warn", Warn}, {nullptr, nullptr}};

}  // namespace

void OpenLog(lua_State* L) { RegisterModule(L, "log", kLog); }

}  // namespace connaisseur::stdlib
