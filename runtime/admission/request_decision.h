// DecideRequest: the validation outcome of one parsed AdmissionReview (docs/operations.md):
// extracts the images, handles the UPDATE shortcuts (deletion, replicas 0, unchanged images),
// decides each distinct image once through DecideImages (image_check.h), takes the request's
// verdict from the policy's `admit` (AdmitChecks, which `check` uses for its one-image requests
// too), and assembles the patch in container order. Detection mode, podsOnly and alerts are
// applied afterwards by the caller (docs/operations.md).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "runtime/admission/admission_outcome.h"
#include "runtime/admission/admission_review.h"
#include "runtime/admission/image_check.h"
#include "runtime/admission/policy_runner.h"

namespace connaisseur::admission {

// The request's verdict from its images' results (ImageCheck::result, in order): the policy's
// `admit` over them. Fails closed; a denial without a message from `admit` carries the first
// failing image's reason, or "denied by policy". Timeouts are the caller's to handle first.
struct AdmitOutcome {
  AdmissionOutcome outcome;                // allowed, message, warnings; no patch
  std::string policy_message;              // what `admit` said itself (may be empty)
  std::vector<std::string> policy_alerts;  // what `admit` passed to connaisseur.alert
};
AdmitOutcome AdmitChecks(PolicyRunner& policy, const policy::PolicyRequest& request,
                         std::span<const policy::ImageResult> results, Deadline deadline);

struct Decision {
  enum class Kind {
    kValidated,  // every image went through the pipeline (some may have failed)
    kShortcut,   // allowed without looking at images (deletion, replicas 0)
    kInvalid,    // the object could not be decoded / unknown kind / no containers
    kTimeout,    // the request deadline passed
  };
  Kind kind = Kind::kInvalid;
  AdmissionOutcome outcome;                // fails closed
  std::vector<std::string> images;         // distinct raw images, in first-seen order
  std::vector<std::string> failed_images;  // raw images whose check failed
  std::vector<ImageCheck> checks;          // one per image checked, in order
  std::vector<std::string> policy_alerts;  // what `admit` passed to connaisseur.alert
  std::string policy_message;              // what `admit` said itself (may be empty)
};

Decision DecideRequest(const AdmissionReview& review, PolicyRunner& policy,
                       const ImageCheckContext& ctx, Deadline deadline);

}  // namespace connaisseur::admission
