// CaseRunner: runs the cases of `connaisseur test` against one loaded policy. Image cases go
// through the same per-image pipeline as `check` (ImageEvaluator): offline, only `select` and
// static validators run, and any other validator gives verdict "plan"; with `verify: true` the
// validator runs as in the webhook. Review and object cases go through the webhook's own
// admission::Reviewer (validators run, alerts are never sent).
#pragma once

#include <memory>
#include <string>

#include "runtime/cli/policy_cases.h"
#include "runtime/cli/policy_environment.h"
#include "runtime/cli/webhook_stack.h"
#include "runtime/log/logger.h"

namespace connaisseur::cli {

class CaseRunner {
 public:
  // `env` and `logger` are borrowed; `options` rebuilds the webhook stack for review cases.
  CaseRunner(PolicyEnvironment* env, EnvironmentOptions options, log::Logger* logger)
      : env_(env), options_(std::move(options)), logger_(logger) {}

  // What the case produced; a non-OK status is an error of the test setup (the script does not
  // load, a review is not an AdmissionReview), reported as a failing case.
  StatusOr<CaseOutcome> Run(const PolicyCase& c);

 private:
  StatusOr<CaseOutcome> RunImage(const PolicyCase& c);
  StatusOr<CaseOutcome> RunReview(const PolicyCase& c);
  // What request.namespace_labels reads in case `c`: its namespace_labels, else an error naming
  // the missing key.
  static policy::NamespaceLabelFetch LabelsOf(const PolicyCase& c);

  PolicyEnvironment* env_;  // borrowed
  EnvironmentOptions options_;
  log::Logger* logger_;                  // borrowed
  std::unique_ptr<WebhookStack> stack_;  // built for the first review case
  // The running review case's labels; the stack's fetch reads them (same thread, one case at a
  // time).
  policy::NamespaceLabelFetch case_labels_;
};

}  // namespace connaisseur::cli
