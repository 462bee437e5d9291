// NativeContext: what native functions (stdlib/) may use, reached through a registry slot keyed
// by the address of a static (never a global variable). One per lua_State, owned by its Policy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/deadline.h"
#include "runtime/log/logger.h"

struct lua_State;

namespace connaisseur::matching {
class RuleIndex;
}
namespace connaisseur::verification {
class ImageVerifier;  // used by stdlib/verify.cc only; the sandbox never calls it
}
namespace connaisseur::policy {
struct PolicyRequest;
}

namespace connaisseur::sandbox {

// Called once per new lua_State, after the sandbox is built and before the script's top level
// runs, to register native modules into the `connaisseur` table at stack index -1 (which the
// sandbox freezes afterwards). Runs inside a protected call: it may raise.
using ModuleOpener = void (*)(lua_State* L);

struct NativeContext {
  // For the life of the state; all borrowed, any may be null.
  const config::Config* config = nullptr;
  const matching::RuleIndex* rules = nullptr;
  verification::ImageVerifier* verifier = nullptr;
  log::Logger* logger = nullptr;

  // For the current call only.
  const policy::PolicyRequest* request = nullptr;  // null outside select/admit
  Deadline deadline = Deadline::Infinite();        // the request's deadline (validators use it)
  uint64_t call_serial = 0;                        // bumped per call: views of older calls are dead
  int log_lines = 0;                               // lines logged by this call (print, log.*)
  // Where connaisseur.alert records its messages: set only while `admit` runs, else null.
  std::vector<std::string>* alerts = nullptr;

  // print() and connaisseur.log.* stop after this many lines per call (flooding).
  static constexpr int kMaxLogLinesPerCall = 100;
  // Longest logged message; longer text is cut.
  static constexpr size_t kMaxLogLineBytes = 4096;
  // connaisseur.alert: messages per admit call, and the longest message (longer text is cut).
  static constexpr size_t kMaxAlertsPerCall = 10;
  static constexpr size_t kMaxAlertBytes = 1024;
};

// The context of `L`. Raises if none was installed (a bug).
NativeContext& GetContext(lua_State* L);
// Installs `context` (borrowed; must outlive L's use). Does not allocate.
void SetContext(lua_State* L, NativeContext* context);

}  // namespace connaisseur::sandbox
