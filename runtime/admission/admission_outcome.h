// AdmissionOutcome: the verdict on one AdmissionReview and its rendering as the response body
// (docs/operations.md). Fails closed: a default outcome denies.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/admission/json_patch.h"

namespace connaisseur::admission {

struct AdmissionOutcome {
  bool allowed = false;  // only a path that saw every image verified sets this
  std::string message;   // why it was denied (or what was skipped); sent on deny only
  std::vector<std::string> warnings;
  std::vector<PatchOp> patch;  // sent only when allowed and non-empty
  bool timed_out = false;      // for metrics: denied because the request deadline passed

  static AdmissionOutcome Deny(std::string message) {
    AdmissionOutcome o;
    o.message = std::move(message);
    return o;
  }
};

// `{"apiVersion":<api_version>,"kind":"AdmissionReview","response":{"uid":…,"allowed":…,
//   "status":{"code":403,"message":…}?,"patchType":"JSONPatch"?,"patch":<base64>?,
//   "warnings":[…]?}}`, compact.
std::string RenderResponse(std::string_view api_version, std::string_view uid,
                           const AdmissionOutcome& outcome);

}  // namespace connaisseur::admission
