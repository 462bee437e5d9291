#include "runtime/admission/reviewer.h"

#include <chrono>

#include "runtime/admission/admission_review.h"
#include "runtime/admission/image_report.h"
#include "runtime/admission/json_tree.h"
#include "runtime/admission/request_decision.h"
#include "runtime/admission/workload.h"
#include "runtime/metrics/webhook_metrics.h"

namespace connaisseur::admission {
namespace {

using config::Features;

alerting::AlertEvent MakeAlert(const AdmissionReview& review, const Decision& d) {
  alerting::AlertEvent e;
  e.request_id = review.uid;
  e.namespace_name = review.namespace_name;
  e.admitted = d.outcome.allowed;
  if (d.outcome.allowed) {
    e.message = "CONNAISSEUR admitted a request";
    e.images = d.images;
  } else if (d.kind == Decision::Kind::kTimeout) {
    e.message = "CONNAISSEUR validation timed out for admission request " + review.uid;
    e.images = d.images;
  } else if (d.kind == Decision::Kind::kInvalid) {
    e.message = "CONNAISSEUR failed to parse admission request " + review.uid;
  } else {
    e.message = "CONNAISSEUR rejected a request: " + d.outcome.message;
    e.images = d.failed_images;
  }
  return e;
}

// The event for what `admit` passed to connaisseur.alert: on the rejectRequest stream, whatever
// the verdict, so a policy that admits can still raise an alert (docs/policy-lua.md).
alerting::AlertEvent MakePolicyAlert(const AdmissionReview& review, const Decision& d) {
  alerting::AlertEvent e;
  e.request_id = review.uid;
  e.namespace_name = review.namespace_name;
  e.admitted = false;
  e.message = "CONNAISSEUR policy alert: ";
  for (size_t i = 0; i < d.policy_alerts.size(); ++i) {
    e.message += (i > 0 ? "; " : "") + d.policy_alerts[i];
  }
  e.images = d.images;
  return e;
}

// docs/operations.md: podsOnly, then detection mode, each turning a deny into a warned allow.
// True when detection mode turned it.
bool PostProcess(const AdmissionReview& review, const Features& features, AdmissionOutcome& o) {
  if (features.resource_validation_mode == Features::ResourceValidationMode::kPodsOnly &&
      review.kind != "Pod") {
    o.patch.clear();
    if (!o.allowed) {
      o.allowed = true;
      o.warnings = {"pod-only validation active", o.message};
    }
  }
  return features.detection_mode && ApplyDetectionMode(o);
}

void RecordMetrics(metrics::Registry& m, const AdmissionReview& review,
                   const AdmissionOutcome& outcome, double seconds) {
  m.Increment(metrics::kRequests);
  if (outcome.allowed) {
    m.Increment(metrics::kRequestsAdmitted);
  } else {
    m.Increment(metrics::kRequestsDenied, {{"timeout", outcome.timed_out ? "true" : "false"}});
  }
  // The kind comes from the request: only the handled kinds become label values, so that
  // requests naming made-up kinds cannot grow the series without bound.
  m.Increment(metrics::kRequestsByKind,
              {{"kind", IsWorkloadKind(review.kind) ? review.kind : "other"},
               {"verdict", outcome.allowed ? "admitted" : "denied"}});
  m.Observe(metrics::kRequestDuration, {}, seconds);
}

// One debug line per decided image (the fields `check` prints), then exactly one summary line
// per request (docs/operations.md "Logs").
void LogDecision(log::Logger& logger, const AdmissionReview& review, const Decision& d,
                 bool detection_override, double seconds) {
  const AdmissionOutcome& outcome = d.outcome;
  std::vector<std::string_view> rules, validators;
  rules.reserve(d.checks.size());
  validators.reserve(d.checks.size());
  for (const ImageCheck& c : d.checks) {
    if (logger.Enabled(log::Level::kDebug)) {
      nlohmann::json fields =
          ReportFields(ReportImage(c, outcome, d.policy_message, detection_override,
                                   /*sole_image=*/d.checks.size() == 1));
      fields["uid"] = review.uid;
      logger.Debug("image decided", fields);
    }
    if (!c.result.rule) continue;
    rules.push_back(c.result.rule->pattern);
    validators.push_back(c.result.rule->validator);
  }
  if (!logger.Enabled(log::Level::kInfo)) return;
  // Borrowed fields, formatted into one buffer: this line is written for every request.
  const log::Field fields[] = {
      {"decision", outcome.allowed ? "allow" : "deny"},
      {"dry_run", review.dry_run},
      {"duration_ms", seconds * 1000},
      {"image", std::span<const std::string>(d.images)},
      {"kind", review.kind},
      {"name", review.name},
      {"namespace", review.namespace_name},
      outcome.allowed ? log::Field("reason", std::span<const std::string>(outcome.warnings))
                      : log::Field("reason", outcome.message),
      {"rule", std::span<const std::string_view>(rules)},
      {"uid", review.uid},
      {"validator", std::span<const std::string_view>(validators)}};
  logger.LogFields(log::Level::kInfo,
                   outcome.allowed ? "admission request admitted" : "admission request denied",
                   fields);
}

}  // namespace

StatusOr<std::string> Reviewer::Review(std::string_view body, PolicyRunner& policy,
                                       http::MemoryReservation* memory) const {
  const auto start = std::chrono::steady_clock::now();
  CN_ASSIGN_OR_RETURN(AdmissionReview review, ParseAdmissionReview(body, memory));
  // Freed without allocating, on every way out (json_tree.h): bad_alloc must reach the server's
  // handler as an answer, never std::terminate from a destructor.
  JsonTreeReleaser release_request(review.request);
  const config::Config& config = *ctx_.config;
  const Deadline deadline = Deadline::In(std::chrono::seconds(config.timeout_seconds));

  Decision d = DecideRequest(review, policy, ctx_, deadline);
  Status alert_status;
  if (alerts_ != nullptr && !review.dry_run) {
    alert_status = alerts_->Notify(MakeAlert(review, d), deadline);
    if (!d.policy_alerts.empty()) {
      Status policy_alert = alerts_->Notify(MakePolicyAlert(review, d), deadline);
      if (alert_status.ok()) alert_status = policy_alert;
    }
  }
  AdmissionOutcome& outcome = d.outcome;
  const bool detection_override = PostProcess(review, config.features, outcome);
  if (!alert_status.ok()) {  // docs/configuration.md "alerting": a failed mandatory alert denies in
                             // every mode
    outcome = AdmissionOutcome::Deny(alert_status.message());
  }
  std::string response = RenderResponse(review.api_version, review.uid, outcome);

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (ctx_.metrics != nullptr) RecordMetrics(*ctx_.metrics, review, outcome, seconds);
  LogDecision(*ctx_.logger, review, d, detection_override && outcome.allowed, seconds);
  return response;
}

}  // namespace connaisseur::admission
