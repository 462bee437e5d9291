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

// Detection mode (docs/configuration.md `detectionMode`): a deny becomes an allow whose warnings
// are ["detection mode active", <the denial's message>], without a patch (never a patch that was
// not verified); `message` keeps the denial. Every command applies detection mode through this
// function only, once per request. True when it turned a deny into an allow.
bool ApplyDetectionMode(AdmissionOutcome& outcome);

// `{"apiVersion":<api_version>,"kind":"AdmissionReview","response":{"uid":…,"allowed":…,
//   "status":{"code":403,"message":…}?,"patchType":"JSONPatch"?,"patch":<base64>?,
//   "warnings":[…]?}}`, compact.
std::string RenderResponse(std::string_view api_version, std::string_view uid,
                           const AdmissionOutcome& outcome);

}  // namespace connaisseur::admission
