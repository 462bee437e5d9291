// ImageEvaluator: `check`'s verdict for one image, by the webhook's per-image pipeline
// (parse, policy `select`, the rule's validator through the shared verifier and its cache,
// policy `admit`, then detection mode). One per worker thread: it owns that worker's Lua state.
//
// Plan mode (`check --plan`) touches no network but still decides what needs none: the policy
// runs on an OfflineVerifier, so a `static` validator or an unconfigured one gives the
// webhook's allow or deny; an image whose verdict depends on a validator with a back-end
// (notaryv1, cosign, ...) gets verdict `plan`.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "runtime/cli/check_result.h"
#include "runtime/cli/offline_verifier.h"
#include "runtime/config/config.h"
#include "runtime/policy/policy.h"
#include "runtime/verification/image_verifier.h"

namespace connaisseur::cli {

struct EvaluationOptions {
  bool plan = false;       // no network: only what needs none is decided, the rest is "plan"
  bool detection = false;  // a deny becomes an allow whose reason says so
  std::string namespace_name = "default";
  std::chrono::milliseconds timeout{29'000};  // per image, like one admission request
};

class ImageEvaluator {
 public:
  // Builds a worker's policy around the verifier it is given (connaisseur.verify's).
  using PolicyFactory =
      std::function<StatusOr<std::unique_ptr<policy::Policy>>(verification::ImageVerifier*)>;

  // `config` and `verifier` are borrowed and shared between workers. In plan mode the policy
  // gets an OfflineVerifier in front of `verifier`, which then only answers `static` and
  // unconfigured validators. Fails when the policy does not load.
  static StatusOr<std::unique_ptr<ImageEvaluator>> Create(const config::Config* config,
                                                          verification::ImageVerifier* verifier,
                                                          const PolicyFactory& make_policy,
                                                          const EvaluationOptions& options);

  // Never fails: every error is a deny with its reason.
  CheckResult Evaluate(const std::string& raw);

 private:
  ImageEvaluator(const config::Config* config, verification::ImageVerifier* verifier,
                 std::unique_ptr<OfflineVerifier> offline, const EvaluationOptions& options);

  CheckResult Decide(const std::string& raw);
  // The rule's validator on `image`, then `admit`: sets the verdict, digest and reason.
  void VerifyAndAdmit(const config::Rule& rule, const image::ImageReference& image,
                      Deadline deadline, CheckResult* result);
  // In plan mode, when a verification needed a back-end: verdict `plan` with `why`.
  bool PlannedBecauseOfBackend(const std::string& why, CheckResult* result) const;

  const config::Config* config_;              // borrowed
  verification::ImageVerifier* verifier_;     // borrowed, or offline_.get() in plan mode
  std::unique_ptr<OfflineVerifier> offline_;  // plan mode only
  std::unique_ptr<policy::Policy> policy_;
  EvaluationOptions options_;
  policy::PolicyRequest request_;
};

}  // namespace connaisseur::cli
