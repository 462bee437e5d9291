#include "runtime/admission/admission_outcome.h"

#include <nlohmann/json.hpp>

#include "runtime/crypto/encoding.h"

namespace connaisseur::admission {

bool ApplyDetectionMode(AdmissionOutcome& outcome) {
  if (outcome.allowed) return false;
  outcome.allowed = true;
  outcome.patch.clear();
  outcome.warnings = {"detection mode active", outcome.message};
  return true;
}

std::string RenderResponse(std::string_view api_version, std::string_view uid,
                           const AdmissionOutcome& outcome) {
  nlohmann::json response = {{"uid", uid}, {"allowed", outcome.allowed}};
  if (!outcome.allowed) {
    response["status"] = {{"code", 403}, {"message", outcome.message}};
  } else if (!outcome.patch.empty()) {
    response["patchType"] = "JSONPatch";
    response["patch"] = crypto::Base64Encode(SerializePatch(outcome.patch));
  }
  if (!outcome.warnings.empty()) response["warnings"] = outcome.warnings;
  nlohmann::json review = {
      {"apiVersion", api_version}, {"kind", "AdmissionReview"}, {"response", std::move(response)}};
  // Flat document of strings: dump() cannot recurse deeply; invalid UTF-8 from client data is
  // replaced instead of thrown on.
  return review.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace connaisseur::admission
