#include "runtime/admission/image_check.h"

#include <chrono>
#include <functional>

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

Labels ValidatorLabels(const ImageCheck& check) {
  return {{"type", TypeLabel(check.validator_type)},
          {"validator_name", check.result.rule->validator}};
}

Labels With(Labels labels, const char* key, std::string value) {
  labels.emplace_back(key, std::move(value));
  return labels;
}

// The allow reason of a `static` validator (v3.10 wording), built here only.
std::string StaticAllowReason(const std::string& raw, const config::Rule& rule) {
  return "static allow for image " + raw + " using rule " + rule.pattern;
}

// Marks `check` allowed for `reason` without a verification (a skip).
void Skip(ImageCheck& check, const std::string& reason, const ImageCheckContext& ctx) {
  check.result.allowed = true;
  check.result.reason = reason;
  Count(ctx, metrics::kValidationsSkipped, With(ValidatorLabels(check), "reason", reason));
  ctx.logger->Debug("skipped validation: " + reason + " for image " + check.result.image,
                    {{"image", check.result.image}, {"rule", check.result.rule->pattern}});
}

// The approvals that need no validator: an image of the object before an UPDATE, or a digest
// this webhook verified under the same rule (child approval). Never for `static` validators,
// which decide on their own. True when `check` was decided by a skip.
bool ApplySkips(ImageCheck& check, const image::ImageReference& image, const SkipPolicy& skips,
                const verification::PullContext& pull, const ImageCheckContext& ctx) {
  if (check.validator_type == config::ValidatorType::kStatic) return false;
  if (skips.unchanged.contains(image.normalized())) {
    Skip(check, kSkipUnchanged, ctx);
    return true;
  }
  if (!skips.child_approval || ctx.verified == nullptr || !image.digest().has_value()) return false;
  auto parent = ctx.verified->Find(*check.result.rule, pull, image.normalized());
  if (!parent) return false;
  Skip(check, kSkipChild, ctx);
  check.result.digest = *image.digest();
  // admit sees what it saw for the parent: a policy denying on an attestation denies the child.
  check.result.attestations = std::move(parent->attestations);
  check.result.attestation_errors = std::move(parent->attestation_errors);
  return true;
}

// The policy step, on the thread that owns `policy`: parse, select, skips. The check is final
// unless `pending` is set.
ImageCheck SelectForImage(const std::string& raw, PolicyRunner& policy,
                          const policy::PolicyRequest& request,
                          const verification::PullContext& pull, const SkipPolicy& skips,
                          const ImageCheckContext& ctx, Deadline deadline) {
  ImageCheck check;
  check.result.image = raw;
  auto image = image::ImageReference::Parse(raw);
  if (!image.ok()) {
    check.result.reason = image.status().message();
    return check;
  }
  check.normalized = image->normalized();
  auto rule = policy.Select(*image, request, deadline);
  if (!rule.ok()) {
    check.timed_out = rule.status().code() == StatusCode::kDeadlineExceeded && deadline.expired();
    check.result.reason = rule.status().message();
    return check;
  }
  check.result.rule = *std::move(rule);
  check.validator_type = ValidatorType(*ctx.config, check.result.rule->validator);
  if (!ApplySkips(check, *image, skips, pull, ctx)) check.pending = *std::move(image);
  return check;
}

// Records one validator call: its duration, and a success, failure, timeout or cache hit.
void RecordValidation(metrics::Registry& m, const ImageCheck& check,
                      const StatusOr<verification::VerifiedImage>& verified, double seconds) {
  const Labels labels = ValidatorLabels(check);
  m.Observe(metrics::kValidationDuration, labels, seconds);
  if (!verified.ok()) {
    m.Increment(metrics::kValidations, With(labels, "result", "error"));
    m.Increment(check.timed_out ? metrics::kValidationsTimeouted : metrics::kValidationsFailed,
                labels);
  } else if (verified->cache == verification::CacheOutcome::kCacheHit) {
    m.Increment(metrics::kValidationsSkipped, With(labels, "reason", kSkipCacheHit));
  } else if (verified->cache == verification::CacheOutcome::kStale) {
    m.Increment(metrics::kValidationsSkipped, With(labels, "reason", kSkipStaleCacheHit));
  } else {
    m.Increment(metrics::kValidations, With(labels, "result", "success"));
    m.Increment(metrics::kValidationsSuccessful, labels);
  }
}

