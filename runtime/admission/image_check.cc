#include "runtime/admission/image_check.h"

#include <chrono>

#include "runtime/metrics/webhook_metrics.h"

namespace connaisseur::admission {
namespace {

using metrics::Labels;

// The kind of validator `name`; nullopt when no validator has that name.
std::optional<config::ValidatorType> ValidatorType(const config::Config& config,
                                                   const std::string& name) {
  const config::ValidatorConfig* validator = config.FindValidator(name);
  if (validator == nullptr) return std::nullopt;
  return validator->type;
}

// The metric label of a validator kind: its name, or "unknown" before a validator is found.
std::string TypeLabel(const std::optional<config::ValidatorType>& type) {
  return type.has_value() ? std::string(config::ValidatorTypeName(*type)) : "unknown";
}

void Count(const ImageCheckContext& ctx, const char* name, Labels labels) {
  if (ctx.metrics != nullptr) ctx.metrics->Increment(name, labels);
}

// Marks `check` allowed for `reason` without a verification (a skip).
void Skip(ImageCheck& check, const std::string& reason, const ImageCheckContext& ctx) {
  check.result.allowed = true;
  check.result.reason = reason;
  Count(ctx, metrics::kValidationsSkipped,
        {{"type", TypeLabel(check.validator_type)},
         {"validator_name", check.result.rule->validator},
         {"reason", reason}});
  ctx.logger->Debug("skipped validation: " + reason + " for image " + check.result.image,
                    {{"image", check.result.image}, {"rule", check.result.rule->pattern}});
}

}  // namespace

ImageCheck SelectForImage(const std::string& raw, PolicyRunner& policy,
                          const policy::PolicyRequest& request, const SkipPolicy& skips,
                          const ImageCheckContext& ctx, Deadline deadline) {
  ImageCheck check;
  check.result.image = raw;

  auto parsed = image::ImageReference::Parse(raw);
  if (!parsed.ok()) {
    check.result.reason = parsed.status().message();
    return check;
  }
  const image::ImageReference& image = *parsed;

  auto rule = policy.Select(image, request, deadline);
  if (!rule.ok()) {
    check.timed_out = rule.status().code() == StatusCode::kDeadlineExceeded && deadline.expired();
    check.result.reason = rule.status().message();
    return check;
  }
  check.result.rule = *rule;
  check.validator_type = ValidatorType(*ctx.config, rule->validator);

  if (check.validator_type != config::ValidatorType::kStatic) {
    if (skips.unchanged.contains(image.normalized())) {
      Skip(check, kSkipUnchanged, ctx);
      return check;
    }
    if (skips.child_approval && ctx.verified != nullptr && image.digest().has_value() &&
        ctx.verified->Contains(*rule, image.normalized())) {
      Skip(check, kSkipChild, ctx);
      check.result.digest = *image.digest();
      return check;
    }
  }
  check.pending = image;
  return check;
}

void VerifySelected(ImageCheck* check_ptr, const verification::PullContext& pull,
                    const ImageCheckContext& ctx, Deadline deadline) {
  if (!check_ptr->pending.has_value()) return;
  ImageCheck& check = *check_ptr;
  const image::ImageReference image = *std::move(check.pending);
  check.pending.reset();
  const std::string& raw = check.result.image;
  const std::optional<config::Rule>& rule = check.result.rule;
  const bool is_static = check.validator_type == config::ValidatorType::kStatic;

  const Labels labels = {{"type", TypeLabel(check.validator_type)},
                         {"validator_name", rule->validator}};
  const auto start = std::chrono::steady_clock::now();
  auto verified = ctx.verifier->Verify(*rule, image, pull, deadline);
  if (ctx.metrics != nullptr) {
    ctx.metrics->Observe(
        metrics::kValidationDuration, labels,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  if (!verified.ok()) {
    check.result.reason = verified.status().message();
    check.timed_out = verified.status().code() == StatusCode::kDeadlineExceeded;
    Labels with_result = labels;
    with_result.emplace_back("result", "error");
    Count(ctx, metrics::kValidations, with_result);
    Count(ctx, check.timed_out ? metrics::kValidationsTimeouted : metrics::kValidationsFailed,
          labels);
    return;
  }
  if (verified->cache == verification::CacheOutcome::kCacheHit) {
    Count(ctx, metrics::kValidationsSkipped,
          {{"type", TypeLabel(check.validator_type)},
           {"validator_name", rule->validator},
           {"reason", kSkipCacheHit}});
  } else {
    Labels with_result = labels;
    with_result.emplace_back("result", "success");
    Count(ctx, metrics::kValidations, with_result);
    Count(ctx, metrics::kValidationsSuccessful, labels);
  }

  check.result.digest = verified->digest;
  if (verified->digest.empty()) {  // a static allow of a tag reference: kept as written
    check.result.allowed = true;
    check.result.reason = "static allow for image " + raw + " using rule " + rule->pattern;
    return;
  }
  // The verifier already refused a digest other than the one the reference pins
  // (verification::ImageVerifier's contract), so the pinned reference names what was proven.
  const std::string pinned_text = image.WithDigest(verified->digest);
  auto pinned = image::ImageReference::Parse(pinned_text);
  if (!pinned.ok()) {
    check.result.reason = "validated image reference " + pinned_text +
                          " has invalid format: " + pinned.status().message();
    return;
  }
  check.result.allowed = true;
  check.result.reason = is_static ? "static allow for image " + raw + " using rule " + rule->pattern
                                  : "successfully validated image " + raw + " using rule " +
                                        rule->pattern + " and validator " + rule->validator +
                                        ". Result is " + pinned->normalized() + ".";
  if (!is_static && ctx.verified != nullptr) ctx.verified->Remember(*rule, pinned->normalized());
  if (rule->with.mode == config::RuleMode::kMutate && pinned->normalized() != image.normalized()) {
    check.pinned = pinned->normalized();
  }
}

}  // namespace connaisseur::admission
