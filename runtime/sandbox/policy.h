// Policy: one compiled policy script in one sandboxed lua_State (lua-api.md, style.md §4).
//
// Not thread-safe: one Policy per worker thread (see PolicyPool). Every call runs under the
// instruction, memory and wall-clock budgets of config::SandboxLimits; a call that exceeds a
// budget fails and the state is rebuilt from the source before the next call.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/admission/image_verifier.h"
#include "runtime/config/config.h"
#include "runtime/deadline.h"
#include "runtime/image/image_reference.h"
#include "runtime/log/logger.h"
#include "runtime/status.h"

struct lua_State;

namespace connaisseur::matching {
class RuleIndex;
}

namespace connaisseur::sandbox {

// What `request` shows a script; its Lua table is built lazily (unread fields cost nothing).
struct PolicyRequest {
  std::string kind = "Image";  // Kubernetes kind, "Image" in `check`
  std::string namespace_name = "default";
  std::string name;
  std::string operation = "CREATE";
  bool dry_run = false;
  std::string request_id;  // AdmissionReview uid, for log lines
  // The AdmissionReview `request` object (userInfo, object, oldObject, ...); null in `check`.
  const nlohmann::json* admission_request = nullptr;  // borrowed for the call
  const nlohmann::json* namespace_labels = nullptr;   // borrowed for the call, may be null
};

// One image's outcome, as `admit(request, results)` sees it.
struct ImageResult {
  std::string image;                // the reference as written
  std::optional<config::Rule> rule;  // absent when selection failed
  bool allowed = false;
  std::string digest;  // "sha256:<hex>" or empty
  std::string reason;
};

struct AdmitDecision {
  bool allowed = false;  // fail closed: only an explicit allow admits
  std::string message;
  std::vector<std::string> warnings;
};

// Called once per new lua_State, after the sandbox is built and before the script's top level
// runs, to register native modules into the `connaisseur` table at stack index -1.
// stdlib/ provides the standard set; the composition root passes it in.
using ModuleOpener = void (*)(lua_State* L);

struct PolicyOptions {
  std::string source;      // Lua source text (never bytecode)
  std::string chunk_name;  // shown in errors as "<chunk_name>:<line>", e.g. "default.lua"
  const config::Config* config = nullptr;         // borrowed; must outlive the Policy
  const matching::RuleIndex* rules = nullptr;     // borrowed; for connaisseur.match.candidates
  admission::ImageVerifier* verifier = nullptr;   // borrowed; null → connaisseur.verify raises
  log::Logger* logger = nullptr;                  // borrowed; script logs and print()
  std::vector<ModuleOpener> modules;              // see ModuleOpener
};

class Policy {
 public:
  // Builds the state, loads the script as text, runs its top level, checks that it returned a
  // table with a `select` function. Failures are kInvalidArgument naming script and line.
  static StatusOr<std::unique_ptr<Policy>> Create(const PolicyOptions& options);
  ~Policy();
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

  // Runs `select(image, request)`. The returned rule has a validator that exists in the config
  // and parsed options. `nil, reason` → kNotFound(reason); a script error, budget overrun or
  // malformed return → a non-OK Status whose message names the script and line.
  StatusOr<config::Rule> Select(const image::ImageReference& image, const PolicyRequest& request,
                                Deadline deadline);

  bool has_admit() const;

  // Runs `admit(request, results)`; without an `admit` function: allowed iff every result is.
  StatusOr<AdmitDecision> Admit(const PolicyRequest& request, std::span<const ImageResult> results,
                                Deadline deadline);

 private:
  struct State;
  explicit Policy(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace connaisseur::sandbox
