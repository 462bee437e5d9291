// Reviewer: one AdmissionReview body in, the response body out. The single code path shared by
// `connaisseur serve` (/mutate) and `connaisseur review`:
//   ParseAdmissionReview → DecideRequest → alerts (not for dry-run) → podsOnly / detection mode
//   (docs/operations.md) → mandatory-alert failure → RenderResponse; plus request metrics and
//   exactly one summary log line per request (docs/operations.md "Logs").
#pragma once

#include <string>
#include <string_view>

#include "runtime/admission/image_check.h"
#include "runtime/admission/policy_runner.h"
#include "runtime/alerting/alert_notifier.h"
#include "runtime/http/memory_budget.h"
#include "runtime/status.h"

namespace connaisseur::admission {

class Reviewer {
 public:
  // `ctx` pointers and `alerts` (may be null: no alerting) are borrowed and must outlive this.
  Reviewer(ImageCheckContext ctx, alerting::AlertNotifier* alerts) : ctx_(ctx), alerts_(alerts) {}

  // The AdmissionReview response JSON, or the parse error of ParseAdmissionReview (its message
  // is the plain-text answer; kResourceExhausted → 413, kUnavailable → 503, otherwise 400). A
  // policy or validator failure is never an error here: it is a denying response. `memory` (may
  // be null) is charged with the parsed tree. Thread-safe when each concurrent caller brings its
  // own `policy`.
  StatusOr<std::string> Review(std::string_view body, PolicyRunner& policy,
                               http::MemoryReservation* memory = nullptr) const;

 private:
  ImageCheckContext ctx_;
  alerting::AlertNotifier* alerts_;  // borrowed, may be null
};

}  // namespace connaisseur::admission
