// ImageReport: one image's result as `check` prints it (one row) and `review` logs it (one
// debug line per image): verdict, rule, validator, digest and reason, taken from the image's
// decision (image_check.h) within the verdict of the request it was decided in. `check` decides
// each image as a request of its own, so for a one-image request both are the same.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "runtime/admission/admission_outcome.h"
#include "runtime/admission/image_check.h"

namespace connaisseur::admission {

struct ImageReport {
  std::string image;                      // the reference as given
  std::optional<std::string> normalized;  // absent when it does not parse
  std::optional<std::string> rule;        // the selected rule's pattern
  std::optional<std::string> validator;   // the selected rule's validator
  bool allowed = false;
  std::optional<std::string> digest;  // "sha256:<hex>" the verification resolved
  std::string reason;                 // why (the text the webhook sends or logs)
  bool detection_override = false;    // detection mode turned the deny into an allow
};

// The report of `check` within its request's final outcome `request` (after detection mode;
// `detection_override` when ApplyDetectionMode turned it), `policy_message` being what the
// policy's `admit` said on an allow (may be empty). When the image is the request's only one
// (`sole_image`, always so for `check`), the request's verdict and message are the image's: on a
// deny, the webhook's message; on an allow, `policy_message` or the image's own reason. Among
// several images, each reports its own result, a failed one allowed by detection mode saying so.
ImageReport ReportImage(const ImageCheck& check, const AdmissionOutcome& request,
                        const std::string& policy_message, bool detection_override,
                        bool sole_image);

// The report as log fields: image, normalized, rule, validator, verdict ("allow"/"deny"),
// digest (absent ones null), reason.
nlohmann::json ReportFields(const ImageReport& report);

}  // namespace connaisseur::admission
