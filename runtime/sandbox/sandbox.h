// Sandbox: one lua_State built by the recipe of runtime/sandbox/README.md and the only way into it.
//
// The state opens base (minus dofile, loadfile, load, collectgarbage, rawset; print logs),
// string (minus dump, budgeted patterns), table, math (seeded per state), utf8 and the
// `connaisseur` module, each frozen read-only. Scripts are loaded as text only, each with its
// own _ENV sealed after its top level. Every entry runs through Run(), under the budgets.
// Not thread-safe: one Sandbox per thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/deadline.h"
#include "runtime/sandbox/budget.h"
#include "runtime/sandbox/lua_ptr.h"
#include "runtime/sandbox/native_context.h"
#include "runtime/status.h"

namespace connaisseur::sandbox {

struct SandboxOptions {
  config::SandboxLimits limits;       // budgets; see config::SandboxLimits for defaults
  NativeContext* context = nullptr;   // borrowed, installed in the state; required
  std::vector<ModuleOpener> modules;  // fill the `connaisseur` table
  // Wall clock for building the state (module openers), since no request deadline applies.
  std::chrono::milliseconds setup_timeout{1000};
};

class Sandbox {
 public:
  static StatusOr<std::unique_ptr<Sandbox>> Create(const SandboxOptions& options);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // Runs fn(L) as one protected call under the budgets (instruction count, memory, `deadline`
  // tightened by limits.call_timeout_ms), with the stack restored afterwards. fn may call the
  // Lua API freely; Lua errors it raises (or that reach it) end the call. Returns:
  //   kResourceExhausted / kDeadlineExceeded  a budget overran (the sandbox is now broken());
  //   kInvalidArgument                         a Lua error, "<chunk>:<line>: <message>";
  //   kInternal                                an exception that was not a Lua error.
  // fn itself must not throw C++ exceptions of its own.
  Status Run(Deadline deadline, const std::function<void(lua_State*)>& fn);

  // True after an overrun or memory error: the state may be half-updated and must be dropped.
  bool broken() const { return broken_; }

  lua_State* state() const { return L_.get(); }
  const Budget& budget() const { return *budget_; }

 private:
  Sandbox(std::unique_ptr<Budget> budget, LuaStatePtr L);
  static int MessageHandler(lua_State* L);

  std::unique_ptr<Budget> budget_;  // the allocator of L_: declared first, destroyed last
  LuaStatePtr L_;
  bool broken_ = false;
  size_t collect_above_;     // Run collects fully first once the heap is bigger (see Run)
  std::string error_where_;  // "<chunk>:<line>" of the innermost Lua frame of the last error
};

// Inside Run: loads `source` as a text chunk named "=<chunk_name>" with its own environment
// (reads fall back to the frozen base, unknown names raise), runs its top level, seals the
// environment and leaves the chunk's first result on the stack (+1). Raises on any error.
void LoadScript(lua_State* L, std::string_view source, std::string_view chunk_name);

}  // namespace connaisseur::sandbox
