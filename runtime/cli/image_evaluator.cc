#include "runtime/cli/image_evaluator.h"

#include <span>

#include "runtime/deadline.h"
#include "runtime/image/image_reference.h"

namespace connaisseur::cli {

ImageEvaluator::ImageEvaluator(const config::Config* config, admission::ImageVerifier* verifier,
                               std::unique_ptr<sandbox::Policy> policy,
                               const EvaluationOptions& options)
    : config_(config), verifier_(verifier), policy_(std::move(policy)), options_(options) {
  request_.kind = "Image";
  request_.namespace_name = options.namespace_name;
}

CheckResult ImageEvaluator::Evaluate(const std::string& raw) {
  CheckResult result = Decide(raw);
  if (options_.detection && result.verdict == Verdict::kDeny) {
    result.verdict = Verdict::kAllow;
    result.reason = "detection mode active: " + result.reason;
    result.detection_override = true;
  }
  return result;
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
  if (!rule.ok()) {
    result.reason = rule.status().message();
    return result;
  }
  result.rule = rule->pattern;
  result.validator = rule->validator;
  if (options_.plan) {
    result.verdict = Verdict::kPlan;
    result.reason = "rule " + rule->pattern + " selects validator " + rule->validator;
    return result;
  }

  sandbox::ImageResult image_result;
  image_result.image = raw;
  image_result.rule = *rule;
  auto verified = verifier_ != nullptr
                      ? verifier_->Verify(*rule, *image, deadline)
                      : StatusOr<admission::VerifiedImage>(InternalError("no verifier"));
  if (verified.ok()) {
    image_result.allowed = true;
    image_result.digest = verified->digest;
    const config::ValidatorConfig* vc = config_->FindValidator(rule->validator);
    if (vc != nullptr && vc->type == config::ValidatorType::kStatic) {
      image_result.reason = "static allow for image " + raw + " using rule " + rule->pattern;
    } else {
      image_result.reason = "successfully validated image " + raw + " using rule " + rule->pattern +
                            " and validator " + rule->validator;
    }
  } else {
    image_result.reason = verified.status().message();
  }
  if (!image_result.digest.empty()) result.digest = image_result.digest;

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
  result.verdict = allowed ? Verdict::kAllow : Verdict::kDeny;
  result.reason = std::move(reason);
  return result;
}

}  // namespace connaisseur::cli
