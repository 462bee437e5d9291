// ImageEvaluator: `check`'s verdict for one image, by the webhook's per-image pipeline
// (webhook.md §3): parse, policy `select`, the rule's validator (through the shared verifier and
// its cache), policy `admit`, then detection mode. One per worker thread: it owns that worker's
// Lua state.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "runtime/admission/image_verifier.h"
#include "runtime/cli/check_result.h"
#include "runtime/config/config.h"
#include "runtime/sandbox/policy.h"

namespace connaisseur::cli {

struct EvaluationOptions {
  bool plan = false;       // select only: no validator runs, verdict "plan"
  bool detection = false;  // a deny becomes an allow whose reason says so
  std::string namespace_name = "default";
  std::chrono::milliseconds timeout{29'000};  // per image, like one admission request
};

class ImageEvaluator {
 public:
  // `config` and `verifier` are borrowed and shared between workers (`verifier` may be null in
  // plan mode); `policy` is this worker's own.
  ImageEvaluator(const config::Config* config, admission::ImageVerifier* verifier,
                 std::unique_ptr<sandbox::Policy> policy, const EvaluationOptions& options);

  // Never fails: every error is a deny with its reason.
  CheckResult Evaluate(const std::string& raw);

 private:
  CheckResult Decide(const std::string& raw);

  const config::Config* config_;        // borrowed
  admission::ImageVerifier* verifier_;  // borrowed, may be null
  std::unique_ptr<sandbox::Policy> policy_;
  EvaluationOptions options_;
  sandbox::PolicyRequest request_;
};

}  // namespace connaisseur::cli
