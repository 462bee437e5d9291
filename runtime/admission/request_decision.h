// DecideRequest: the validation outcome of one parsed AdmissionReview (docs/operations.md):
// extracts the images, handles the UPDATE shortcuts (deletion, replicas 0, unchanged images),
// checks each distinct image once (the policy's `select` on the calling thread, the validators
// concurrently, at most ctx.max_parallel_verifications at a time), asks the policy's `admit`, and
// assembles the patch in container order. Detection mode, podsOnly and alerts are applied
// afterwards by the caller (docs/operations.md).
#pragma once

#include <string>
#include <vector>

#include "runtime/admission/admission_outcome.h"
#include "runtime/admission/admission_review.h"
#include "runtime/admission/image_check.h"
#include "runtime/admission/policy_runner.h"

namespace connaisseur::admission {

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
};

Decision DecideRequest(const AdmissionReview& review, PolicyRunner& policy,
                       const ImageCheckContext& ctx, Deadline deadline);

}  // namespace connaisseur::admission
