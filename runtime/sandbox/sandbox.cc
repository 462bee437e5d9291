#include "runtime/sandbox/sandbox.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <lua.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "runtime/sandbox/environment.h"

namespace connaisseur::sandbox {
namespace {

const char kContextKey = 0;  // registry slot of the NativeContext

// Reaching the panic handler means a Lua error escaped every protected call: a bug in the host.
int Panic(lua_State* L) {
  const char* msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(no message)";
  // Dumped, not pasted: the message may hold quotes or newlines and must stay one JSON line.
  const std::string error =
      nlohmann::json(msg).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fprintf(stderr, "{\"level\":\"error\",\"msg\":\"lua panic\",\"error\":%s}\n", error.c_str());
  std::abort();
}

// What Run hands to the Trampoline (as light userdata).
struct Call {
  const std::function<void(lua_State*)>* fn;
  bool collect_first;  // run a full collection before fn
};

// Runs the Call passed as light userdata at index 1.
int Trampoline(lua_State* L) {
  const auto* call = static_cast<const Call*>(lua_touserdata(L, 1));
  lua_remove(L, 1);
  if (call->collect_first) {
    // Twice: the first cycle runs the finalizers of our userdata (bounded C++ destructors;
    // scripts cannot register any), the second frees what they released.
    lua_gc(L, LUA_GCCOLLECT);
    lua_gc(L, LUA_GCCOLLECT);
  }
  (*call->fn)(L);
  return 0;
}

}  // namespace

NativeContext& GetContext(lua_State* L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kContextKey);
  auto* ctx = static_cast<NativeContext*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  if (ctx == nullptr) luaL_error(L, "no native context installed");
  return *ctx;
}

void SetContext(lua_State* L, NativeContext* context) {
  lua_pushlightuserdata(L, context);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kContextKey);
}

Sandbox::Sandbox(std::unique_ptr<Budget> budget, LuaStatePtr L)
    : budget_(std::move(budget)),
      L_(std::move(L)),
      collect_above_(budget_->limits().memory_limit_bytes / 2) {}

Sandbox::~Sandbox() = default;

StatusOr<std::unique_ptr<Sandbox>> Sandbox::Create(const SandboxOptions& options) {
  if (options.context == nullptr) return InvalidArgumentError("sandbox: no native context");
  auto budget = std::make_unique<Budget>(options.limits);
  LuaStatePtr L(lua_newstate(&Budget::Allocate, budget.get()));
  if (L == nullptr) return ResourceExhaustedError("sandbox: cannot create a Lua state");
  lua_atpanic(L.get(), Panic);
  std::unique_ptr<Sandbox> sandbox(new Sandbox(std::move(budget), std::move(L)));
  // The message handler finds its Sandbox here: a light C function needs no allocation.
  *static_cast<Sandbox**>(lua_getextraspace(sandbox->state())) = sandbox.get();
  const std::vector<ModuleOpener>& modules = options.modules;
  NativeContext* context = options.context;
  Status s = sandbox->Run(Deadline::In(options.setup_timeout), [&](lua_State* L) {
    SetContext(L, context);
    BuildBaseEnvironment(L, modules);
  });
  if (!s.ok()) return s.WithPrefix("building the Lua sandbox");
  return sandbox;
}

int Sandbox::MessageHandler(lua_State* L) {
  Sandbox* self = *static_cast<Sandbox**>(lua_getextraspace(L));
  // Never calls __tostring: an error object's metamethods may loop or raise.
  if (lua_type(L, 1) != LUA_TSTRING && lua_type(L, 1) != LUA_TNUMBER) {
    lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    lua_replace(L, 1);
  }
  lua_Debug ar;
  self->error_where_.clear();
  for (int level = 1; lua_getstack(L, level, &ar) != 0; level++) {
    lua_getinfo(L, "Sl", &ar);
    if (ar.currentline > 0) {
      self->error_where_ = std::string(ar.short_src) + ":" + std::to_string(ar.currentline);
      break;
    }
  }
  lua_settop(L, 1);
  return 1;
}

Status Sandbox::Run(Deadline deadline, const std::function<void(lua_State*)>& fn) {
  if (broken_) return InternalError("sandbox: state is broken and must be rebuilt");
  lua_State* L = L_.get();
  const int top = lua_gettop(L);
  error_where_.clear();
  // Nothing here may allocate: outside lua_pcall a memory error would reach the panic handler
  // (abort), and a script can keep its state's heap within bytes of the budget across calls.
  // Light C functions and light userdata are plain values; lua_checkstack reports failure.
  if (!lua_checkstack(L, 3)) return ResourceExhaustedError("sandbox: Lua stack exhausted");
  lua_pushcfunction(L, &Sandbox::MessageHandler);
  lua_pushcfunction(L, Trampoline);
  // Lua's incremental collector keeps objects that await a finalizer (every image userdata)
  // alive for one more cycle and counts them in the heap it paces itself by, so a state that
  // leaves such garbage on every call drifted, cycle after cycle, into its memory budget with a
  // heap of garbage (a spurious "memory budget exceeded" every few hundred thousand selects
  // with 1,000 rules). Past half the budget, collect fully before the call instead; the next
  // collection waits for another eighth of the budget, so a big live heap is not collected on
  // every call.
  const size_t limit = budget_->limits().memory_limit_bytes;
  Call call{&fn, budget_->memory_used() > collect_above_};
  lua_pushlightuserdata(L, &call);
  budget_->Arm(L, deadline);
  const int rc = lua_pcall(L, 1, 0, top + 1);
  budget_->Disarm(L);
  if (call.collect_first) collect_above_ = std::max(limit / 2, budget_->memory_used() + limit / 8);

  std::string message;
  if (rc != LUA_OK && lua_type(L, -1) == LUA_TSTRING) message = lua_tostring(L, -1);
  lua_settop(L, top);
  if (rc == LUA_OK) return Status::Ok();

  if (!error_where_.empty() && message.rfind(error_where_, 0) != 0) {
    message = error_where_ + ": " + message;
  }
  if (budget_->overrun() != Overrun::kNone) {
    broken_ = true;
    Status s = budget_->OverrunStatus();
    return Status(s.code(), error_where_.empty() ? s.message() : error_where_ + ": " + s.message());
  }
  switch (rc) {
    case LUA_ERRRUN:
      return InvalidArgumentError(message);
    case LUA_ERRMEM:
      broken_ = true;
      return ResourceExhaustedError("out of memory: " + message);
    case LUA_ERRERR:
      return InvalidArgumentError("error in the error handler: " + message);
    default:
      // The C++ build of Lua catches foreign exceptions too (status -1): a native threw.
      broken_ = true;
      return InternalError("unexpected exception in a native function");
  }
}

}  // namespace connaisseur::sandbox
