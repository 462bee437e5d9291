#include "runtime/cli/image_evaluator.h"

#include "runtime/admission/image_report.h"
#include "runtime/admission/request_decision.h"
#include "runtime/deadline.h"

namespace connaisseur::cli {
namespace {

CheckResult RowOf(const admission::ImageReport& report) {
  CheckResult row;
  row.image = report.image;
  row.normalized = report.normalized;
  row.rule = report.rule;
  row.validator = report.validator;
  row.verdict = report.allowed ? Verdict::kAllow : Verdict::kDeny;
  row.digest = report.digest;
  row.reason = report.reason;
  row.detection_override = report.detection_override;
  return row;
}

}  // namespace

StatusOr<std::unique_ptr<ImageEvaluator>> ImageEvaluator::Create(
    const config::Config* config, verification::ImageVerifier* verifier,
    const PolicyFactory& make_policy, const EvaluationOptions& options) {
  auto evaluator = std::make_unique<ImageEvaluator>(PassKey{}, config, verifier, options);
  verification::ImageVerifier* policy_verifier = verifier;
  if (options.plan) {
    evaluator->policy_offline_ = std::make_unique<OfflineVerifier>(config, verifier);
    evaluator->rule_offline_ = std::make_unique<OfflineVerifier>(config, verifier);
    policy_verifier = evaluator->policy_offline_.get();
    evaluator->ctx_.verifier = evaluator->rule_offline_.get();
  }
  CN_ASSIGN_OR_RETURN(auto policy, make_policy(policy_verifier));
  evaluator->policy_ = std::make_unique<admission::ScriptPolicyRunner>(std::move(policy));
  return evaluator;
}

ImageEvaluator::ImageEvaluator(PassKey, const config::Config* config,
                               verification::ImageVerifier* verifier,
                               const EvaluationOptions& options)
    : options_(options) {
  ctx_.config = config;
  ctx_.verifier = verifier;
  ctx_.logger = &logger_;
  request_.kind = "Image";
  request_.namespace_name = options.namespace_name;
  request_.namespace_labels = options.namespace_labels;
}

CheckResult ImageEvaluator::Evaluate(const std::string& raw) {
  if (policy_offline_ != nullptr) {
    policy_offline_->Reset();
    rule_offline_->Reset();
  }
  const Deadline deadline = Deadline::In(options_.timeout);
  std::vector<admission::ImageCheck> checks = admission::DecideImages(
      std::span(&raw, 1), request_, /*pull=*/{}, /*skips=*/{}, *policy_, ctx_, deadline);
  const admission::ImageCheck& check = checks.front();
  // A select that verifies (e.g. "a notary signature, then cosign") depends on the back-end.
  if (auto plan = Planned(check, policy_offline_.get(), "the policy's select", false)) {
    return *plan;
  }
  if (check.result.rule.has_value()) {
    const config::Rule& rule = *check.result.rule;
    if (auto plan =
            Planned(check, rule_offline_.get(),
                    "rule " + rule.pattern + " selects validator " + rule.validator, true)) {
      return *plan;
    }
  }
  return Admit(check, deadline);
}

CheckResult ImageEvaluator::Admit(const admission::ImageCheck& check, Deadline deadline) {
  admission::AdmitOutcome admitted;  // a timed-out image is denied with its reason, as is
  if (check.timed_out) {
    admitted.outcome = admission::AdmissionOutcome::Deny(check.result.reason);
  } else {
    admitted = admission::AdmitChecks(*policy_, request_, std::span(&check.result, 1), deadline);
  }
  if (auto plan = Planned(check, policy_offline_.get(), "the policy's admit", true)) {
    return *plan;
  }
  const bool overridden = options_.detection && admission::ApplyDetectionMode(admitted.outcome);
  return RowOf(admission::ReportImage(check, admitted.outcome, admitted.policy_message, overridden,
                                      /*sole_image=*/true));
}

std::optional<CheckResult> ImageEvaluator::Planned(const admission::ImageCheck& check,
                                                   const OfflineVerifier* offline,
                                                   const std::string& why, bool with_rule) const {
  if (offline == nullptr || !offline->needed_backend()) return std::nullopt;
  CheckResult row;
  row.image = check.result.image;
  if (!check.normalized.empty()) row.normalized = check.normalized;
  if (with_rule && check.result.rule.has_value()) {
    row.rule = check.result.rule->pattern;
    row.validator = check.result.rule->validator;
  }
  row.verdict = Verdict::kPlan;
  row.reason = offline == rule_offline_.get()
                   ? why
                   : why + " verifies with validator " + offline->backend_validator() +
                         ", which needs its back-end (not contacted with --plan)";
  return row;
}

}  // namespace connaisseur::cli