// Runs the rule's validator on `image`; a failure sets the check's reason (and `timed_out`).
StatusOr<verification::VerifiedImage> RunValidator(ImageCheck& check,
                                                   const image::ImageReference& image,
                                                   const verification::PullContext& pull,
                                                   const ImageCheckContext& ctx,
                                                   Deadline deadline) {
  const auto start = std::chrono::steady_clock::now();
  auto verified = ctx.verifier->Verify(*check.result.rule, image, pull, deadline);
  if (!verified.ok()) {
    check.result.reason = verified.status().message();
    check.timed_out = verified.status().code() == StatusCode::kDeadlineExceeded;
  }
  if (ctx.metrics != nullptr) {
    RecordValidation(
        *ctx.metrics, check, verified,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return verified;
}

// Allows `check` with the digest `verified` proved: the reference pinned to it must parse again.
// The verifier already refused a digest other than the one the reference pins
// (verification::ImageVerifier's contract), so the pinned reference names what was proven.
// Returns the normalised pinned reference, empty when there is none (a failure, a tag kept).
std::string Pin(ImageCheck& check, const image::ImageReference& image, const std::string& digest) {
  const config::Rule& rule = *check.result.rule;
  const std::string& raw = check.result.image;
  const bool is_static = check.validator_type == config::ValidatorType::kStatic;
  check.result.digest = digest;
  if (digest.empty()) {  // a static allow of a tag reference: kept as written
    check.result.allowed = true;
    check.result.reason = StaticAllowReason(raw, rule);
    return "";
  }
  const std::string pinned_text = image.WithDigest(digest);
  auto pinned = image::ImageReference::Parse(pinned_text);
  if (!pinned.ok()) {
    check.result.reason = "validated image reference " + pinned_text +
                          " has invalid format: " + pinned.status().message();
    return "";
  }
  check.result.allowed = true;
  check.result.reason = is_static ? StaticAllowReason(raw, rule)
                                  : "successfully validated image " + raw + " using rule " +
                                        rule.pattern + " and validator " + rule.validator +
                                        ". Result is " + pinned->normalized() + ".";
  if (rule.with.mode == config::RuleMode::kMutate && pinned->normalized() != image.normalized()) {
    check.pinned = pinned->normalized();
  }
  return pinned->normalized();
}

// The validator step, on any thread: a no-op for a check without `pending`.
void VerifySelected(ImageCheck& check, const verification::PullContext& pull,
                    const ImageCheckContext& ctx, Deadline deadline) {
  if (!check.pending.has_value()) return;
  const image::ImageReference image = *std::move(check.pending);
  check.pending.reset();
  auto verified = RunValidator(check, image, pull, ctx, deadline);
  if (!verified.ok()) return;
  const std::string pinned = Pin(check, image, verified->digest);
  if (!check.result.allowed) return;
  check.result.attestations = std::move(verified->attestations);
  check.result.attestation_errors = std::move(verified->attestation_errors);
  if (ctx.verified != nullptr && check.validator_type != config::ValidatorType::kStatic &&
      !pinned.empty()) {
    ctx.verified->Remember(*check.result.rule, verified->used_pull_credentials ? &pull : nullptr,
                           pinned, {check.result.attestations, check.result.attestation_errors});
  }
}

void MarkTimedOut(ImageCheck& check) {
  check.pending.reset();
  check.timed_out = true;
  check.result.allowed = false;
  check.result.reason = "the deadline passed before image " + check.result.image + " was checked";
}

}  // namespace

std::vector<ImageCheck> DecideImages(std::span<const std::string> images,
                                     const policy::PolicyRequest& request,
                                     const verification::PullContext& pull, const SkipPolicy& skips,
                                     PolicyRunner& policy, const ImageCheckContext& ctx,
                                     Deadline deadline) {
  // The policy step on this thread, in order; after a timeout nothing more is started.
  std::vector<ImageCheck> checks(images.size());
  bool out_of_time = false;
  for (size_t i = 0; i < images.size(); ++i) {
    checks[i].result.image = images[i];
    out_of_time = out_of_time || deadline.expired();
    if (out_of_time) {
      MarkTimedOut(checks[i]);
      continue;
    }
    checks[i] = SelectForImage(images[i], policy, request, pull, skips, ctx, deadline);
    out_of_time = checks[i].timed_out;
  }
  // The validator step: validators wait on the network, so they run concurrently (bounded); each
  // check keeps its slot, so results follow the input order whatever finishes first.
  std::vector<ImageCheck*> pending;
  for (ImageCheck& check : checks) {
    if (!check.pending.has_value()) continue;
    // A static validator decides without a back-end, here: handing it to a pool thread costs two
    // context switches per image, several times the decision (measured, BENCHMARKS.md "Webhook").
    if (check.validator_type == config::ValidatorType::kStatic) {
      VerifySelected(check, pull, ctx, deadline);
    } else {
      pending.push_back(&check);
    }
  }
  const std::function<void(size_t)> verify = [&](size_t i) {
    if (deadline.expired()) return MarkTimedOut(*pending[i]);  // queued past the deadline
    VerifySelected(*pending[i], pull, ctx, deadline);
  };
  if (ctx.pool != nullptr) {
    ctx.pool->ForEach(pending.size(), ctx.max_parallel_verifications, verify);
  } else {
    for (size_t i = 0; i < pending.size(); ++i) verify(i);
  }
  return checks;
}

}  // namespace connaisseur::admission
