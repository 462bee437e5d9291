// ImageEvaluator: `check`'s and `test`'s verdict for one image, decided exactly as the webhook
// decides a request holding only that image: admission::DecideImages (parse, policy `select`,
// the rule's validator through the shared verifier and its cache, the pinned digest), then the
// request's verdict (admission::AdmitChecks, the policy's `admit`), then detection mode
// (admission::ApplyDetectionMode), written as one row (admission::ReportImage). One per worker
// thread: it owns that worker's Lua state.
//
// Plan mode (`check --plan`) touches no network but still decides what needs none: the policy
// and the pipeline get OfflineVerifiers, so a `static` validator or an unconfigured one gives the
// webhook's allow or deny; an image whose verdict depends on a validator with a back-end
// (notaryv1, cosign, ...) gets verdict `plan`.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "runtime/admission/image_check.h"
#include "runtime/admission/policy_runner.h"
#include "runtime/cli/check_result.h"
#include "runtime/cli/offline_verifier.h"
#include "runtime/config/config.h"
#include "runtime/log/logger.h"
#include "runtime/policy/namespace_labels.h"
#include "runtime/policy/policy.h"
#include "runtime/verification/image_verifier.h"

namespace connaisseur::cli {

struct EvaluationOptions {
  bool plan = false;       // no network: only what needs none is decided, the rest is "plan"
  bool detection = false;  // a deny becomes an allow whose reason says so
  std::string namespace_name = "default";
  // request.namespace_labels (check: --namespace-labels; test: a case's namespace_labels).
  // Empty: reading them raises.
  policy::NamespaceLabelFetch namespace_labels;
  std::chrono::milliseconds timeout{29'000};  // per image, like one admission request
};

class ImageEvaluator {
  struct PassKey {  // private: only Create builds an evaluator
    explicit PassKey() = default;
  };

 public:
  // Builds a worker's policy around the verifier it is given (connaisseur.verify's).
  using PolicyFactory =
      std::function<StatusOr<std::unique_ptr<policy::Policy>>(verification::ImageVerifier*)>;

  // `config` and `verifier` are borrowed and shared between workers. In plan mode the policy
  // and the pipeline get OfflineVerifiers in front of `verifier`, which then only answers
  // `static` and unconfigured validators. Fails when the policy does not load.
  static StatusOr<std::unique_ptr<ImageEvaluator>> Create(const config::Config* config,
                                                          verification::ImageVerifier* verifier,
                                                          const PolicyFactory& make_policy,
                                                          const EvaluationOptions& options);

  ImageEvaluator(PassKey, const config::Config* config, verification::ImageVerifier* verifier,
                 const EvaluationOptions& options);

  // Never fails: every error is a deny with its reason.
  CheckResult Evaluate(const std::string& raw);

 private:
  // The decided image as one request: `admit`, then detection mode.
  CheckResult Admit(const admission::ImageCheck& check, Deadline deadline);
  // In plan mode, when `offline` needed a back-end: the `plan` row saying `why` (with the
  // selected rule when `with_rule`).
  std::optional<CheckResult> Planned(const admission::ImageCheck& check,
                                     const OfflineVerifier* offline, const std::string& why,
                                     bool with_rule) const;

  log::NullLogger logger_;  // DecideImages logs only skips, which `check` never asks for
  // Plan mode only: connaisseur.verify's (in the policy) and the rule's validator's.
  std::unique_ptr<OfflineVerifier> policy_offline_;
  std::unique_ptr<OfflineVerifier> rule_offline_;
  admission::ImageCheckContext ctx_;  // verifier: `verifier`, or rule_offline_ in plan mode
  std::unique_ptr<admission::PolicyRunner> policy_;
  EvaluationOptions options_;
  policy::PolicyRequest request_;
};

}  // namespace connaisseur::cli
