#include "runtime/cli/image_evaluator.h"

#include <span>

#include "runtime/deadline.h"
#include "runtime/image/image_reference.h"

namespace connaisseur::cli {

StatusOr<std::unique_ptr<ImageEvaluator>> ImageEvaluator::Create(
    const config::Config* config, verification::ImageVerifier* verifier,
    const PolicyFactory& make_policy, const EvaluationOptions& options) {
  std::unique_ptr<OfflineVerifier> offline;
  if (options.plan) offline = std::make_unique<OfflineVerifier>(config, verifier);
  std::unique_ptr<ImageEvaluator> evaluator(
      new ImageEvaluator(config, verifier, std::move(offline), options));
  CN_ASSIGN_OR_RETURN(evaluator->policy_, make_policy(evaluator->verifier_));
  return evaluator;
}

ImageEvaluator::ImageEvaluator(const config::Config* config, verification::ImageVerifier* verifier,
                               std::unique_ptr<OfflineVerifier> offline,
                               const EvaluationOptions& options)
    : config_(config),
      verifier_(offline != nullptr ? offline.get() : verifier),
      offline_(std::move(offline)),
      options_(options) {
  request_.kind = "Image";
  request_.namespace_name = options.namespace_name;
}

CheckResult ImageEvaluator::Evaluate(const std::string& raw) {
  if (offline_ != nullptr) offline_->Reset();
  CheckResult result = Decide(raw);
  if (options_.detection && result.verdict == Verdict::kDeny) {
    result.verdict = Verdict::kAllow;
    result.reason = "detection mode active: " + result.reason;
    result.detection_override = true;
  }
  return result;
}

bool ImageEvaluator::PlannedBecauseOfBackend(const std::string& why, CheckResult* result) const {
  if (offline_ == nullptr || !offline_->needed_backend()) return false;
  result->verdict = Verdict::kPlan;
  result->digest.reset();
  result->reason = why + " verifies with validator " + offline_->backend_validator() +
                   ", which needs its back-end (not contacted with --plan)";
  return true;
}

CheckResult ImageEvaluator::Decide(const std::string& raw) {
  CheckResult result;  // denies until a step allows
  result.image = raw;
  auto image = image::ImageReference::Parse(raw);
  if (!image.ok()) {
    result.reason = image.status().message();
    return result;
  }
  result.normalized = image->normalized();

  const Deadline deadline = Deadline::In(options_.timeout);
  auto rule = policy_->Select(*image, request_, deadline);
  // A select that verifies (e.g. "a notary signature, then cosign") depends on the back-end.
  if (PlannedBecauseOfBackend("the policy's select", &result)) return result;
  if (!rule.ok()) {
    result.reason = rule.status().message();
    return result;
  }
  result.rule = rule->pattern;
  result.validator = rule->validator;
  if (offline_ != nullptr && !offline_->DecidesOffline(rule->validator)) {
    result.verdict = Verdict::kPlan;
    result.reason = "rule " + rule->pattern + " selects validator " + rule->validator;
    return result;
  }
  VerifyAndAdmit(*rule, *image, deadline, &result);
  PlannedBecauseOfBackend("the policy's admit", &result);
  return result;
}

void ImageEvaluator::VerifyAndAdmit(const config::Rule& rule, const image::ImageReference& image,
                                    Deadline deadline, CheckResult* result) {
  policy::ImageResult image_result;
  image_result.image = result->image;
  image_result.rule = rule;
  auto verified = verifier_ != nullptr
                      ? verifier_->Verify(rule, image, deadline)
                      : StatusOr<verification::VerifiedImage>(InternalError("no verifier"));
  if (verified.ok()) {
    image_result.allowed = true;
    image_result.digest = verified->digest;
    const config::ValidatorConfig* vc = config_->FindValidator(rule.validator);
    if (vc != nullptr && vc->type == config::ValidatorType::kStatic) {
      image_result.reason =
          "static allow for image " + result->image + " using rule " + rule.pattern;
    } else {
      image_result.reason = "successfully validated image " + result->image + " using rule " +
                            rule.pattern + " and validator " + rule.validator;
    }
  } else {
    image_result.reason = verified.status().message();
  }
  if (!image_result.digest.empty()) result->digest = image_result.digest;

  bool allowed = image_result.allowed;
  std::string reason = image_result.reason;
  if (policy_->has_admit()) {
    auto decision = policy_->Admit(request_, std::span(&image_result, 1), deadline);
    if (!decision.ok()) {
      allowed = false;
      reason = decision.status().message();
    } else {
      allowed = decision->allowed;
      if (!decision->message.empty()) {
        reason = decision->message;
      } else if (!allowed && image_result.allowed) {
        reason = "denied by the policy's admit function";
      }
    }
  }
  result->verdict = allowed ? Verdict::kAllow : Verdict::kDeny;
  result->reason = std::move(reason);
}

}  // namespace connaisseur::cli
