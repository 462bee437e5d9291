#include "runtime/policy/policy.h"

#include <lua.hpp>

#include "runtime/policy/image_value.h"
#include "runtime/policy/script_results.h"
#include "runtime/sandbox/read_only.h"
#include "runtime/sandbox/sandbox.h"

namespace connaisseur::policy {

struct Policy::State {
  PolicyOptions options;
  config::SandboxLimits limits;
  sandbox::NativeContext context;
  std::unique_ptr<sandbox::Sandbox> jail;  // null until built, and after a broken call
  int select_ref = LUA_NOREF;
  int admit_ref = LUA_NOREF;
  std::string select_where;  // "<chunk>:<line>" where select is defined

  // (Re)builds the sandbox and runs the script's top level.
  Status Build();
  // Runs fn in the sandbox for one select/admit call of `request`.
  Status Call(const PolicyRequest& request, Deadline deadline,
              const std::function<void(lua_State*)>& fn);
};

namespace {

// "<chunk>:<line>" of the Lua function at `idx`.
std::string DefinedAt(lua_State* L, int idx) {
  lua_Debug ar;
  lua_pushvalue(L, idx);
  lua_getinfo(L, ">S", &ar);
  return std::string(ar.short_src) + ":" + std::to_string(ar.linedefined);
}

}  // namespace

Status Policy::State::Build() {
  jail.reset();
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.limits = limits;
  sandbox_options.context = &context;
  sandbox_options.modules = options.modules;
  CN_ASSIGN_OR_RETURN(jail, sandbox::Sandbox::Create(sandbox_options));
  Status shape;
  const std::string& chunk = options.chunk_name;
  Status s =
      jail->Run(Deadline::In(std::chrono::milliseconds(limits.call_timeout_ms)), [&](lua_State* L) {
        sandbox::LoadScript(L, options.source, chunk);
        if (lua_type(L, -1) != LUA_TTABLE) {
          shape = InvalidArgumentError(chunk +
                                       ": the script must return a table with a function "
                                       "'select', it returned a " +
                                       luaL_typename(L, -1));
          return;
        }
        if (!sandbox::PushReadOnlyTarget(L, -1)) lua_pushvalue(L, -1);
        const int t = lua_gettop(L);
        lua_pushliteral(L, "select");
        if (lua_rawget(L, t) != LUA_TFUNCTION) {
          shape = InvalidArgumentError(chunk + ": the returned table has no function 'select'");
          return;
        }
        select_where = DefinedAt(L, -1);
        select_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        lua_pushliteral(L, "admit");
        const int admit_type = lua_rawget(L, t);
        if (admit_type == LUA_TFUNCTION) {
          admit_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        } else if (admit_type != LUA_TNIL) {
          shape = InvalidArgumentError(chunk + ": 'admit' must be a function, got a " +
                                       luaL_typename(L, -1));
        }
      });
  if (s.ok()) s = shape;
  if (!s.ok()) jail.reset();
  return s;
}

Status Policy::State::Call(const PolicyRequest& request, Deadline deadline,
                           const std::function<void(lua_State*)>& fn) {
  if (jail == nullptr || jail->broken()) {
    // The last call overran a budget: its state may be half-updated, so start over.
    Status rebuilt = Build();
    if (!rebuilt.ok()) return rebuilt.WithPrefix("rebuilding the policy state");
  }
  context.request = &request;
  context.deadline = deadline;
  context.call_serial++;
  context.log_lines = 0;
  Status s = jail->Run(deadline, fn);
  context.request = nullptr;
  context.call_serial++;  // every view of this request is now dead
  return s;
}

Policy::Policy(std::unique_ptr<State> state) : state_(std::move(state)) {}
Policy::~Policy() = default;

StatusOr<std::unique_ptr<Policy>> Policy::Create(const PolicyOptions& options) {
  auto state = std::make_unique<State>();
  state->options = options;
  if (state->options.chunk_name.empty()) state->options.chunk_name = "policy.lua";
  state->limits = options.limits   ? *options.limits
                  : options.config ? options.config->sandbox
                                   : config::SandboxLimits{};
  state->context.config = options.config;
  state->context.rules = options.rules;
  state->context.verifier = options.verifier;
  state->context.logger = options.logger;
  CN_RETURN_IF_ERROR(state->Build());
  return std::unique_ptr<Policy>(new Policy(std::move(state)));
}

bool Policy::has_admit() const { return state_->admit_ref != LUA_NOREF; }

StatusOr<config::Rule> Policy::Select(const image::ImageReference& image,
                                      const PolicyRequest& request, Deadline deadline) {
  State& st = *state_;
  std::optional<StatusOr<config::Rule>> out;
  Status s = st.Call(request, deadline, [&](lua_State* L) {
    luaL_checkstack(L, 4, "select");
    lua_rawgeti(L, LUA_REGISTRYINDEX, st.select_ref);
    PushImage(L, image);
    PushRequest(L);
    lua_call(L, 2, 2);
    out.emplace(ReadSelectedRule(L, -2, st.options.config, image.normalized()));
  });
  if (!s.ok()) return s;
  StatusOr<config::Rule> rule = std::move(*out);
  if (!rule.ok() && rule.status().code() == StatusCode::kInvalidArgument) {
    return rule.status().WithPrefix(st.select_where);  // malformed: name select's definition
  }
  return rule;
}

StatusOr<AdmitDecision> Policy::Admit(const PolicyRequest& request,
                                      std::span<const ImageResult> results, Deadline deadline) {
  State& st = *state_;
  if (!has_admit()) {
    AdmitDecision d;
    d.allowed = !results.empty();
    for (const ImageResult& r : results) {
      if (!r.allowed) {
        d.allowed = false;
        if (d.message.empty()) d.message = r.reason;
      }
    }
    if (results.empty()) d.allowed = true;  // nothing to check
    return d;
  }
  std::optional<StatusOr<AdmitDecision>> out;
  std::vector<std::string> alerts;
  Status s = st.Call(request, deadline, [&](lua_State* L) {
    st.context.alerts = &alerts;  // connaisseur.alert works in admit only (not in a rebuild)
    luaL_checkstack(L, 4, "admit");
    lua_rawgeti(L, LUA_REGISTRYINDEX, st.admit_ref);
    PushRequest(L);
    PushResults(L, results);
    lua_call(L, 2, 1);
    out.emplace(ReadDecision(L, -1));
  });
  st.context.alerts = nullptr;
  if (!s.ok()) return s;
  StatusOr<AdmitDecision> decision = std::move(*out);
  if (!decision.ok()) return decision.status().WithPrefix(st.options.chunk_name + ": admit");
  decision->alerts = std::move(alerts);
  return decision;
}

}  // namespace connaisseur::policy
