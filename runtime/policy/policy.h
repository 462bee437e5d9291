// Policy: one compiled policy script in one sandboxed lua_State (docs/policy-lua.md,
// runtime/sandbox/README.md).
//
// Not thread-safe: one Policy per thread (the webhook keeps one per worker). Every call runs under
// the instruction, memory and wall-clock budgets of config::SandboxLimits; a call that exceeds a
// budget fails and the state is rebuilt from the source before the next call.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/deadline.h"
#include "runtime/image/image_reference.h"
#include "runtime/log/logger.h"
#include "runtime/policy/request_value.h"
#include "runtime/sandbox/native_context.h"
#include "runtime/status.h"
#include "runtime/verification/attestation.h"

namespace connaisseur::verification {
class ImageVerifier;  // only passed through to connaisseur.verify (stdlib/verify.cc)
}

namespace connaisseur::policy {

// One image's outcome, as `admit(request, results)` sees it.
struct ImageResult {
  std::string image;                 // the reference as written
  std::optional<config::Rule> rule;  // absent when selection failed
  bool allowed = false;
  std::string digest;  // "sha256:<hex>" or empty
  std::string reason;
  // What the validator verified beyond the signature (cosign `with.attestations: true`); empty for
  // skips (child, unchanged approval), failures and rules that did not ask.
  std::vector<verification::Attestation> attestations;
  std::vector<std::string> attestation_errors;
};

struct AdmitDecision {
  bool allowed = false;  // fail closed: only an explicit allow admits
  std::string message;
  std::vector<std::string> warnings;
  std::vector<std::string> alerts;  // what admit passed to connaisseur.alert, in call order
};

struct PolicyOptions {
  std::string source;      // Lua source text (never bytecode)
  std::string chunk_name;  // shown in errors as "<chunk_name>:<line>", e.g. "default.lua"
  const config::Config* config = nullptr;           // borrowed; must outlive the Policy
  const matching::RuleIndex* rules = nullptr;       // borrowed; for connaisseur.match.candidates
  verification::ImageVerifier* verifier = nullptr;  // borrowed; null → connaisseur.verify raises
  log::Logger* logger = nullptr;                    // borrowed; script logs and print()
  std::vector<sandbox::ModuleOpener>
      modules;  // see sandbox::ModuleOpener (stdlib::StandardModules())
  // Budgets; when unset, config->sandbox (or the defaults when config is null).
  std::optional<config::SandboxLimits> limits;
};

class Policy {
 public:
  static constexpr size_t kScriptRuleIndex = static_cast<size_t>(-1);

  // Builds the state, loads the script as text, runs its top level, checks that it returned a
  // table with a `select` function (and, if present, a function `admit`). Failures are
  // kInvalidArgument naming script and line (kResourceExhausted / kDeadlineExceeded when the
  // top level overran a budget).
  static StatusOr<std::unique_ptr<Policy>> Create(const PolicyOptions& options);
  ~Policy();
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

  // Runs `select(image, request)`. The returned rule has a validator that exists in the config
  // and parsed options. `nil, reason` → kNotFound(reason); a script error or malformed return →
  // kInvalidArgument, a budget overrun → kResourceExhausted / kDeadlineExceeded; every message
  // names the script and line ("policy.lua:12: ..."). A rule the script made itself (not one of
  // connaisseur.match.candidates) has index == kScriptRuleIndex.
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

}  // namespace connaisseur::policy
